/**
 * The key material and encodings the adversarial suite forges tokens with, written from each
 * codec's documentation rather than imported from src/. Web APIs only.
 */

const encoder = new TextEncoder()
export const utf8 = (text: string): Uint8Array<ArrayBuffer> =>
  encoder.encode(text) as Uint8Array<ArrayBuffer>

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

export function toBase64url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Lenient on purpose (atob ignores unused bits): the tests read segments they mean to respell. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const standard = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '')
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

export async function hmac(hash: 'SHA-1' | 'SHA-256', key: Uint8Array<ArrayBuffer>, text: string) {
  const imported = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, [
    'sign',
  ])
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, utf8(text)))
}

/** itsdangerous' key derivation for Starlette ('django-concat', salt 'itsdangerous.Signer'). */
export async function starletteKey(secret: string): Promise<Uint8Array<ArrayBuffer>> {
  const digest = await crypto.subtle.digest('SHA-1', utf8(`itsdangerous.Signersigner${secret}`))
  return new Uint8Array(digest)
}

/** encryptedCodec's documented key: HKDF-SHA256(secret, no salt, its info), and its kid. */
export async function encryptedKey(
  secret: string,
): Promise<{ raw: Uint8Array<ArrayBuffer>; kid: string }> {
  const ikm = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveBits'])
  const info = utf8('fetch-session encryptedCodec A256GCM')
  const raw = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
      ikm,
      256,
    ),
  )
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw))
  return { raw, kid: toBase64url(digest.subarray(0, 8)) }
}

/** A compact JWE (dir, A256GCM) under `secret` whose protected header text is `header`. */
export async function sealJwe(
  header: string,
  plaintext: Uint8Array<ArrayBuffer>,
  secret: string,
  iv: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(12)),
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    (await encryptedKey(secret)).raw,
    'AES-GCM',
    false,
    ['encrypt'],
  )
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8(header) },
      key,
      plaintext,
    ),
  )
  const split = sealed.length - 16
  return [
    header,
    '',
    toBase64url(iv),
    toBase64url(sealed.subarray(0, split)),
    toBase64url(sealed.subarray(split)),
  ].join('.')
}

/**
 * The plaintext of a JWE under `secret`, read with AES-CTR: GCM's keystream for a 96-bit IV starts
 * at counter IV || 2, so no tag check gets in the way of re-sealing a respelled token.
 */
export async function openJwe(
  segments: string[],
  secret: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey(
    'raw',
    (await encryptedKey(secret)).raw,
    'AES-CTR',
    false,
    ['decrypt'],
  )
  const counter = new Uint8Array(16)
  counter.set(fromBase64(segments[2]!))
  counter[15] = 2
  const ciphertext = fromBase64(segments[3]!)
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: 'AES-CTR', counter, length: 32 }, key, ciphertext),
  )
}

/** itsdangerous' int_to_bytes: big-endian, no leading zero bytes. */
export function intToBytes(value: number): Uint8Array {
  const bytes: number[] = []
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return new Uint8Array(bytes)
}
