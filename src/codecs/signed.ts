/** @module signedCodec: the session as base64url JSON with an HMAC-SHA256 tag. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, encodeBase64urlText } from '../lib/base64url.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { payloadText } from '../lib/json.ts'
import { secretList } from '../lib/keys.ts'
import { isSessionMaxAge, type LifetimeOptions } from '../lib/lifetime.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { isPlainObject, optionsObject } from '../lib/options.ts'
import { defineCodec } from './define-codec.ts'

export interface SignedCodecOptions extends LifetimeOptions {
  /** HMAC secrets of at least 32 bytes, newest first: the first signs, every one verifies. */
  secrets: string | readonly string[]
  /**
   * How many verified tokens this codec keeps, so a token seen before costs no HMAC (default
   * 1000, at most 2 KiB each; `false` for none). Lifetimes and rotation apply on a hit as on a miss.
   */
  cache?: number | false
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
}

const OWNER = 'signedCodec'
const TAG_LENGTH = 43 // 32 bytes in unpadded base64url

/**
 * A stateless codec: the token is
 * `base64url(JSON [started, issued, data, maxAge?]).base64url(HMAC-SHA256)`, readable by the
 * client but not forgeable. Times are whole seconds since the epoch; `maxAge` is present only for
 * a session given its own lifetime (`session.setMaxAge`).
 *
 * @example
 * const codec = signedCodec({ secrets: [env.SESSION_SECRET, env.OLD_SESSION_SECRET], idleTimeout: 3600 })
 * const token = await codec.encode({ user: 'ana' })
 * const data = await codec.decode(token) // { user: 'ana' }
 */
export function signedCodec(options: SignedCodecOptions): SessionCodec {
  optionsObject(OWNER, options ?? null, {
    secrets: 1,
    maxAge: 1,
    idleTimeout: 1,
    clockTolerance: 1,
    now: 1,
    cache: 1,
    webCrypto: 1,
  })
  const keys = hmacKeys(secretList(options?.secrets, OWNER, 32), 'SHA-256', options.webCrypto)
  const { maxAge, idleTimeout, clockTolerance, now, cache } = options
  return defineCodec(
    {
      name: OWNER,
      reportsStart: true,
      async open(token) {
        const dot = token.length <= MAX_TOKEN_LENGTH ? token.indexOf('.') : -1
        if (dot < 0 || token.length - dot - 1 !== TAG_LENGTH) throw new DecodeError('malformed')
        const payload = token.slice(0, dot)
        const tag = decodeBase64url(token.slice(dot + 1))
        const bytes = decodeBase64url(payload)
        if (tag === undefined || bytes === undefined) throw new DecodeError('malformed')
        const key = await keys.verify(tag, payload)
        if (key < 0) throw new DecodeError('signature')
        return { payload: payloadText(bytes), key }
      },
      read(text) {
        const [started, issued, data, maxAge] = parsePayload(text)
        return { data, times: { started, issued, maxAge } }
      },
      async seal(_data, { started, now, maxAge, json }) {
        const text = `[${started},${now},${json}${maxAge === undefined ? '' : `,${maxAge}`}]`
        const payload = encodeBase64urlText(text)
        return { token: `${payload}.${encodeBase64url(await keys.sign(payload))}`, payload: text }
      },
    },
    { maxAge, idleTimeout, clockTolerance, now, cache },
  )
}

function parsePayload(text: string): [number, number, SessionData, number | undefined] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new DecodeError('malformed', undefined, { cause })
  }
  if (
    Array.isArray(parsed) &&
    (parsed.length === 3 || parsed.length === 4) &&
    Number.isSafeInteger(parsed[0]) &&
    Number.isSafeInteger(parsed[1]) &&
    isPlainObject(parsed[2]) &&
    isSessionMaxAge(parsed[3])
  ) {
    return parsed as [number, number, SessionData, number | undefined]
  }
  throw new DecodeError('malformed')
}
