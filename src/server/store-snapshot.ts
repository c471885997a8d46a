/**
 * @module storeCodec's snapshot: a sealed copy of the session data beside the id in the token, so
 * a request that only reads, inside the window, needs no store call. Internal.
 */
import { DecodeError } from '../errors.ts'
import {
  decodeBase64url,
  encodeBase64url,
  encodeBase64urlText,
  fromUtf8,
} from '../lib/base64url.ts'
import type { HmacKeys } from '../lib/hmac.ts'
import type { StoreCipher } from './store-cipher.ts'

/** What a snapshot holds: its own deadline, the session's times, and the data as JSON. */
export interface Snapshot {
  /** Seconds since the epoch after which the snapshot is a miss: the store is read. */
  until: number
  started: number
  touched: number
  maxAge?: number
  json: string
}

/**
 * The most characters a token with its snapshot may have: beyond it the token carries the id
 * alone (a miss on every read), never a cookie past the browser's 4096-byte limit.
 */
export const SNAPSHOT_BUDGET = 3600

/** Keeps a snapshot MAC apart from an id tag the same secret makes. */
const CONTEXT = 'fetch-session store snapshot '

export interface SnapshotSeal {
  seal(id: string, snapshot: Snapshot): Promise<string>
  /** The snapshot and the index of the key that sealed it; throws `DecodeError` when not valid. */
  open(id: string, sealed: string): Promise<{ snapshot: Snapshot; key: number }>
}

/** Sealed by AES-GCM when the codec encrypts at rest, else signed by its HMAC secrets. */
export function snapshotSeal(
  keys: HmacKeys | undefined,
  cipher: StoreCipher | undefined,
): SnapshotSeal {
  return {
    async seal(id, { until, started, touched, maxAge, json }) {
      const text = `[${until},${started},${touched},${maxAge ?? 0},${json}]`
      if (cipher !== undefined) return cipher.seal(CONTEXT + id, text)
      const body = encodeBase64urlText(text)
      return `${body}.${encodeBase64url(await keys!.sign(`${CONTEXT}${id}.${body}`))}`
    },
    async open(id, sealed) {
      let text: string
      let key = 0
      if (cipher !== undefined) {
        const opened = await cipher.open(CONTEXT + id, sealed)
        text = opened.text
        key = opened.stale ? 1 : 0
      } else {
        const dot = sealed.indexOf('.')
        const body = sealed.slice(0, dot)
        const mac = dot < 0 ? undefined : decodeBase64url(sealed.slice(dot + 1))
        const bytes = decodeBase64url(body)
        if (mac === undefined || bytes === undefined) throw new DecodeError('malformed')
        key = await keys!.verify(mac, `${CONTEXT}${id}.${body}`)
        if (key < 0) throw new DecodeError('signature')
        text = fromUtf8(bytes)
      }
      return { snapshot: parseSnapshot(text), key }
    },
  }
}

function parseSnapshot(text: string): Snapshot {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new DecodeError('malformed', 'snapshot is not valid', { cause })
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw new DecodeError('malformed')
  const [until, started, touched, maxAge, data] = parsed as unknown[]
  if (
    ![until, started, touched, maxAge].every(Number.isSafeInteger) ||
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data)
  ) {
    throw new DecodeError('malformed', 'snapshot is not valid')
  }
  const snapshot: Snapshot = {
    until: until as number,
    started: started as number,
    touched: touched as number,
    json: JSON.stringify(data),
  }
  if ((maxAge as number) > 0) snapshot.maxAge = maxAge as number
  return snapshot
}
