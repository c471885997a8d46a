/**
 * Device-bound sessions in a real Chromium: software keys (no TPM here), served over HTTPS with a
 * per-run certificate the browser verifies (trusted by its key pin; Chromium ignores the
 * registration header over plain HTTP or with certificate errors ignored). Chromium's own account
 * of each step comes back through the DevTools protocol's device-bound session events.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request as httpsRequest, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { serve } from '@hono/node-server'
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core'
import { cookie, getSession, signedCodec, withSession } from '../../src/index.ts'
import { CHROMIUM, chromiumMissing, resultsDir } from '../fixtures/browser/harness.ts'
import { certificate } from '../fixtures/browser/tls.ts'

/** The Chromium this was tried with; the flow needs its DBSC feature flags. */
const PINNED = '156.'
const HOST = 'bound.example.com'
const SECRET = 'a-secret-for-the-device-bound-browser-test'
const BOUND_SECRET = 'a-binding-secret-for-the-device-bound-browser-test'
const BOUND_FOR = 10
const FEATURES =
  '--enable-features=DeviceBoundSessions:RefreshQuota/false,EnableBoundSessionCredentialsSoftwareKeysForManualTesting'

interface Exchange {
  method: string
  path: string
  status: number
  request: Record<string, string>
  response: Record<string, string>
  setCookie: string[]
}

const WIRE = [
  'cookie',
  'secure-session-response',
  'sec-secure-session-id',
  'secure-session-registration',
  'secure-session-challenge',
]

function headersOf(headers: Headers): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of WIRE) {
    const value = headers.get(name)
    if (value !== null) picked[name] = value
  }
  return picked
}

