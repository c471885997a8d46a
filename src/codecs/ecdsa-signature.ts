/** @module ECDSA signatures of a JWS (ES256, ES384, ES512) in their one spelling, low S. Internal. */
import { decodeBase64url, encodeBase64url } from '../lib/base64url.ts'

interface Curve {
  /** The order of the curve's group. */
  n: bigint
  /** Bytes of r and of s in a JWS signature, `r ‖ s` (RFC 7518 §3.4). */
  size: number
}

const CURVES: Readonly<Record<string, Curve>> = {
  ES256: { n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, size: 32 },
  ES384: {
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    size: 48,
  },
  ES512: {
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    size: 66,
  },
}

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}

function toBytes(value: bigint, size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let i = size - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 0xffn)
  return bytes
}

/**
 * The signature `r ‖ s` of an ES algorithm with s in the lower half of the group, or `undefined`
 * when it cannot be a signature (the wrong length, r or s zero or not below the order n). Both
 * (r, s) and (r, n − s) verify, so anyone could respell a token without the key; signers
 * (WebCrypto, OpenSSL) pick either at random. Other algorithms' signatures are returned as they are.
 */
export function lowS(alg: string, signature: Uint8Array): Uint8Array | undefined {
  const curve = Object.hasOwn(CURVES, alg) ? CURVES[alg] : undefined
  if (curve === undefined) return signature
  const { n, size } = curve
  if (signature.length !== size * 2) return undefined
  const r = toBigInt(signature.subarray(0, size))
  const s = toBigInt(signature.subarray(size))
  if (r === 0n || r >= n || s === 0n || s >= n) return undefined
  if (s <= n >> 1n) return signature
  const twin = new Uint8Array(size * 2)
  twin.set(signature.subarray(0, size))
  twin.set(toBytes(n - s, size), size)
  return twin
}

/**
 * A compact JWS with its ECDSA signature in the low-S spelling: the token itself when it already
 * is (or is not ECDSA), its twin when s is high, `undefined` when the signature cannot be one.
 * The signature segment must be canonical base64url.
 */
export function lowSToken(alg: string, token: string): string | undefined {
  if (!Object.hasOwn(CURVES, alg)) return token
  const dot = token.lastIndexOf('.')
  const signature = decodeBase64url(token.slice(dot + 1))
  const low = signature && lowS(alg, signature)
  if (low === undefined) return undefined
  return low === signature ? token : `${token.slice(0, dot + 1)}${encodeBase64url(low)}`
}
