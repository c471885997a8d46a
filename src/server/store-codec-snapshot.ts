/**
 * @module storeCodec's snapshot side: the option, the token with its sealed copy of the data,
 * the reads that copy answers, and the revocations that stop trusting it. Internal.
 */
import { FLASH_KEY, type SessionData } from '../backends.ts'
import type { SealStamp } from '../codecs/define-codec.ts'
import type { HmacKeys } from '../lib/hmac.ts'
import type { Lifetime } from '../lib/lifetime.ts'
import { configError } from '../lib/options.ts'
import { revocations } from './revocation.ts'
import type { StoreGuard } from './store-call.ts'
import type { StoreCipher } from './store-cipher.ts'
import { snapshotSeal } from './store-snapshot.ts'
import { type StorePayload, type StoreTokens, storeTokens } from './store-token.ts'
import { serialize } from './store-values.ts'
import type { SessionStore } from './types.ts'

type Stamp = Pick<SealStamp, 'started' | 'now' | 'maxAge' | 'binding'>

/** A read the snapshot answered: the data, its stored values and its times. */
export interface SnapshotAnswer {
  data: SessionData
  values: Map<string, string>
  times: { started: number; issued: number; maxAge?: number }
}

export interface SnapshotSide {
  tokens: StoreTokens
  /** The token for what the store now holds under `id`: with a fresh snapshot when on. */
  token(id: string, values: Map<string, string>, stamp: Stamp): ReturnType<StoreTokens['seal']>
  /** The session from the token's snapshot, when it may answer now without the store. */
  answer(payload: StorePayload, token: string): Promise<SnapshotAnswer | undefined>
  /** Records that `ids` ended: at once in this process, and pushed where the store can. */
  ended(ids: string[]): Promise<void>
}

interface Parts {
  store: SessionStore
  snapshot: number | undefined
  keys: HmacKeys | undefined
  cipher: StoreCipher | undefined
  life: Lifetime
  guard: StoreGuard
  owner: string
}

export function snapshotSide(parts: Parts): SnapshotSide {
  const { store, snapshot, keys, cipher, life, guard, owner } = parts
  if (snapshot !== undefined && keys === undefined && cipher === undefined) {
    configError(owner, 'snapshot needs secrets or encrypt to seal the data in the token')
  }
  const tokens = storeTokens(keys, snapshot === undefined ? undefined : snapshotSeal(keys, cipher))
  const revoked = snapshot === undefined ? undefined : revocations(store, snapshot, life.now, guard)
  return {
    tokens,
    token(id, values, { started, now, maxAge, binding }) {
      // A device-bound session is read from its record, where the device key is.
      if (snapshot === undefined || values.has(FLASH_KEY) || binding !== undefined) {
        return tokens.seal(id)
      }
      const json = `{${[...values].map(([key, value]) => `${JSON.stringify(key)}:${value}`)}}`
      return tokens.seal(id, { until: now + snapshot, started, touched: now, maxAge, json })
    },
    async answer({ id, snapshot: copy }, token) {
      // Inside its window, heard from the store (a pull at most a second old) and not revoked.
      if (copy === undefined || revoked === undefined || life.now() >= copy.until) return undefined
      const heard = revoked.heard()
      if (!(heard === true || (await heard)) || revoked.has(id, token)) return undefined
      const data = JSON.parse(copy.json) as SessionData
      const times = { started: copy.started, issued: copy.touched, maxAge: copy.maxAge }
      return { data, values: serialize(data), times }
    },
    async ended(ids) {
      if (revoked === undefined) return
      revoked.add(ids)
      if (store.revoke !== undefined) await guard('revoke', (call) => store.revoke!(ids, call))
    },
  }
}