async function site(tls: { key: string; cert: string }) {
  const log: Exchange[] = []
  const app = withSession(
    async (request: Request) => {
      const session = await getSession<{ user: string }>(request)
      const path = new URL(request.url).pathname
      if (path === '/login') {
        session.regenerate()
        session.set('user', 'ada')
      } else if (path === '/logout') session.destroy()
      const body = { user: session.get('user') ?? null, bound: session.deviceBound }
      return new Response(`<pre id="me">${JSON.stringify(body)}</pre>`, {
        headers: { 'content-type': 'text/html' },
      })
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie({ name: '__Host-session' }) },
    { deviceBound: { secrets: BOUND_SECRET, boundFor: BOUND_FOR, exclude: ['/login'] } },
  )
  const fetch = async (request: Request) => {
    const response = await app(request)
    const url = new URL(request.url)
    if (url.pathname !== '/favicon.ico') {
      log.push({
        method: request.method,
        path: url.pathname,
        status: response.status,
        request: headersOf(request.headers),
        response: headersOf(response.headers),
        setCookie: response.headers.getSetCookie(),
      })
    }
    return response
  }
  const server = serve({
    fetch,
    port: 0,
    hostname: '127.0.0.1',
    createServer,
    serverOptions: tls,
  }) as unknown as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const port = (server.address() as AddressInfo).port
  /** A plain Node HTTPS client with a copied Cookie header: no key, no DBSC. */
  const plainGet = (path: string, cookies: string) =>
    new Promise<unknown>((resolve, reject) => {
      const request = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          servername: HOST,
          ca: tls.cert,
          headers: { host: `${HOST}:${port}`, cookie: cookies },
        },
        (response) => {
          let body = ''
          response.on('data', (chunk) => (body += chunk))
          response.on('end', () => resolve(JSON.parse(/<pre id="me">(.*)<\/pre>/.exec(body)![1]!)))
        },
      )
      request.on('error', reject)
      request.end()
    })
  return {
    log,
    plainGet,
    origin: `https://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Chromium's device-bound session events, as the DevTools protocol reports them. */
async function dbscEvents(page: Page): Promise<{ cdp: CDPSession; events: unknown[] }> {
  const cdp = await page.context().newCDPSession(page)
  const events: unknown[] = []
  cdp.on('Network.deviceBoundSessionEventOccurred' as 'Network.dataReceived', (event) =>
    events.push(event),
  )
  await cdp.send('Network.enable')
  await cdp.send('Network.enableDeviceBoundSessions' as 'Network.enable', { enable: true } as never)
  return { cdp, events }
}

describe('device-bound sessions in Chromium', { skip: chromiumMissing }, () => {
  let context: BrowserContext
  let server: Awaited<ReturnType<typeof site>>
  let profile: string

  before(async () => {
    const tls = await certificate([HOST])
    server = await site(tls)
    profile = await mkdtemp(join(tmpdir(), 'fetch-session-dbsc-profile-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        FEATURES,
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
        `--ignore-certificate-errors-spki-list=${tls.pin}`,
      ],
    })
  })
  after(async () => {
    await context?.close()
    await server?.close()
    if (profile) await rm(profile, { recursive: true, force: true })
  })

  test('register, use, refresh; a copied jar is refused; logout ends the binding', async () => {
    const version = context.browser()?.version() ?? ''
    assert.ok(version.startsWith(PINNED), `tried with Chromium ${PINNED}x, not ${version}`)
    const page = await context.newPage()
    const { events } = await dbscEvents(page)
    const me = async () => {
      await page.goto(`${server.origin}/me`)
      return JSON.parse((await page.textContent('#me'))!)
    }

    await page.goto(`${server.origin}/login`)
    const created = await eventually(events, (e) => e.creationEventDetails !== undefined)
    assert.equal(created.succeeded, true, JSON.stringify(created))
    const id = created.sessionId as string
    // The registration answer's cookies land just after Chromium reports the session.
    await eventually(events, () => server.log.some((e) => e.path === '/dbsc/register'))
    assert.deepEqual(await me(), { user: 'ada', bound: true })

    // A bound cookie of 10 seconds: Chromium refreshes it ahead of expiry, proving the key.
    const refreshed = await eventually(
      events,
      (e) => (e.refreshEventDetails as { refreshResult?: string })?.refreshResult === 'Refreshed',
    )
    assert.equal(refreshed.sessionId, id)
    const exchange = server.log.filter((e) => e.path === '/dbsc/refresh')
    assert.ok(exchange.some((e) => e.status === 403 && e.response['secure-session-challenge']))
    assert.ok(exchange.some((e) => e.status === 200 && e.request['secure-session-response']))

    // A thief copies the whole cookie jar into plain Node: it works only until the bound cookie
    // it copied expires, while the browser, which holds the key, keeps working.
    const jar = (await context.cookies(server.origin)).map((c) => `${c.name}=${c.value}`)
    const copied = jar.join('; ')
    assert.match(copied, /__Host-bound=/)
    await new Promise((resolve) => setTimeout(resolve, (BOUND_FOR + 1) * 1000))
    assert.deepEqual(await server.plainGet('/me', copied), { user: null, bound: false })
    const stolenToken = jar.find((pair) => pair.startsWith('__Host-session='))!
    assert.deepEqual(await server.plainGet('/me', stolenToken), { user: null, bound: false })
    assert.deepEqual(await me(), { user: 'ada', bound: true })

    // Logout clears both cookies; Chromium's next refresh hears `continue: false` and ends it.
    await page.goto(`${server.origin}/logout`)
    assert.deepEqual(await me(), { user: null, bound: false })
    const ended = await eventually(events, (e) => {
      const refresh = e.refreshEventDetails as { refreshResult?: string } | undefined
      return (
        e.terminationEventDetails !== undefined ||
        refresh?.refreshResult === 'ServerRequestedTermination'
      )
    })
    assert.equal(ended.sessionId, id)
    // Our side of it: the refresh after logout found no session, answered continue: false.
    const last = server.log.filter((e) => e.path === '/dbsc/refresh').at(-1)!
    assert.equal(last.status, 200)
    assert.deepEqual(last.setCookie, [
      '__Host-bound=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
    ])
    process.env.DBSC_WIRE && (await writeWire(server.log, events))
  })
})

type DbscEvent = Record<string, unknown>

/** The first event that `match` accepts, waiting for Chromium to report it (10 s at most). */
async function eventually(
  events: unknown[],
  match: (event: DbscEvent) => boolean,
): Promise<DbscEvent> {
  for (let i = 0; i < 200; i++) {
    const found = (events as DbscEvent[]).find(match)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`Chromium did not report it; its events: ${JSON.stringify(events)}`)
}

/** The exchange as seen on the wire, secrets shortened, for the documentation. */
async function writeWire(log: Exchange[], events: unknown[]): Promise<void> {
  const short = (text: string) => text.replace(/[A-Za-z0-9_-]{24,}/g, (m) => `${m.slice(0, 8)}…`)
  const lines = log.map((e) =>
    [
      `${e.method} ${e.path} -> ${e.status}`,
      ...Object.entries(e.request).map(([k, v]) => `  > ${k}: ${short(v)}`),
      ...Object.entries(e.response).map(([k, v]) => `  < ${k}: ${short(v)}`),
      ...e.setCookie.map((v) => `  < set-cookie: ${short(v)}`),
    ].join('\n'),
  )
  const { writeFile } = await import('node:fs/promises')
  const dir = await resultsDir()
  await writeFile(
    join(dir, 'dbsc-wire.txt'),
    `${lines.join('\n')}\n\n${JSON.stringify(events, null, 1)}\n`,
  )
}
