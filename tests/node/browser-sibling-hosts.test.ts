/**
 * Cookies in Chromium across real sibling hosts: an HTTPS server on 127.0.0.1 with a throwaway
 * certificate (made with openssl, trusted by its key pin), and host names mapped to it with
 * --host-resolver-rules. Chromium judges which cookie options it keeps, and what a sibling host
 * can plant.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { serve } from '@hono/node-server'
import { type Browser, chromium } from 'playwright-core'
import {
  type CookieOptions,
  cookie,
  cookieStorage,
  type DecodeError,
  getSession,
  signedCodec,
  withSession,
} from '../../src/index.ts'
import { CHROMIUM, chromiumMissing } from '../fixtures/browser/harness.ts'
import { certificate } from '../fixtures/browser/tls.ts'

const HOSTS = [
  'example.com',
  'app.example.com',
  'evil.example.com',
  'www.example.co.uk',
  'me.github.io',
]
const SECRET = 'a-secret-for-the-sibling-host-tests-only'
const NAME = '__Host-session'

interface Site {
  port: number
  /** Each request's Cookie header at /account/me, in order. */
  seen: (string | null)[]
  reasons: string[]
  close(): Promise<void>
}

/**
 * `example.com`: an app whose session lives in `__Host-session` (`/login?user=`, `/account/me`).
 * `evil.example.com/plant?token=`: a sibling page that plants `pref=x,__Host-session=<token>`
 * for the parent domain under /account. `/set?c=…`: answers with the Set-Cookie lines given.
 */
