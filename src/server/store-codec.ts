/** @module storeCodec: an opaque session id in the token, the data in a server-side store. */
import { FLASH_KEY } from '../backends.ts'
import { defineCodec, type ReadSession, type SealStamp } from '../codecs/define-codec.ts'
import { DecodeError } from '../errors.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { lifetime } from '../lib/lifetime.ts'
import { checkOptions } from '../lib/options.ts'
import { supersededKey } from './revocation.ts'
import { storeGuard } from './store-call.ts'
import { storeCipher } from './store-cipher.ts'
import { indexContext, type Loaded } from './store-codec-index.ts'
import { snapshotSide } from './store-codec-snapshot.ts'
import {
  STORE_CODEC_OPTIONS,
  type StoreCodec,
  type StoreCodecOptions,
} from './store-codec-types.ts'
import { recordOf, storedBinding, storeRecords } from './store-records.ts'
import type { StorePayload } from './store-token.ts'
import { diff, parse, serialize } from './store-values.ts'

export type { StoreCodec, StoreCodecOptions }

const OWNER = 'storeCodec'

/**
 * A server-side codec: the token is a random session id (optionally HMAC-tagged) and the data
 * stays in `store`. On commit only the keys this request changed are written, atomically where
 * the store can, so concurrent requests that change different keys lose nothing; two requests
 * changing the same key: the last commit wins for that key. An id the store does not know is never
 * adopted: the request gets an empty session and the next write issues a fresh id. A record is
 * deleted once it is expired or idle; one from a clock ahead of this one is turned down, not
 * deleted. With `snapshot`, the token also carries a sealed copy of the data that answers reads
 * without the store for that many seconds; with `encrypt`, the store holds only ciphertext.
 *
 * @example
 * const codec = storeCodec({ store: redisStore(redis), secrets: [env.SESSION_SECRET], maxAge: 7 * 24 * 3600, idleTimeout: 3600 })
 */
export function storeCodec(options: StoreCodecOptions): StoreCodec {
  const checked = checkOptions(OWNER, options ?? null, STORE_CODEC_OPTIONS)
  const { store, index, secrets, encrypt, snapshot } = checked
  const { maxAge, idleTimeout, clockTolerance, now } = checked
  const keys = secrets === undefined ? undefined : hmacKeys(secrets, 'SHA-256', checked.webCrypto)
  const cipher = encrypt === undefined ? undefined : storeCipher(encrypt)
  const life = lifetime(checked)
  const guard = storeGuard(checked.timeout)
  const records = storeRecords(store, guard, cipher)
  const snap = snapshotSide({ store, snapshot, keys, cipher, life, guard, owner: OWNER })
  const { tokens, token, ended } = snap
  const { users, context, indexedOf, destroyed } = indexContext({
    ...{ store, guard, life, index, records, cipher, ended, owner: OWNER },
  })
  /** Kept a little past the deadline, so the codec sees the record expire instead of vanish. */
  const ttl = ({ expires, now }: SealStamp<Loaded>) =>
    expires === undefined ? undefined : Math.max(1, Math.ceil(expires - now) + 1)

  /** Stores `values` as a new session under `id`: new sessions, regenerate(), a record gone. */
  async function issue(id: string, values: Map<string, string>, stamp: SealStamp<Loaded>) {
    const { started, maxAge, context } = stamp
    await records.set(id, recordOf(values, stamp), ttl(stamp), context)
    await users.reindex(id, started, maxAge, undefined, parse(values), context)
    return { ...(await token(id, values, stamp)), id }
  }

  const codec = defineCodec<StorePayload, Loaded>(
    {
      name: OWNER,
      reportsStart: true,
      carriesBinding: true,
      createId: tokens.createId,
      open: (token) => tokens.open(token),
      size: (payload) => 64 + (payload.snapshot?.json.length ?? 0),
      async read(payload, presented, context) {
        const { id, snapshot: copy } = payload
        // Inside its window and not revoked, the snapshot answers: no store call.
        const hit = await snap.answer(payload, presented)
        if (hit !== undefined) {
          const { data, values, times } = hit
          return { data, times, id, state: { values, indexed: indexedOf(data) } }
        }
        const record = await records.read(id, context)
        if (record === undefined) throw new DecodeError('unknown')
        const { created: started, touched: issued, maxAge, authenticated, values, stale } = record
        const data = parse(values)
        const state: Loaded = { values, indexed: indexedOf(data), stale }
        // A snapshot past its window is renewed, so the next reads skip the store again.
        const renew = copy !== undefined || stale
        const binding = storedBinding(record.bound)
        const times = { started, issued, maxAge, authenticated }
        return { data, times, id, state, renew, binding }
      },
      // Expired or idle is final; a record from a clock ahead of ours is only turned down.
      expire: async (read, context) => users.remove(read.id!, read.data, context),
      async accept(read: ReadSession<Loaded>, context) {
        const { values } = read.state!
        if (!values.has(FLASH_KEY) || store.take === undefined) return read
        // Taken from the store in one step, so exactly one of many concurrent requests gets the
        // flash; the encode that follows puts back what the handler did not read.
        const taken = await records.take(read.id!, FLASH_KEY, context)
        values.delete(FLASH_KEY)
        const data = parse(values)
        if (taken === undefined) return { ...read, data }
        return { ...read, data: { ...data, ...parse(new Map([[FLASH_KEY, taken]])) }, renew: true }
      },
      async seal(data, stamp) {
        const values = serialize(data)
        const { previous, started, now, maxAge, context } = stamp
        const loaded = previous?.state
        if (previous?.id === undefined || loaded === undefined) {
          return issue(stamp.id ?? tokens.createId(), values, stamp)
        }
        const id = previous.id
        if (maxAge !== previous.maxAge || loaded.stale || stamp.binding !== previous.binding) {
          // A new lifetime, device or an older key rewrites the record: rare, so not a patch.
          await records.set(id, recordOf(values, stamp), ttl(stamp), context)
        } else {
          const patch = diff(loaded.values, values, now)
          if (!(await records.patch(id, patch, ttl(stamp), context))) {
            // Destroyed or expired since this request read it: the old id stays dead. Only what this
            // request changed itself moves to a new id, so a racing write cannot undo a logout.
            return issue(tokens.createId(), new Map(Object.entries(patch.set)), stamp)
          }
        }
        loaded.values = values
        loaded.stale = false
        loaded.indexed = await users.reindex(id, started, maxAge, loaded.indexed, data, context)
        // A token tagged by the newest secret, without a snapshot, is the same token: no HMAC.
        // The token this write replaces is revoked too: a copy of it shows data no longer true.
        if (previous.token.includes('~')) await ended([supersededKey(previous.token)])
        if (previous.key === 0 && snapshot === undefined) {
          return { token: previous.token, payload: { id }, id }
        }
        return { ...(await token(id, values, stamp)), id }
      },
      destroy: async (_token, opened, context) => opened && destroyed(opened.payload.id, context),
    },
    { maxAge, idleTimeout, clockTolerance, now, cache: keys || snapshot ? checked.cache : false },
  )
  return {
    ...codec,
    createId: tokens.createId,
    listSessions: (user, { current } = {}) => context().list(user, current),
    destroySessions: (user, { except } = {}) => context().destroyAll(user, except),
    destroySession: (user, handle) => context().destroyOne(user, handle),
  }
}
