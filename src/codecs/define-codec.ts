/**
 * @module defineCodec: the codec kernel. A format says how a token is sealed and opened and where
 * its times live; the kernel does the rest once, for every codec, built-in or not.
 */
import type {
  DecodedSession,
  EncodedSession,
  SessionBinding,
  SessionCodec,
  SessionData,
  SessionWrite,
} from '../backends.ts'
import { DecodeError } from '../errors.ts'
import {
  type LifetimeOptions,
  type LifetimeRule,
  type LifetimeSchema,
  lifetime,
  lifetimeOptions,
  type TokenTimes,
} from '../lib/lifetime.ts'
import { checkOptions, isPlainObject, type OptionRule, optional } from '../lib/options.ts'
import { cacheRule, tokenCache } from '../lib/token-cache.ts'

export type { LifetimeOptions, LifetimeRule, TokenTimes }

/** What `open` proved about a token: its verified payload, and which key verified it. */
export interface OpenedToken<Payload> {
  payload: Payload
  /** The index of the key that verified it, newest first: above 0, the token is issued again. */
  key?: number
}

/** What `read` finds in a verified payload: the data, and the times beside it. */
export interface ReadSession<State = undefined> {
  /** The session data, and nothing else: no times, no ids, no bookkeeping. */
  data: SessionData
  /** The token's times; the kernel judges them. */
  times?: TokenTimes
  /** The server-side session id, for formats that keep the data on the server. */
  id?: string
  /** The format's own memory of this token, handed back to `seal` when the session continues. */
  state?: State
  /** Issue the token again although nothing changed (the format's own reason). */
  renew?: boolean
  /** False when this codec cannot issue tokens (a public key only): never renew. */
  renewable?: boolean
  /** The device the session is bound to, kept beside the data (`carriesBinding` formats). */
  binding?: SessionBinding
}

/** What the kernel hands `seal`: the times to write, and the session this token continues. */
export interface SealStamp<State = undefined> {
  /** Now, in whole seconds since the epoch: the token's issue time. */
  now: number
  /** When the session began, in whole seconds: `now` for a new session. */
  started: number
  /** The deadline of the token, in seconds since the epoch; `undefined`: none. */
  expires?: number
  /** The session's own lifetime in seconds (`session.setMaxAge`). */
  maxAge?: number
  /** The server-side id to write under (from `createId`), for a new session. */
  id?: string
  /** The data as `JSON.stringify` writes it. */
  json: string
  /** The device binding to keep beside the data; `undefined`: none (`carriesBinding` formats). */
  binding?: SessionBinding
  /** The session this token continues; absent for a new one. */
  previous?: {
    token: string
    key: number
    id?: string
    started?: number
    maxAge?: number
    binding?: SessionBinding
    state?: State
  }
}

/** A sealed token, and what the kernel needs to know about it. */
export interface SealedToken<Payload> {
  token: string
  /** The payload `open` would return for this token: given, the token enters the cache. */
  payload?: Payload
  /** The server-side session id. */
  id?: string
  /** A deadline the data itself set (a JWT's own `exp`): the cookie ends there. */
  expires?: number
  /** The cookie's Max-Age in seconds when the format decides it (`null`: none). */
  maxAge?: number | null
}

/** A token format for `defineCodec`. */
export interface CodecFormat<Payload, State = undefined> {
  /** The factory's name, for error messages. */
  name: string
  /**
   * The token in its one spelling, when a format allows several for one token (an ECDSA signature
   * with a high S): the cache and `open` see only that spelling. Throws `DecodeError` when none.
   */
  canonical?(token: string): string
  /** Checks a token's seal; throws `DecodeError` for one that is not valid. Its result is cached. */
  open(token: string): Promise<OpenedToken<Payload>>
  /** The data and times inside a verified payload; throws `DecodeError` for a malformed one. */
  read(payload: Payload, token: string): ReadSession<State> | Promise<ReadSession<State>>
  /** Writes `data` into a token under the newest key. */
  seal(data: SessionData, stamp: SealStamp<State>): Promise<SealedToken<Payload>>
  /** Called once a token's times were judged valid; may change what is returned. */
  accept?(session: ReadSession<State>): Promise<ReadSession<State>>
  /** Called when a token's session expired or went idle (not for `future`): the server forgets it. */
  expire?(session: ReadSession<State>): Promise<void>
  /** Forgets what the server keeps for `token`. */
  destroy?(token: string, opened: OpenedToken<Payload> | undefined): Promise<void>
  /** A fresh server-side id. */
  createId?(): string
  /** True when `read` gives `times.started` for every valid token (`validAfter` needs it). */
  reportsStart?: boolean
  /** True when `seal` keeps `stamp.binding` and `read` gives it back (`deviceBound` needs it). */
  carriesBinding?: boolean
  /** How long a cached payload is, in characters (default: a string's length, else 64). */
  size?(payload: Payload): number
}

/** The options `defineCodec` takes beside the format: the user's, passed through. */
export interface DefineCodecOptions extends LifetimeOptions {
  /** Verified tokens to keep (default 1000, `false` for none). */
  cache?: number | false
  /** The boundary rule and tolerances (the codec's, not the user's). */
  rule?: LifetimeRule
}

/** The `rule` option: an object, given by the codec. */
const ruleRule: OptionRule<LifetimeRule> = optional((value, fail) => {
  if (!isPlainObject(value)) fail('must be an object')
  return value as LifetimeRule
}, {})

