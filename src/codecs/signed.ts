/** @module signedCodec: the session as base64url JSON with an HMAC-SHA256 tag. */
import type { CodecBackend, CodecContext, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, fromUtf8, utf8 } from '../lib/base64url.ts'
import { hmacKey, secretList } from '../lib/keys.ts'
import { type LifetimeOptions, lifetime } from '../lib/lifetime.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'

export interface SignedCodecOptions extends LifetimeOptions {
  /** HMAC secrets of at least 32 bytes, newest first: the first signs, every one verifies. */
  secrets: string | readonly string[]
}

const TAG_LENGTH = 43 // 32 bytes in unpadded base64url

/**
 * A stateless codec: the token is `base64url(JSON [created, issued, data]).base64url(HMAC-SHA256)`,
 * readable by the client but not forgeable. Times are whole seconds.
 *
 * @example
 * const codec = signedCodec({ secrets: [env.SESSION_SECRET, env.OLD_SESSION_SECRET], idleTimeout: 3600 })
 */
export function signedCodec(options: SignedCodecOptions): CodecBackend {
  const secrets = secretList(options?.secrets, 'signedCodec', 32)
  const life = lifetime(options, 'signedCodec')

  return {
    async encode(data: SessionData, context: CodecContext): Promise<string> {
      const now = life.now()
      const created = context.created === undefined ? now : Math.floor(context.created / 1000)
      const payload = encodeBase64url(utf8(JSON.stringify([created, now, data])))
      const key = await hmacKey(secrets[0]!, 'SHA-256')
      const tag = await crypto.subtle.sign('HMAC', key, utf8(payload))
      context.created = created * 1000
      context.maxAge = life.remaining(created, now)
      return `${payload}.${encodeBase64url(new Uint8Array(tag))}`
    },

    async decode(token: string, context: CodecContext): Promise<SessionData> {
      const dot = token.length <= MAX_TOKEN_LENGTH ? token.indexOf('.') : -1
      if (dot < 0 || token.length - dot - 1 !== TAG_LENGTH) throw new DecodeError('malformed')
      const payload = token.slice(0, dot)
      const tag = decodeBase64url(token.slice(dot + 1))
      const bytes = decodeBase64url(payload)
      if (tag === undefined || bytes === undefined) throw new DecodeError('malformed')
      const signed = utf8(payload)
      let signer = -1
      for (let i = 0; i < secrets.length && signer < 0; i++) {
        const key = await hmacKey(secrets[i]!, 'SHA-256')
        if (await crypto.subtle.verify('HMAC', key, tag, signed)) signer = i
      }
      if (signer < 0) throw new DecodeError('signature')

      const [created, issued, data] = parsePayload(bytes)
      // A token an older secret signed is issued again under the newest, so old secrets can go.
      context.renew = life.check(created, issued) || signer > 0
      context.created = created * 1000
      return data
    },
  }
}

function parsePayload(bytes: Uint8Array): [number, number, SessionData] {
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(bytes))
  } catch (cause) {
    throw new DecodeError('malformed', undefined, { cause })
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    Number.isSafeInteger(parsed[0]) &&
    Number.isSafeInteger(parsed[1]) &&
    typeof parsed[2] === 'object' &&
    parsed[2] !== null &&
    !Array.isArray(parsed[2])
  ) {
    return parsed as [number, number, SessionData]
  }
  throw new DecodeError('malformed')
}
