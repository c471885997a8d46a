/**
 * The peer libraries, each in a Hono app configured as its README recommends, doing what the
 * fetch-session cases do: read a counter, and on the write path add one. Where a library's API
 * takes a key instead of a secret, the key is derived and imported once, outside the request.
 */
import { type SessionEnv, useSession } from '@hono/session'
import { createCookie } from '@remix-run/cookie'
import { createCookieSessionStorage } from '@remix-run/session/cookie-storage'
import { Hono } from 'hono'
import { CookieStore, type Session as HonoSessionsSession, sessionMiddleware } from 'hono-sessions'
import { getIronSession } from 'iron-session'
import { SECRET } from './floors.ts'

type Counter = { count?: number }

export type PeerName = '@hono/session' | 'hono-sessions' | 'iron-session' | '@remix-run/session'

/** What the benchmark needs of a Hono app, whatever its typed environment. */
export interface App {
  request(path: string, init?: RequestInit): Response | Promise<Response>
}

/** 14 days, fetch-session's default lifetime, for the libraries that take one. */
const FOURTEEN_DAYS = 14 * 24 * 3600

/**
 * @hono/session (JWE, dir + A256GCM, via jose). Given a string it derives the key with HKDF on the
 * first request and hands jose raw bytes, which jose imports on every call; its `secret` option
 * also takes a key, so the same HKDF key is imported once here as an AES-GCM CryptoKey.
 */
async function honoSession(write: boolean): Promise<App> {
  const ikm = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(SECRET),
    'HKDF',
    false,
    ['deriveBits'],
  )
  const bytes = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: new TextEncoder().encode('session jwe cek'),
    },
    ikm,
    256,
  )
  const key = await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt'])
  const app = new Hono<SessionEnv<Counter>>()
  // The README: "It is recommended to provide value for duration.absolute".
  app.use(useSession<Counter>({ secret: key, duration: { absolute: FOURTEEN_DAYS } }))
  app.get('/', async (c) => {
    if (!write) return c.text(String((await c.var.session.get())?.count ?? 0))
    await c.var.session.update((data) => ({ ...data, count: (data?.count ?? 0) + 1 }))
    return c.text(String(c.var.session.data?.count ?? 0))
  })
  return app
}

/** hono-sessions with its CookieStore (iron-webcrypto), with the README's options. */
function honoSessions(write: boolean): App {
  const app = new Hono<{ Variables: { session: HonoSessionsSession<Counter> } }>()
  app.use(
    '*',
    sessionMiddleware({
      store: new CookieStore(),
      encryptionKey: SECRET,
      expireAfterSeconds: 900,
      autoExtendExpiration: true,
      cookieOptions: { sameSite: 'Lax', path: '/', httpOnly: true },
    }),
  )
  app.get('/', (c) => {
    const session = c.get('session')
    if (write) session.set('count', (session.get('count') ?? 0) + 1)
    return c.text(String(session.get('count') ?? 0))
  })
  return app
}

/** iron-session 8 with Web Request/Response: `getIronSession(request, response, options)`. */
function ironSession(write: boolean): App {
  const app = new Hono()
  app.get('/', async (c) => {
    // iron-session appends its Set-Cookie to this response's headers; the body comes after.
    const carrier = new Response()
    const session = await getIronSession<Counter>(c.req.raw, carrier, {
      password: SECRET,
      cookieName: 'session',
    })
    if (write) {
      session.count = (session.count ?? 0) + 1
      await session.save()
    }
    return new Response(String(session.count ?? 0), { headers: carrier.headers })
  })
  return app
}

/** @remix-run/session's cookie storage inside a signed @remix-run/cookie, as fetch-router does. */
function remixSession(write: boolean): App {
  const sessionCookie = createCookie('session', { secrets: [SECRET], httpOnly: true, secure: true })
  const storage = createCookieSessionStorage()
  const app = new Hono()
  app.get('/', async (c) => {
    const session = await storage.read(await sessionCookie.parse(c.req.header('cookie') ?? null))
    if (write) session.set('count', Number(session.get('count') ?? 0) + 1)
    const body = String(session.get('count') ?? 0)
    const value = await storage.save(session)
    if (value === null) return c.text(body)
    return c.text(body, 200, { 'set-cookie': await sessionCookie.serialize(value) })
  })
  return app
}

export const peers: Record<PeerName, (write: boolean) => App | Promise<App>> = {
  '@hono/session': honoSession,
  'hono-sessions': honoSessions,
  'iron-session': ironSession,
  '@remix-run/session': remixSession,
}

export const peerNames = Object.keys(peers) as PeerName[]