/** `defineCodec`'s options, one schema per boundary rule (`maxAge` 0 only under `age`). */
function kernelOptions(
  boundary: LifetimeRule['boundary'],
): LifetimeSchema & { cache: OptionRule<number>; rule: OptionRule<LifetimeRule> } {
  return { ...lifetimeOptions(boundary), cache: cacheRule, rule: ruleRule }
}
const KERNEL_OPTIONS = kernelOptions('deadline')
const AGE_KERNEL_OPTIONS = kernelOptions('age')

/** What the kernel keeps in `DecodedSession.state`. */
export interface KernelState<State> {
  token: string
  key: number
  format?: State
}

/**
 * Builds a codec from a token format. The kernel owns the verified-token cache, the lifetime
 * judgement (one engine: the boundary rule and the tolerance are parameters), renewal, re-issue
 * under the newest key, dropping a replaced token from the cache, and the `encode`/`decode` pair.
 *
 * @example
 * const codec = defineCodec({
 *   name: 'plainCodec',
 *   open: async (token) => ({ payload: JSON.parse(atob(token)) }),
 *   read: ([started, issued, data]) => ({ data, times: { started, issued } }),
 *   seal: async (data, { started, now }) => ({ token: btoa(JSON.stringify([started, now, data])) }),
 *   reportsStart: true,
 * }, { maxAge: 3600 })
 */
export function defineCodec<Payload, State = undefined>(
  format: CodecFormat<Payload, State>,
  options: DefineCodecOptions = {},
): SessionCodec<KernelState<State>> {
  const { name } = format
  const age = (options as { rule?: LifetimeRule } | null)?.rule?.boundary === 'age'
  const checked = checkOptions(name, options, age ? AGE_KERNEL_OPTIONS : KERNEL_OPTIONS)
  const life = lifetime(checked, checked.rule)
  const size = format.size ?? ((p: Payload) => (typeof p === 'string' ? p.length : 64))
  const cache = tokenCache<OpenedToken<Payload>>(checked.cache, (v) => size(v.payload))

  async function open(token: string): Promise<OpenedToken<Payload>> {
    const hit = cache?.get(token)
    if (hit !== undefined) return hit
    const opened = await format.open(token)
    cache?.set(token, opened)
    return opened
  }

  async function decodeSession(presented: string): Promise<DecodedSession<KernelState<State>>> {
    // Only tokens in their one spelling are ever cached: a respelled one cannot hit.
    const token = format.canonical?.(presented) ?? presented
    const opened = await open(token)
    let read = await format.read(opened.payload, token)
    let due: boolean
    try {
      due = read.times === undefined ? false : life.judge(read.times)
    } catch (error) {
      if (error instanceof DecodeError && error.reason !== 'future') await format.expire?.(read)
      throw error
    }
    if (format.accept !== undefined) read = await format.accept(read)
    const key = opened.key ?? 0
    const times = read.times
    const session: DecodedSession<KernelState<State>> = {
      data: read.data,
      state: { token, key, format: read.state },
    }
    if (times?.started !== undefined) session.started = Math.min(times.started, life.now())
    session.renew = read.renewable !== false && (due || key > 0 || read.renew === true)
    if (read.id !== undefined) session.id = read.id
    if (read.binding !== undefined) session.binding = read.binding
    if (times?.maxAge !== undefined) session.maxAge = times.maxAge
    return session
  }

  async function encodeSession(
    data: SessionData,
    write: SessionWrite<KernelState<State>>,
  ): Promise<EncodedSession> {
    const now = life.stamp()
    const previous = write.previous
    const started = Math.min(previous?.started ?? now, now)
    const left = life.remaining(started, now, write.maxAge)
    const own = previous?.state
    const stamp: SealStamp<State> = {
      now,
      started,
      expires: left === undefined ? undefined : now + left,
      maxAge: write.maxAge,
      id: write.id,
      json: write.json ?? JSON.stringify(data),
      binding: write.binding,
      previous:
        own === undefined
          ? undefined
          : {
              token: own.token,
              key: own.key,
              id: previous?.id,
              started: previous?.started,
              maxAge: previous?.maxAge,
              binding: previous?.binding,
              state: own.format,
            },
    }
    const sealed = await format.seal(data, stamp)
    if (cache !== undefined) {
      // The token replaced goes; the one issued comes in as verified.
      if (own !== undefined) cache.delete(own.token)
      if (sealed.payload !== undefined) cache.set(sealed.token, { payload: sealed.payload, key: 0 })
    }
    const maxAge =
      sealed.maxAge === null
        ? undefined
        : (sealed.maxAge ?? life.remaining(started, now, write.maxAge, sealed.expires))
    const encoded: EncodedSession = { token: sealed.token, maxAge }
    if (format.reportsStart) encoded.started = started
    if (sealed.id !== undefined) encoded.id = sealed.id
    return encoded
  }

  const codec: SessionCodec<KernelState<State>> = {
    reportsStart: format.reportsStart === true,
    carriesBinding: format.carriesBinding === true,
    decodeSession,
    encodeSession,
    encode: async (data) => (await encodeSession(data, {})).token,
    decode: async (token) => (await decodeSession(token)).data,
  }
  if (format.createId !== undefined) codec.createId = () => format.createId!()
  if (format.destroy !== undefined) {
    codec.destroy = async (token: string) => {
      const opened = await Promise.resolve()
        .then(() => open(format.canonical?.(token) ?? token))
        .catch(() => undefined)
      cache?.delete(token)
      await format.destroy!(token, opened)
    }
  }
  return codec
}
