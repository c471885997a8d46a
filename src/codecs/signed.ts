/** @module signedCodec: the session as base64url JSON with an HMAC-SHA256 tag. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, fromUtf8, utf8 } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { isSessionMaxAge, type LifetimeOptions, lifetime } from '../lib/lifetime.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { isPlainObject, optionsObject } from '../lib/options.ts'

export interface SignedCodecOptions extends LifetimeOptions {
  /** HMAC secrets of at least 32 bytes, newest first: the first signs, every one verifies. */
  secrets: string | readonly string[]
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
  })
  const keys = hmacKeys(secretList(options?.secrets, OWNER, 32), 'SHA-256')
  const life = lifetime(options, OWNER)

  return sessionCodec({
    reportsStart: true,
    async encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession> {
      const now = life.stamp()
      const started = Math.min(write.previous?.started ?? now, now)
      const own = write.maxAge
      const fields = own === undefined ? [started, now, data] : [started, now, data, own]
      const payload = encodeBase64url(utf8(JSON.stringify(fields)))
      const tag = await keys.sign(utf8(payload))
      return {
        token: `${payload}.${encodeBase64url(tag)}`,
        started,
        maxAge: life.remaining(started, now, own),
      }
    },

    async decodeSession(token: string): Promise<DecodedSession> {
      const dot = token.length <= MAX_TOKEN_LENGTH ? token.indexOf('.') : -1
      if (dot < 0 || token.length - dot - 1 !== TAG_LENGTH) throw new DecodeError('malformed')
      const payload = token.slice(0, dot)
      const tag = decodeBase64url(token.slice(dot + 1))
      const bytes = decodeBase64url(payload)
      if (tag === undefined || bytes === undefined) throw new DecodeError('malformed')
      const signer = await keys.verify(tag, utf8(payload))
      if (signer < 0) throw new DecodeError('signature')

      const [started, issued, data, maxAge] = parsePayload(bytes)
      // A token an older secret signed is issued again under the newest, so old secrets can go.
      const renew = life.check(started, issued, maxAge) || signer > 0
      return { data, started, renew, maxAge }
    },
  })
}

function parsePayload(bytes: Uint8Array): [number, number, SessionData, number | undefined] {
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(bytes))
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
