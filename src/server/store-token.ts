/**
 * @module storeCodec's token: a random id, its HMAC tag when the codec has secrets, and a sealed
 * snapshot of the data when it has `snapshot` (`id[.tag][~snapshot]`). Internal.
 */
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.ts'
import type { HmacKeys } from '../lib/hmac.ts'
import { SNAPSHOT_BUDGET, type Snapshot, type SnapshotSeal } from './store-snapshot.ts'

/** 128 random bits: 22 base64url characters. */
const ID_BYTES = 16
const ID_LENGTH = 22
const TAG_LENGTH = 43
/** Keeps a tag made for a store id apart from a tag the same secret makes in another codec. */
const TAG_CONTEXT = 'fetch-session store id '
const SNAPSHOT_MARK = '~'

/** What a verified token proved: the session id, and the snapshot beside it if any. */
export interface StorePayload {
  id: string
  snapshot?: Snapshot
}

export interface StoreTokens {
  createId(): string
  /** Checks the tag and the snapshot's seal; throws `DecodeError` for a token that is not valid. */
  open(token: string): Promise<{ payload: StorePayload; key?: number }>
  /** The token for `id`, with `snapshot` when given and within the size budget. */
  seal(id: string, snapshot?: Snapshot): Promise<{ token: string; payload: StorePayload }>
}

export function storeTokens(
  keys: HmacKeys | undefined,
  snapshots: SnapshotSeal | undefined,
): StoreTokens {
  const tag = async (id: string) =>
    keys === undefined ? id : `${id}.${encodeBase64url(await keys.sign(TAG_CONTEXT + id))}`
  return {
    createId: () => encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES))),
    async open(presented) {
      const mark = presented.indexOf(SNAPSHOT_MARK)
      const token = mark < 0 ? presented : presented.slice(0, mark)
      const id = token.slice(0, ID_LENGTH)
      const length = keys !== undefined ? ID_LENGTH + 1 + TAG_LENGTH : ID_LENGTH
      if (token.length !== length || decodeBase64url(id)?.length !== ID_BYTES) {
        throw new DecodeError('malformed')
      }
      let key = 0
      if (keys !== undefined) {
        const mac =
          token[ID_LENGTH] === '.' ? decodeBase64url(token.slice(ID_LENGTH + 1)) : undefined
        if (mac === undefined) throw new DecodeError('malformed')
        key = await keys.verify(mac, TAG_CONTEXT + id)
        if (key < 0) throw new DecodeError('signature')
      }
      const payload: StorePayload = { id }
      // A codec without `snapshot` ignores one (the option was turned off): the store answers.
      if (mark >= 0 && snapshots !== undefined) {
        const opened = await snapshots.open(id, presented.slice(mark + 1))
        payload.snapshot = opened.snapshot
        key = Math.max(key, opened.key)
      }
      return { payload, key }
    },
    async seal(id, snapshot) {
      const token = await tag(id)
      if (snapshot === undefined || snapshots === undefined) return { token, payload: { id } }
      const full = `${token}${SNAPSHOT_MARK}${await snapshots.seal(id, snapshot)}`
      return full.length <= SNAPSHOT_BUDGET
        ? { token: full, payload: { id, snapshot } }
        : { token, payload: { id } }
    },
  }
}
