/**
 * The floors: plain fetch handlers that do the job with no session library, so a ratio to them is
 * the library's own cost. Web APIs, `node:buffer` and jose only: the same file runs on Node, Bun
 * and Deno.
 */
import { Buffer } from 'node:buffer'
import { jwtVerify, SignJWT } from 'jose'

/** The secret every case signs with: 36 bytes, above every library's minimum. */
export const SECRET = 'a-benchmark-secret-that-is-32-bytes!'
/** Cookie attributes the floors write: those fetch-session writes by default. */
const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Lax'

export type Handler = (request: Request) => Promise<Response>

const encoder = new TextEncoder()

/** The bare handler: no session at all. */
export const bare: Handler = async () => new Response('ok')

function hmacKeyOnce(): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    encoder.encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
}

function sessionCookie(request: Request): string | undefined {
  return /(?:^|;\s*)session=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1]
}

/**
 * A minimal hand-written HMAC-SHA256 cookie: `base64url(JSON).base64url(tag)`, the key imported
 * once, Buffer's native base64url, no lifetimes, no validation beyond the tag.
 */
export function hmacCookie(): {
  read(request: Request): Promise<{ count?: number }>
  write(data: { count?: number }): Promise<string>
} {
  const key = hmacKeyOnce()
  return {
    async read(request) {
      const raw = sessionCookie(request)
      if (!raw) return {}
      const [payload, tag] = raw.split('.') as [string, string]
      const ok = await crypto.subtle.verify(
        'HMAC',
        await key,
        Buffer.from(tag, 'base64url'),
        encoder.encode(payload),
      )
      return ok ? JSON.parse(Buffer.from(payload, 'base64url').toString()) : {}
    },
    async write(data) {
      const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
      const tag = Buffer.from(
        await crypto.subtle.sign('HMAC', await key, encoder.encode(payload)),
      ).toString('base64url')
      return `session=${payload}.${tag}; ${ATTRIBUTES}`
    },
  }
}

/** The HMAC floor as a handler: reads the counter, and on the write path adds one. */
export function hmacFloor(write: boolean): Handler {
  const session = hmacCookie()
  return async (request) => {
    const data = await session.read(request)
    if (!write) return new Response(String(data.count ?? 0))
    data.count = (data.count ?? 0) + 1
    return new Response(String(data.count), {
      headers: { 'set-cookie': await session.write(data) },
    })
  }
}

/** A hand-written jose HS256 JWT cookie: SignJWT / jwtVerify with a CryptoKey imported once. */
export function joseFloor(write: boolean): Handler {
  const key = hmacKeyOnce()
  return async (request) => {
    const raw = sessionCookie(request)
    let data: { count?: number } = {}
    if (raw) {
      try {
        data = (await jwtVerify(raw, await key, { algorithms: ['HS256'] })).payload as typeof data
      } catch {
        // Not a valid token: an empty session, as every library does.
      }
    }
    if (!write) return new Response(String(data.count ?? 0))
    const count = (data.count ?? 0) + 1
    const token = await new SignJWT({ count })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(await key)
    return new Response(String(count), {
      headers: { 'set-cookie': `session=${token}; ${ATTRIBUTES}` },
    })
  }
}
