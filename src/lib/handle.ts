/**
 * @module A session id's non-secret handle: 12 bytes of SHA-256 in base64url. `listSessions` shows
 * it and lifecycle events name a session by it, so a log line and a "your devices" row join.
 * Synchronous, so an event is emitted in order without waiting on WebCrypto. Internal.
 */
import { encodeBase64url, utf8 } from './base64url.ts'
import { sha256Hex } from './sha256.ts'

/** The handle of the server-side session id `id`. */
export function sessionHandle(id: string): string {
  const hex = sha256Hex(utf8(`fetch-session handle ${id}`))
  const bytes = new Uint8Array(12)
  for (let i = 0; i < 12; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return encodeBase64url(bytes)
}
