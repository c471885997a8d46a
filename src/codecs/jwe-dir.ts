/**
 * @module encryptedCodec's JWE: one AES-256-GCM key and header per secret (HKDF), and the compact
 * `dir`/`A256GCM` token sealed and opened with them.
 */
import { DecodeError } from '../errors.ts'
import { encodeBase64url, utf8 } from '../lib/base64url.ts'
import { payloadText } from '../lib/json.ts'
import { aesGcmKey, cached, hkdfKey } from '../lib/keys.ts'
import { compactSegments, parseJsonObject } from './compact.ts'
import type { OpenedToken } from './define-codec.ts'

/** HKDF `info`: binds the derived key to this one use of the secret. */
const INFO = 'fetch-session encryptedCodec A256GCM'
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_MEMBERS = new Set(['alg', 'enc', 'kid'])

export interface DerivedKey {
  kid: string
  key: CryptoKey
  /** The encoded protected header, which is also the AES-GCM additional data. */
  header: string
  aad: Uint8Array<ArrayBuffer>
}

/** Derived once per secret, so codecs built per request (a Workers `env`) derive it once. */
export function deriveKey(secret: string): Promise<DerivedKey> {
  return cached(`encryptedCodec:${secret}`, () => derive(secret))
}

async function derive(secret: string): Promise<DerivedKey> {
  const { bytes, digest } = await hkdfKey(secret, INFO)
  const kid = encodeBase64url(digest.subarray(0, 8))
  const header = encodeBase64url(utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid })))
  return { kid, key: await aesGcmKey(bytes), header, aad: utf8(header) }
}

/** `text` sealed under `derived`: a compact JWE with an empty encrypted key, a fresh IV. */
export async function sealJwe(text: string, derived: DerivedKey): Promise<string> {
  const { key, header, aad } = derived
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
      key,
      utf8(text),
    ),
  )
  const split = sealed.length - TAG_BYTES
  return `${header}..${encodeBase64url(iv)}.${encodeBase64url(sealed.subarray(0, split))}.${encodeBase64url(sealed.subarray(split))}`
}

/** The plaintext behind a token that decrypts, and the index of the secret that sealed it. */
export async function openJwe(token: string, all: DerivedKey[]): Promise<OpenedToken<string>> {
  const compact = compactSegments(token, 5)
  const header = compact && parseJsonObject(compact.bytes[0]!)
  if (header === undefined || !isStrictHeader(header)) throw new DecodeError('malformed')
  const [, encryptedKey, iv, ciphertext, tag] = compact!.bytes as Uint8Array<ArrayBuffer>[]
  if (encryptedKey!.length !== 0 || iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) {
    throw new DecodeError('malformed')
  }
  const sealed = new Uint8Array(ciphertext!.length + TAG_BYTES)
  sealed.set(ciphertext!)
  sealed.set(tag!, ciphertext!.length)
  const aad = utf8(compact!.segments[0]!)
  for (const [key, candidate] of all.entries()) {
    // A kid picks one key: one AES-GCM call. Tokens from other encoders may omit it.
    if (header.kid !== undefined && candidate.kid !== header.kid) continue
    let plaintext: ArrayBuffer
    try {
      plaintext = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: iv!, additionalData: aad, tagLength: 128 },
        candidate.key,
        sealed,
      )
    } catch {
      // Wrong key or tampered token: AES-GCM says no more than that.
      continue
    }
    return { payload: payloadText(new Uint8Array(plaintext)), key }
  }
  throw new DecodeError('signature')
}

function isStrictHeader(header: Record<string, unknown>): header is { kid?: string } {
  for (const name in header) if (!HEADER_MEMBERS.has(name)) return false
  return (
    header.alg === 'dir' &&
    header.enc === 'A256GCM' &&
    (header.kid === undefined || typeof header.kid === 'string')
  )
}
