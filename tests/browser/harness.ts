/**
 * The browser tests' plumbing: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), the demo app served on 127.0.0.1, and a "cross-site" page served on the other host
 * name of the same server (127.0.0.1 and localhost are different sites to a browser).
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'
import { type DemoOptions, demoApp } from '../../examples/demo/app.ts'

export const CHROMIUM = '/usr/bin/chromium'
export const SECRET = 'a-demo-secret-for-the-browser-tests-only'
export const COOKIE = '__Host-session'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Why the browser tests cannot run here, or `undefined`. */
export const chromiumMissing: string | undefined = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing (Debian package chromium)`

/** Where screenshots go: test-results/ at the repository root, which git ignores. */
export async function resultsDir(): Promise<string> {
  const dir = fileURLToPath(new URL('../../test-results/', import.meta.url))
  await mkdir(dir, { recursive: true })
  return dir
}

/** A browser with a throwaway profile; each test opens its own context, so cookies never mix. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}

/**
 * A browser on a profile directory that outlives it: close it and call `relaunch` to start the
 * browser again on the same profile, as a user quitting and reopening it.
 */
export async function persistentProfile(): Promise<{
  launch(): Promise<BrowserContext>
  remove(): Promise<void>
}> {
  const dir = await mkdtemp(join(tmpdir(), 'fetch-session-profile-'))
  return {
    launch: () =>
      chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

export interface DemoServer {
  /** `http://127.0.0.1:PORT` */
  ip: string
  /** `http://localhost:PORT`: the same server, another site. */
  local: string
  /** The Cookie header of each request to `/probe`, in order. */
  probes: (string | null)[]
  close(): Promise<void>
}

/**
 * Serves the demo app with `options`, plus two test-only routes outside the session:
 * `/attack?to=URL` (a page whose form POSTs to URL as soon as it loads, or links to it with
 * `&method=get`) and `/probe` (records the Cookie header it receives).
 */
export async function serveDemo(options: Partial<DemoOptions> = {}): Promise<DemoServer> {
  const app = demoApp({ secret: SECRET, ...options })
  const probes: (string | null)[] = []
  const fetch = (request: Request): Promise<Response> | Response => {
    const url = new URL(request.url)
    if (url.pathname === '/probe') {
      probes.push(request.headers.get('cookie'))
      return new Response('<!doctype html><title>probe</title><p id="probed">probed</p>', {
        headers: { 'content-type': 'text/html' },
      })
    }
    if (url.pathname === '/attack') return attackPage(url)
    return app(request)
  }
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    ip: `http://127.0.0.1:${port}`,
    local: `http://localhost:${port}`,
    probes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // The browser keeps idle connections open; without this, close waits for them.
        server.closeAllConnections()
      }),
  }
}

function attackPage(url: URL): Response {
  const to = url.searchParams.get('to') ?? '/'
  const escaped = to.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const body =
    url.searchParams.get('method') === 'get'
      ? `<a id="go" href="${escaped}">a link to the other site</a>`
      : `<form id="attack" method="post" action="${escaped}"><input name="user" value="mallory"></form>
         <script>document.getElementById('attack').submit()</script>`
  return new Response(`<!doctype html><title>another site</title>${body}`, {
    headers: { 'content-type': 'text/html' },
  })
}
