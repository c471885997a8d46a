/**
 * @module defineCodec: the codec kernel. A format says how a token is sealed and opened and where
 * its times live; the kernel does the rest once, for every codec, built-in or not.
 */
import type {
  DecodedSession,
  EncodedSession,
  SessionCodec,
  SessionData,
  SessionWrite,
} from '../backends.ts'
import { DecodeError } from '../errors.ts'
import type { CodecContext } from '../events.ts'
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

import type {
  CodecFormat,
  OpenedToken,
  ReadSession,
  SealedToken,
  SealStamp,
} from './codec-format.ts'

export type {
  CodecFormat,
  LifetimeOptions,
  LifetimeRule,
  OpenedToken,
  ReadSession,
  SealedToken,
  SealStamp,
  TokenTimes,
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
  /** The first instant the token is no longer valid: its absolute, idle or own deadline. */
  const deadline = (times: TokenTimes) => {
    const from = times.issued ?? times.started
    if (from === undefined) return times.expires
    const left = life.remaining(times.started ?? from, from, times.maxAge, times.expires)
    return left === undefined ? undefined : from + left
  }

  async function open(token: string, context?: CodecContext): Promise<OpenedToken<Payload>> {
    const hit = cache?.get(token)
    if (cache !== undefined) context?.emit?.({ type: 'cache', hit: hit !== undefined })
    if (hit !== undefined) return hit
    const opened = await format.open(token)
    cache?.set(token, opened)
    return opened
  }

  async function decodeSession(
    presented: string,
    context?: CodecContext,
  ): Promise<DecodedSession<KernelState<State>>> {
    // Only tokens in their one spelling are ever cached: a respelled one cannot hit.
    const token = format.canonical?.(presented) ?? presented
    const opened = await open(token, context)
    let read = await format.read(opened.payload, token, context)
    let due: boolean
    try {
      due = read.times === undefined ? false : life.judge(read.times)
    } catch (error) {
      if (error instanceof DecodeError && error.reason !== 'future')
        await format.expire?.(read, context)
      throw error
    }
    if (format.accept !== undefined) read = await format.accept(read, context)
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
    if (times !== undefined) {
      const expires = deadline(times)
      if (expires !== undefined) session.expires = expires
      if (times.authenticated !== undefined) session.authenticated = times.authenticated
    }
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
    const authenticated = write.authenticate ? now : previous?.authenticated
    const stamp: SealStamp<State> = {
      now,
      started,
      expires: left === undefined ? undefined : now + left,
      maxAge: write.maxAge,
      id: write.id,
      json: write.json ?? JSON.stringify(data),
      binding: write.binding,
      authenticated,
      context: write.context,
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
    if (maxAge !== undefined) encoded.expires = now + maxAge
    if (authenticated !== undefined) encoded.authenticated = authenticated
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
    codec.destroy = async (token: string, context?: CodecContext) => {
      const opened = await Promise.resolve()
        .then(() => open(format.canonical?.(token) ?? token))
        .catch(() => undefined)
      cache?.delete(token)
      await format.destroy!(token, opened, context)
    }
  }
  return codec
}
