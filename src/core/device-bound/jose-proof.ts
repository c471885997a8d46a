/**
 * @module The browser's proof of possession (a `dbsc+jwt`), verified with jose: ES256 or RS256,
 * signed by the key in its own header at registration, by the registered key at refresh.
 */
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose'
import type { DeviceKey } from '../../backends.ts'
import { deviceKey } from '../../lib/binding.ts'

/** What a verified proof says: the key that signed it and the challenge it answers. */
export interface Proof {
  key: DeviceKey
  jti: unknown
}

/** Imported device keys, so a refresh costs no key import: the most recent ones, by JWK. */
const imported = new Map<string, Promise<CryptoKey | Uint8Array>>()
const MAX_KEYS = 1000

function importKey(key: DeviceKey): Promise<CryptoKey | Uint8Array> {
  const id = JSON.stringify(key)
  let found = imported.get(id)
  if (found === undefined) {
    const { alg, ...jwk } = key
    found = importJWK(jwk, alg)
    // A key that fails to import is not kept.
    found.catch(() => imported.delete(id))
    if (imported.size >= MAX_KEYS) imported.delete(imported.keys().next().value!)
  } else imported.delete(id)
  imported.set(id, found)
  return found
}

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const MAX_LENGTH = 8192

/**
 * The proof in `jwt` when it verifies: under `registered` (a refresh), or else under the public
 * key in its header (a registration). `undefined` for anything else.
 */
export async function verifyProof(
  jwt: string | null,
  algorithms: readonly string[],
  registered?: DeviceKey,
): Promise<Proof | undefined> {
  if (jwt === null || jwt.length > MAX_LENGTH || !COMPACT.test(jwt)) return undefined
  try {
    const header = decodeProtectedHeader(jwt)
    if (header.typ !== 'dbsc+jwt' || !algorithms.includes(header.alg as string)) return undefined
    const key = registered ?? deviceKey(header.jwk, header.alg)
    if (key === undefined || key.alg !== header.alg) return undefined
    const { alg } = key
    const { payload } = await compactVerify(jwt, await importKey(key), { algorithms: [alg] })
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
    if (typeof claims !== 'object' || claims === null) return undefined
    return { key, jti: (claims as { jti?: unknown }).jti }
  } catch {
    // Not a JWS, a key that does not import, a bad signature: no proof, whichever it was.
    return undefined
  }
}
