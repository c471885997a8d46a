/** @module expressSessionCodec's options: what express-session and connect-redis are given. */
import { secretsRule } from '../lib/keys.ts'
import {
  booleanRule,
  clockRule,
  isPlainObject,
  type OptionRule,
  optional,
  secondsRule,
  stringRule,
} from '../lib/options.ts'
import { newCookie, type StoredCookie } from './express-record.ts'
import type { RedisCommandClient } from './redis.ts'
import { timeoutRule } from './store-call.ts'

export interface ExpressSessionCodecOptions {
  /** express-session's `secret`, as is; a list to rotate, newest first, as express-session takes it. */
  secret: string | readonly string[]
  /** The node-redis client connect-redis uses (or any object with `sendCommand(args)`). */
  client: RedisCommandClient
  /** connect-redis' `prefix`; default `sess:`. */
  prefix?: string
  /** connect-redis' `ttl` in seconds, for a session whose cookie has no expiry; default 86400. */
  ttl?: number
  /**
   * express-session's `cookie` option for sessions started here; `maxAge` in seconds (Express
   * takes milliseconds). Sessions started by Express keep the cookie object Express stored.
   */
  cookie?: {
    maxAge?: number | null
    path?: string
    httpOnly?: boolean
    secure?: boolean
    domain?: string
    sameSite?: 'lax' | 'strict' | 'none' | boolean
  }
  /** express-session's `rolling`: re-issue the cookie and reset its expiry on every request. */
  rolling?: boolean
  /**
   * Seconds each Redis call may take (fractions allowed), default 2, as in `storeCodec`: when
   * they pass, or Redis fails, the request fails with `ERR_SESSION_STORE` (`withSession` answers
   * 503 or calls `onStoreError`), and a write still in flight is refused by Redis when it arrives.
   */
  timeout?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
}

/** Every option of expressSessionCodec: its rule, its default. */
export const EXPRESS_OPTIONS: {
  secret: OptionRule<string[]>
  client: OptionRule<RedisCommandClient>
  prefix: OptionRule<string>
  ttl: OptionRule<number>
  cookie: OptionRule<StoredCookie>
  rolling: OptionRule<boolean>
  timeout: OptionRule<number>
  now: OptionRule<() => number>
  webCrypto: OptionRule<boolean>
} = {
  secret: secretsRule(1),
  client: ((value, fail) => {
    if (typeof (value as RedisCommandClient | undefined)?.sendCommand !== 'function') {
      fail('must be a node-redis client, or an object with sendCommand(args)')
    }
    return value as RedisCommandClient
  }) as OptionRule<RedisCommandClient>,
  prefix: stringRule('sess:'),
  ttl: optional(secondsRule(), 86400) as OptionRule<number>,
  cookie: ((value, fail) => {
    if (value !== undefined && !isPlainObject(value)) fail('must be an object')
    return newCookie((value ?? {}) as NonNullable<ExpressSessionCodecOptions['cookie']>, fail)
  }) as OptionRule<StoredCookie>,
  rolling: booleanRule(false),
  timeout: timeoutRule,
  now: clockRule,
  webCrypto: booleanRule(false),
}
