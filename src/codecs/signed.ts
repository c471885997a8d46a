/** @module signedCodec: the session as base64url JSON with an HMAC-SHA256 tag. */
import type { SessionBinding, SessionCodec, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, encodeBase64urlText } from '../lib/base64url.ts'
import { readBinding } from '../lib/binding.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { payloadText } from '../lib/json.ts'
import { secretsRule } from '../lib/keys.ts'
import { isSessionMaxAge, LIFETIME_OPTIONS, type LifetimeOptions } from '../lib/lifetime.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { booleanRule, checkOptions, isPlainObject } from '../lib/options.ts'
import { cacheRule } from '../lib/token-cache.ts'
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
const SIGNED_OPTIONS = {
  secrets: secretsRule(32),
  ...LIFETIME_OPTIONS,
  cache: cacheRule,
  webCrypto: booleanRule(false),
}

/**
 * A stateless codec: the token is
 * `base64url(JSON [started, issued, data, maxAge?, binding?]).base64url(HMAC-SHA256)`, readable
 * by the client but not forgeable. Times are whole seconds since the epoch; `maxAge` is present
 * only for a session given its own lifetime (`session.setMaxAge`), `null` when only a device
 * binding (`withSession`'s `deviceBound`: `{ id, jwk }`, the device's public key) follows.
 *
 * @example
 * const codec = signedCodec({ secrets: [env.SESSION_SECRET, env.OLD_SESSION_SECRET], idleTimeout: 3600 })
 * const token = await codec.encode({ user: 'ana' })
 * const data = await codec.decode(token) // { user: 'ana' }
 */
export function signedCodec(options: SignedCodecOptions): SessionCodec {
  const { secrets, webCrypto, ...lifetimes } = checkOptions(OWNER, options ?? null, SIGNED_OPTIONS)
  const keys = hmacKeys(secrets, 'SHA-256', webCrypto)
  return defineCodec(
    {
      name: OWNER,
      reportsStart: true,
      carriesBinding: true,
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
        const [started, issued, data, maxAge, binding] = parsePayload(text)
        return { data, times: { started, issued, maxAge: maxAge ?? undefined }, binding }
      },
      async seal(_data, { started, now, maxAge, json, binding }) {
        const tail =
          binding === undefined
            ? maxAge === undefined
              ? ''
              : `,${maxAge}`
            : `,${maxAge ?? null},${JSON.stringify(binding)}`
        const text = `[${started},${now},${json}${tail}]`
        const payload = encodeBase64urlText(text)
        return { token: `${payload}.${encodeBase64url(await keys.sign(payload))}`, payload: text }
      },
    },
    lifetimes,
  )
}

type Payload = [number, number, SessionData, number | null | undefined, SessionBinding | undefined]

function parsePayload(text: string): Payload {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new DecodeError('malformed', undefined, { cause })
  }
  if (
    Array.isArray(parsed) &&
    parsed.length >= 3 &&
    parsed.length <= 5 &&
    Number.isSafeInteger(parsed[0]) &&
    Number.isSafeInteger(parsed[1]) &&
    isPlainObject(parsed[2]) &&
    (parsed.length === 5
      ? parsed[3] === null || isSessionMaxAge(parsed[3])
      : isSessionMaxAge(parsed[3]))
  ) {
    let binding: SessionBinding | undefined
    try {
      binding = parsed.length === 5 ? readBinding(parsed[4]) : undefined
    } catch (cause) {
      throw new DecodeError('malformed', undefined, { cause })
    }
    return [parsed[0], parsed[1], parsed[2], parsed[3], binding]
  }
  throw new DecodeError('malformed')
}
