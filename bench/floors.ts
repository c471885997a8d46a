/**
 * The floors: plain fetch handlers that do the job with no session library, so a ratio to them is
 * the library's own cost. Web APIs and jose, plus `Buffer` and `node:crypto` where the runtime has
 * them: the same file runs on Node, Bun, Deno and workerd.
 */
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

const SESSION_COOKIE = /(?:^|;\s*)session=([^;]*)/

function sessionCookie(request: Request, pattern = SESSION_COOKIE): string | undefined {
  return pattern.exec(request.headers.get('cookie') ?? '')?.[1]
}

type Base64url = { encode(bytes: Uint8Array): string; decode(text: string): Uint8Array }

/** Buffer's native base64url where there is one (Node, Bun, Deno), btoa/atob elsewhere. */
const base64url: Base64url = (() => {
  const buffer = (globalThis as { Buffer?: typeof import('node:buffer').Buffer }).Buffer
  if (buffer !== undefined) {
    return {
      encode: (bytes) => buffer.from(bytes).toString('base64url'),
      decode: (text) => buffer.from(text, 'base64url'),
    }
  }
  return {
    encode: (bytes) =>
      btoa(String.fromCharCode(...bytes))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, ''),
    decode: (text) =>
      Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)),
  }
})()

interface NodeCrypto {
  createHmac(hash: string, key: string): { update(data: string): { digest(): Uint8Array } }
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
}

/** `node:crypto`, found at run time as fetch-session finds it. */
export function nodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
  return process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
}

/** Sign and verify a payload string: WebCrypto with a key imported once, or `node:crypto`. */
function macs(kind: 'webcrypto' | 'node') {
  if (kind === 'node') {
    const native = nodeCrypto()
    if (native === undefined) throw new Error('node:crypto is not available here')
    const mac = (payload: string) => native.createHmac('sha256', SECRET).update(payload).digest()
    return {
      sign: async (payload: string) => mac(payload),
      verify: async (tag: Uint8Array, payload: string) => {
        const expected = mac(payload)
        return expected.length === tag.length && native.timingSafeEqual(expected, tag)
      },
    }
  }
  const key = hmacKeyOnce()
  return {
    sign: async (payload: string) =>
      new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(payload))),
    verify: async (tag: Uint8Array, payload: string) =>
      crypto.subtle.verify(
        'HMAC',
        await key,
        tag as Uint8Array<ArrayBuffer>,
        encoder.encode(payload),
      ),
  }
}

/**
 * A minimal hand-written HMAC-SHA256 cookie: `base64url(JSON).base64url(tag)`, the key imported
 * once (or `node:crypto`), native base64url, no lifetimes, no validation beyond the tag.
 */
export function hmacCookie<Data extends object = { count?: number }>(
  kind: 'webcrypto' | 'node' = 'webcrypto',
  name = 'session',
): {
  read(request: Request): Promise<Data>
  write(data: Data): Promise<string>
} {
  const mac = macs(kind)
  const pattern = name === 'session' ? SESSION_COOKIE : new RegExp(`(?:^|;\\s*)${name}=([^;]*)`)
  return {
    async read(request) {
      const raw = sessionCookie(request, pattern)
      if (!raw) return {} as Data
      const [payload, tag] = raw.split('.') as [string, string]
      const ok = await mac.verify(base64url.decode(tag), payload)
      return ok ? JSON.parse(new TextDecoder().decode(base64url.decode(payload))) : ({} as Data)
    },
    async write(data) {
      const payload = base64url.encode(encoder.encode(JSON.stringify(data)))
      const tag = base64url.encode(await mac.sign(payload))
      return `${name}=${payload}.${tag}; ${ATTRIBUTES}`
    },
  }
}

/** The HMAC floor as a handler: reads the counter, and on the write path adds one. */
export function hmacFloor(write: boolean, kind: 'webcrypto' | 'node' = 'webcrypto'): Handler {
  const session = hmacCookie(kind)
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
