/** @module djangoCodec: the session cookie of Django's signed_cookies session engine. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { sessionData } from '../lib/json.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import {
  booleanRule,
  checkOptions,
  type OptionRule,
  optional,
  secondsRule,
  stringRule,
} from '../lib/options.ts'
import { defineCodec } from './define-codec.ts'
import { derivedKeys, dumpPayload, loadPayload, signature, verifyingKey } from './itsdangerous.ts'
import { pythonJsonCompact } from './python-json-compact.ts'
import { type ClockOptions, PYTHON_OPTIONS } from './python-options.ts'

export interface DjangoCodecOptions extends ClockOptions {
  /**
   * Django's `SECRET_KEY`, as is; a list to rotate, newest first: `[SECRET_KEY,
   * ...SECRET_KEY_FALLBACKS]` (Django 4.1+). The first signs, every one verifies. Any non-empty
   * string is accepted because the Django project already uses it.
   */
  secretKey: string | readonly string[]
  /** The signing salt; default `django.contrib.sessions.backends.signed_cookies`. */
  salt?: string
  /**
   * Django's `SESSION_COOKIE_AGE` in seconds (default two weeks): older cookies are refused, as
   * `signing.loads(max_age=...)` refuses them, and the cookie gets this Max-Age.
   */
  maxAge?: number
  /** Django's `SESSION_EXPIRE_AT_BROWSER_CLOSE`: write the cookie without Max-Age. Default false. */
  expireAtBrowserClose?: boolean
  /** The HMAC hash that signs: Django 3.1+'s `sha256` (default), or `sha1` for Django 3.0 and older. */
  algorithm?: 'sha256' | 'sha1'
  /**
   * Also accept SHA-1 signatures, as Django 3.1 and 3.2 do during their transition, and re-issue
   * them under SHA-256. Default false, as in Django 4.0+: turn it on only while a Django older than
   * 3.1 (or one with `DEFAULT_HASHING_ALGORITHM = 'sha1'`) still writes the cookie.
   */
  legacySha1?: boolean
  /** Compress with zlib when that is shorter, as signed_cookies does; default true. */
  compress?: boolean
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
}

const OWNER = 'djangoCodec'
const DEFAULT_MAX_AGE = 14 * 24 * 60 * 60
const DJANGO_OPTIONS = {
  ...PYTHON_OPTIONS,
  salt: stringRule('django.contrib.sessions.backends.signed_cookies'),
  // Django's signing takes max_age 0.
  maxAge: optional(secondsRule({ min: 0 }), DEFAULT_MAX_AGE) as OptionRule<number>,
  expireAtBrowserClose: booleanRule(false),
  algorithm: optional((value, fail) => {
    if (value !== 'sha256' && value !== 'sha1') fail("must be 'sha256' or 'sha1'")
    return value as 'sha256' | 'sha1'
  }, 'sha256' as const),
  legacySha1: booleanRule(false),
  compress: booleanRule(true),
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * Reads and writes the cookie of `django.contrib.sessions.backends.signed_cookies` byte for byte:
 * `django.core.signing.dumps(session, compress=True, salt=...)` with the JSON serializer, a base62
 * timestamp and an HMAC-SHA256 signature (SHA-1 ones too with `legacySha1`, as Django 3.x). The
 * data is signed, not encrypted. Django re-signs the cookie only when the session changes, so
 * `maxAge` counts from the last change; a token under an older secret or SHA-1 is re-issued.
 *
 * @example
 * const backends = {
 *   codec: djangoCodec({ secretKey: env.DJANGO_SECRET_KEY }),
 *   ...cookie({ name: 'sessionid', secure: false }),
 * }
 */
export function djangoCodec(options: DjangoCodecOptions): SessionCodec {
  const { secretKey, salt, maxAge, algorithm, webCrypto, ...checked } = checkOptions(
    OWNER,
    options ?? null,
    DJANGO_OPTIONS,
  )
  const hashes = [algorithm === 'sha256' ? 'SHA-256' : 'SHA-1'] as const
  const verifying: ('SHA-256' | 'SHA-1')[] = [hashes[0]]
  if (checked.legacySha1 && hashes[0] !== 'SHA-1') verifying.push('SHA-1')
  // The signing key first, then every other pair: a token under any but the first is re-issued.
  const keys = derivedKeys(secretKey, salt, 'concat', verifying, webCrypto)
  // Django: age = time.time() - timestamp, refused when age > max_age; time.time() has a fraction.
  const rule = { boundary: 'age', skew: checked.clockTolerance } as const

  return defineCodec<{ timestamp: number; payload: string }>(
    {
      name: OWNER,
      async open(token) {
        const last = token.length <= MAX_TOKEN_LENGTH ? token.lastIndexOf(':') : -1
        const middle = last > 0 ? token.lastIndexOf(':', last - 1) : -1
        if (middle < 0) throw new DecodeError('malformed')
        const key = await verifyingKey(keys, token.slice(0, last), token.slice(last + 1))
        if (key < 0) throw new DecodeError('signature')
        const stamp = token.slice(middle + 1, last)
        if (!/^[0-9A-Za-z]{1,11}$/.test(stamp)) throw new DecodeError('malformed')
        let timestamp = 0
        for (const char of stamp) timestamp = timestamp * 62 + BASE62.indexOf(char)
        return { payload: { timestamp, payload: token.slice(0, middle) }, key }
      },
      read: async ({ timestamp, payload }) => ({
        data: parse(await loadPayload(payload)),
        times: { issued: timestamp },
      }),
      async seal(data, { now }) {
        const json = latin1(pythonJsonCompact(data))
        const value = `${await dumpPayload(json, checked.compress)}:${base62(now)}`
        const token = `${value}:${await signature(keys, value)}`
        return { token, maxAge: checked.expireAtBrowserClose ? null : maxAge }
      },
    },
    { maxAge, now: checked.now, cache: false, rule },
  )
}

function base62(value: number): string {
  let out = ''
  for (let n = value; n > 0; n = Math.floor(n / 62)) out = BASE62[n % 62] + out
  return out || '0'
}

/** Django's JSONSerializer encodes and decodes as latin-1; with ensure_ascii the text is ASCII. */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0))
}

/** Django's JSONSerializer reads latin-1; with ensure_ascii the text is ASCII anyway. */
function parse(bytes: Uint8Array): SessionData {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return sessionData(text)
}