async function site(tls: { key: string; cert: string }): Promise<Site> {
  const seen: (string | null)[] = []
  const reasons: string[] = []
  const app = withSession(
    async (request: Request) => {
      const url = new URL(request.url)
      const session = await getSession<{ user?: string }>(request)
      if (url.pathname === '/login') session.set('user', url.searchParams.get('user') ?? 'nobody')
      if (url.pathname === '/account/me') seen.push(request.headers.get('cookie'))
      return new Response(session.get('user') ?? 'guest')
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie({ name: NAME }) },
    { onInvalid: (error: DecodeError) => void reasons.push(error.reason) },
  )
  const fetch = (request: Request): Response | Promise<Response> => {
    const url = new URL(request.url)
    if (url.pathname === '/plant') {
      const token = url.searchParams.get('token') ?? ''
      const headers = new Headers({ 'content-type': 'text/plain' })
      headers.append(
        'set-cookie',
        `pref=x,${NAME}=${token}; Domain=example.com; Path=/account; Secure; SameSite=Lax`,
      )
      return new Response('planted', { headers })
    }
    if (url.pathname === '/set') {
      const headers = new Headers({ 'content-type': 'text/plain' })
      for (const line of url.searchParams.getAll('c')) headers.append('set-cookie', line)
      return new Response('set', { headers })
    }
    return app(request)
  }
  const server = serve({
    fetch,
    port: 0,
    hostname: '127.0.0.1',
    createServer,
    serverOptions: tls,
  }) as unknown as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    reasons,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The Set-Cookie an option set means, written by hand so refused sets can be tried too. */
function setCookieFor(name: string, options: CookieOptions): string {
  return (
    `${name}=v; Path=${options.path ?? '/'}` +
    (options.domain === undefined ? '' : `; Domain=${options.domain}`) +
    ((options.secure ?? true) ? '; Secure' : '') +
    ((options.httpOnly ?? true) ? '; HttpOnly' : '') +
    '; SameSite=Lax'
  )
}

function accepted(options: CookieOptions): boolean {
  try {
    cookieStorage(options)
    return true
  } catch {
    return false
  }
}

describe('Chromium and sibling hosts', { skip: chromiumMissing }, () => {
  let browser: Browser
  let server: Site
  const origin = (host: string) => `https://${host}:${server.port}`

  before(async () => {
    const tls = await certificate(HOSTS)
    server = await site(tls)
    browser = await chromium.launch({
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
        `--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
        `--ignore-certificate-errors-spki-list=${tls.pin}`,
      ],
    })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  test('a __Host- cookie a sibling plants through a comma is sent, and never read', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    // The attacker's own session, from logging in on the app as mallory.
    const attacker = await (await browser.newContext()).newPage()
    await attacker.goto(`${origin('example.com')}/login?user=mallory`)
    const mallory = (await attacker.context().cookies()).find((c) => c.name === NAME)!.value
    await attacker.context().close()

    // Login CSRF: the victim has no session yet; the sibling plants mallory's.
    await page.goto(`${origin('evil.example.com')}/plant?token=${mallory}`)
    await page.goto(`${origin('example.com')}/account/me`)
    assert.equal(server.seen.at(-1), `pref=x,${NAME}=${mallory}`, 'what Chromium sends')
    assert.equal(await page.textContent('body'), 'guest')

    // Session swapping: the victim is logged in; the planted cookie comes first (longer path).
    await page.goto(`${origin('example.com')}/login?user=ada`)
    const ada = (await context.cookies(origin('example.com'))).find((c) => c.name === NAME)!.value
    await page.goto(`${origin('example.com')}/account/me`)
    assert.equal(server.seen.at(-1), `pref=x,${NAME}=${mallory}; ${NAME}=${ada}`)
    assert.equal(await page.textContent('body'), 'guest', 'neither session is trusted')
    assert.deepEqual(server.reasons, ['injected', 'injected'])

    // Without the planted cookie, the victim's own session reads as always.
    await context.clearCookies({ name: 'pref' })
    await page.goto(`${origin('example.com')}/account/me`)
    assert.equal(server.seen.at(-1), `${NAME}=${ada}`)
    assert.equal(await page.textContent('body'), 'ada')
    await context.close()
  })

  test('cookie prefixes: an option set is refused exactly when Chromium drops its cookie', async () => {
    const names = [
      '__Http-',
      '__http-',
      '__HTTP-',
      '__Host-Http-',
      '__host-http-',
      '__HOST-HTTP-',
      '__Secure-',
      '__SECURE-',
      '__Host-',
      '__hOsT-',
      'plain-',
    ]
    const sets: { name: string; options: CookieOptions }[] = []
    for (const prefix of names)
      for (const secure of [true, false])
        for (const httpOnly of [true, false])
          for (const path of ['/', '/app'])
            for (const domain of [undefined, 'example.com']) {
              const name = `${prefix}c${sets.length}`
              sets.push({ name, options: { name, secure, httpOnly, path, domain } })
            }
    const context = await browser.newContext()
    const page = await context.newPage()
    const query = sets.map(
      ({ name, options }) => `c=${encodeURIComponent(setCookieFor(name, options))}`,
    )
    await page.goto(`${origin('app.example.com')}/set?${query.join('&')}`)
    const kept = new Set((await context.cookies()).map((c) => c.name))
    const disagree = sets
      .filter(({ name, options }) => accepted(options) !== kept.has(name))
      .map(({ options }) => `${JSON.stringify(options)} accepted ${accepted(options)}`)
    assert.deepEqual(disagree, [])
    assert.ok(kept.size > 20 && kept.size < sets.length, `${kept.size} of ${sets.length} kept`)
    await context.close()
  })

  test('domain: a single label or a public suffix is refused, and Chromium drops it', async () => {
    const cases: [host: string, domain: string, keeps: boolean][] = [
      ['app.example.com', 'example.com', true],
      ['app.example.com', '.example.com', true],
      ['app.example.com', 'com', false],
      ['app.example.com', '.COM', false],
      ['www.example.co.uk', 'example.co.uk', true],
      ['www.example.co.uk', 'co.uk', false],
      ['me.github.io', 'github.io', false],
      ['me.github.io', 'me.github.io', true],
    ]
    const context = await browser.newContext()
    const page = await context.newPage()
    for (const [index, [host, domain, keeps]] of cases.entries()) {
      const name = `d${index}`
      const options: CookieOptions = { name, domain }
      assert.equal(accepted(options), keeps, `cookieStorage with domain ${domain}`)
      await page.goto(`${origin(host)}/set?c=${encodeURIComponent(setCookieFor(name, options))}`)
      const stored = (await context.cookies()).some((c) => c.name === name)
      assert.equal(stored, keeps, `Chromium on ${host} with Domain=${domain}`)
    }
    await context.close()
  })
})
