/** @module base64url without padding (RFC 4648 §5), strict on decode. Internal. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

const encoder = new TextEncoder()
// ignoreBOM spelled out (its default): Workers' types require both members.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** The runtime's own base64url, found at load time: ES2026 `Uint8Array` (Bun, Deno), or Node's Buffer. */
interface NativeBase64 {
  encode(bytes: Uint8Array): string
  /** base64url of a text's UTF-8, in one native call where there is one. */
  encodeText(text: string): string
  /** Decodes text already checked to be canonical. */
  decode(text: string): Uint8Array<ArrayBuffer>
}

type Es2026Uint8Array = {
  fromBase64?(text: string, options: { alphabet: 'base64url' }): Uint8Array<ArrayBuffer>
  prototype: { toBase64?(options: { alphabet: 'base64url'; omitPadding: true }): string }
}
type NodeBuffer = Uint8Array & { toString(encoding: 'base64url'): string }
type BufferLike = {
  from(data: string, encoding: 'base64url' | 'utf8'): NodeBuffer
  from(data: ArrayBuffer, byteOffset: number, length: number): NodeBuffer
}

function nativeBase64(): NativeBase64 | undefined {
  const es = Uint8Array as unknown as Es2026Uint8Array
  if (typeof es.fromBase64 === 'function' && typeof es.prototype.toBase64 === 'function') {
    return {
      encode: (bytes) =>
        (bytes as unknown as Required<Es2026Uint8Array['prototype']>).toBase64({
          alphabet: 'base64url',
          omitPadding: true,
        }),
      encodeText: (text) =>
        (encoder.encode(text) as unknown as Required<Es2026Uint8Array['prototype']>).toBase64({
          alphabet: 'base64url',
          omitPadding: true,
        }),
      decode: (text) => es.fromBase64!(text, { alphabet: 'base64url' }),
    }
  }
  const buffer = (globalThis as { Buffer?: BufferLike }).Buffer
  if (typeof buffer?.from === 'function') {
    return {
      encode: (bytes) =>
        buffer
          .from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length)
          .toString('base64url'),
      encodeText: (text) => buffer.from(text, 'utf8').toString('base64url'),
      decode: (text) => new Uint8Array(buffer.from(text, 'base64url')) as Uint8Array<ArrayBuffer>,
    }
  }
  return undefined
}

/** Set once: the native codec when the runtime has one (tests switch it off to check the fallback). */
let native = nativeBase64()

/** Uses the runtime's base64url (`true`) or the portable one (`false`). Internal, for tests. */
export function useNativeBase64(enabled: boolean): void {
  native = enabled ? nativeBase64() : undefined
}

/** base64url of `text`'s UTF-8. */
export function encodeBase64urlText(text: string): string {
  return native === undefined ? encodePortable(utf8(text)) : native.encodeText(text)
}

export function encodeBase64url(bytes: Uint8Array): string {
  return native === undefined ? encodePortable(bytes) : native.encode(bytes)
}

function encodePortable(bytes: Uint8Array): string {
  let out = ''
  const whole = bytes.length - (bytes.length % 3)
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!
  }
  const left = bytes.length - whole
  if (left === 1) {
    const n = bytes[whole]!
    out += ALPHABET[n >> 2]! + ALPHABET[(n & 3) << 4]!
  } else if (left === 2) {
    const n = (bytes[whole]! << 8) | bytes[whole + 1]!
    out += ALPHABET[n >> 10]! + ALPHABET[(n >> 4) & 63]! + ALPHABET[(n & 15) << 2]!
  }
  return out
}

/**
 * Decodes canonical unpadded base64url, or returns `undefined`: any character outside the
 * alphabet, padding, an impossible length or non-zero trailing bits make the input non-canonical.
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (native !== undefined) return isCanonicalBase64url(text) ? native.decode(text) : undefined
  const length = text.length
  const left = length % 4
  if (left === 1) return undefined
  const out = new Uint8Array((length * 3) >> 2)
  let o = 0
  const whole = length - left
  for (let i = 0; i < whole; i += 4) {
    const n =
      (value(text, i) << 18) |
      (value(text, i + 1) << 12) |
      (value(text, i + 2) << 6) |
      value(text, i + 3)
    if (n < 0) return undefined
    out[o++] = n >> 16
    out[o++] = (n >> 8) & 255
    out[o++] = n & 255
  }
  if (left === 2) {
    const a = value(text, whole)
    const b = value(text, whole + 1)
    if (a < 0 || b < 0 || (b & 15) !== 0) return undefined
    out[o++] = (a << 2) | (b >> 4)
  } else if (left === 3) {
    const a = value(text, whole)
    const b = value(text, whole + 1)
    const c = value(text, whole + 2)
    if (a < 0 || b < 0 || c < 0 || (c & 3) !== 0) return undefined
    out[o++] = (a << 2) | (b >> 4)
    out[o++] = ((b & 15) << 4) | (c >> 2)
  }
  return out
}

/** Alphabet, length and zero trailing bits: the one spelling a byte string has. */
export function isCanonicalBase64url(text: string): boolean {
  const length = text.length
  const left = length % 4
  if (left === 1) return false
  for (let i = 0; i < length; i++) if (value(text, i) < 0) return false
  if (left === 0) return true
  return (value(text, length - 1) & (left === 2 ? 15 : 3)) === 0
}

/** A negative number for anything outside the alphabet, so one check covers a whole quantum. */
function value(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return code < 128 ? VALUES[code]! : -1
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>
}

/** Decodes UTF-8, throwing on invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** Standard base64 with padding (Python's `b64encode`). */
export function encodeBase64(bytes: Uint8Array): string {
  const url = encodeBase64url(bytes)
  return url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (url.length % 4)) % 4)
}

/**
 * Decodes canonical padded standard base64, or returns `undefined`: stricter than Python's
 * `b64decode`, which skips characters outside the alphabet, but Python never writes those.
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined
  return decodeBase64url(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'))
}
