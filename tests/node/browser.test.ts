/**
 * The demo app in a real browser: Debian's Chromium (/usr/bin/chromium) driven by playwright-core.
 * Cookies are judged by the browser itself: what it stores, what it sends back, what scripts see,
 * what survives a restart and what a cross-site form carries. Locally a missing Chromium skips
 * these tests; with CI=true it fails them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { demoIndex } from '../../examples/demo/devices.ts'
import { encryptedCodec, memoryStore, storeCodec } from '../../src/index.ts'
import {
  logIn,
  loginFlow,
  saveNote,
  sessionCookies,
  submit,
  visits,
} from '../fixtures/browser/flows.ts'
import {
  COOKIE,
  chromiumMissing,
  type DemoServer,
  launchBrowser,
  persistentProfile,
  resultsDir,
  SECRET,
  serveDemo,
} from '../fixtures/browser/harness.ts'

test('Chromium for the browser tests is installed', (t) => {
  if (chromiumMissing === undefined) return
  assert.notEqual(process.env.CI, 'true', chromiumMissing)
  t.skip(chromiumMissing)
})

/** A note of `length` characters that no step could shorten by accident. */
function longNote(length: number): string {
  let note = ''
  for (let i = 0; note.length < length; i++) note += `line ${i}: the quick brown fox. `
  return note.slice(0, length)
}

/** Every segment of a base64url token, decoded as far as it decodes. */
function readable(token: string): string {
  return token
    .split('.')
    .map((part) => {
      try {
        return atob(part.replaceAll('-', '+').replaceAll('_', '/'))
      } catch {
        return ''
      }
    })
    .join(' ')
}

describe('the demo app in Chromium', { skip: chromiumMissing }, () => {
  let browser: Browser
  let demo: DemoServer

  before(async () => {
    browser = await launchBrowser()
    demo = await serveDemo()
  })
  after(async () => {
    await browser?.close()
    await demo?.close()
  })

  for (const host of ['ip', 'local'] as const) {
    test(`on ${host === 'ip' ? '127.0.0.1' : 'localhost'}: log in, flash once, count visits, log out`, async () => {
      const context = await browser.newContext()
      const base = demo[host]
      const { token, logout } = await loginFlow(context, base)
      assert.match(readable(token), /Ada Lovelace/, 'a signed token is readable, not forgeable')
      assert.ok(
        logout.some((line) => line.startsWith(`${COOKIE}=; Max-Age=0`)),
        'logout clears the cookie',
      )
      await context.close()
    })
  }

  test('the session cookie is HttpOnly, __Host- and stored Secure, Path=/, SameSite=Lax, with Max-Age', async () => {
    for (const base of [demo.ip, demo.local]) {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(`${base}/`)
      await logIn(page, 'Grace')
      const stored = (await sessionCookies(context, base)).get(COOKIE)
      assert.ok(stored, `the browser kept ${COOKIE} on ${base}`)
      assert.equal(stored.domain, new URL(base).hostname, 'host-only: no Domain attribute')
      assert.equal(stored.path, '/')
      assert.equal(stored.secure, true)
      assert.equal(stored.httpOnly, true)
      assert.equal(stored.sameSite, 'Lax')
      const lifetime = stored.expires - Date.now() / 1000
      assert.ok(lifetime > 3500 && lifetime <= 3600, `Max-Age is the idle timeout, ${lifetime}`)

      // A cookie a script sets is visible to scripts; the session cookie never is.
      await page.evaluate(() => {
        // biome-ignore lint/suspicious/noDocumentCookie: a script-set cookie to compare with
        document.cookie = 'visible=yes; path=/'
      })
      const seen = await page.evaluate(() => document.cookie)
      assert.match(seen, /visible=yes/)
      assert.doesNotMatch(seen, /session/)
      await context.close()
    }
  })

  test('a cross-site form POST does not carry the SameSite=Lax cookie; a same-site one does', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${demo.ip}/`)
    await logIn(page, 'Ada')
    demo.probes.length = 0

    // From localhost to 127.0.0.1: another site.
    await page.goto(`${demo.local}/attack?to=${encodeURIComponent(`${demo.ip}/probe`)}`)
    await page.waitForURL(`${demo.ip}/probe`)
    // The same attack from 127.0.0.1 itself: same site, the cookie goes along.
    await page.goto(`${demo.ip}/attack?to=${encodeURIComponent(`${demo.ip}/probe`)}`)
    await page.waitForURL(`${demo.ip}/probe`)
    // A cross-site link (a top-level GET) carries a Lax cookie: that is what Lax allows.
    await page.goto(`${demo.local}/attack?method=get&to=${encodeURIComponent(`${demo.ip}/probe`)}`)
    await Promise.all([page.waitForURL(`${demo.ip}/probe`), page.locator('#go').click()])

    const [crossPost, samePost, crossGet] = demo.probes
    assert.equal(demo.probes.length, 3)
    assert.doesNotMatch(crossPost ?? '', /__Host-session=/)
    assert.match(samePost ?? '', /__Host-session=/)
    assert.match(crossGet ?? '', /__Host-session=/)

    // A cross-site form cannot log the user out either.
    await page.goto(`${demo.local}/attack?to=${encodeURIComponent(`${demo.ip}/logout`)}`)
    await page.waitForURL(`${demo.ip}/`)
    await page.goto(`${demo.ip}/`)
    assert.equal(await page.locator('#user').textContent(), 'Ada')
    await context.close()
  })

  test('a note too large for one cookie gets a 413 page and the session stays as it was', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${demo.ip}/`)
    await logIn(page, 'Ada')
    const before = (await sessionCookies(context, demo.ip)).get(COOKIE)?.value
    await saveNote(page, longNote(6000))
    assert.equal(await page.locator('#too-large').count(), 1)
    assert.equal((await sessionCookies(context, demo.ip)).get(COOKIE)?.value, before)
    await page.goto(`${demo.ip}/`)
    assert.equal(await page.locator('#user').textContent(), 'Ada')
    assert.equal(await page.locator('textarea[name="note"]').inputValue(), '')
    await context.close()
  })

  test('a screenshot of the logged-in page goes to test-results/', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${demo.local}/`)
    await logIn(page, 'Ada Lovelace')
    await saveNote(page, 'Bring the punched cards for the Analytical Engine.')
    const path = `${await resultsDir()}demo-logged-in.png`
    const image = await page.screenshot({ path, fullPage: true })
    assert.ok(image.length > 10_000, 'a real screenshot, not a blank page')
    await context.close()
  })
})

describe('the demo app in Chromium with other backends', { skip: chromiumMissing }, () => {
  let browser: Browser
  const servers: DemoServer[] = []

  before(async () => {
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    for (const server of servers) await server.close()
  })

  async function start(options: Parameters<typeof serveDemo>[0]): Promise<DemoServer> {
    const server = await serveDemo(options)
    servers.push(server)
    return server
  }

  test('encryptedCodec: the same flow, and the cookie reveals nothing', async () => {
    const demo = await start({ codec: encryptedCodec({ secrets: SECRET, idleTimeout: 3600 }) })
    const context = await browser.newContext()
    const { token } = await loginFlow(context, demo.local)
    assert.equal(token.split('.').length, 5, 'a compact JWE')
    assert.doesNotMatch(readable(token), /Ada/)
    await context.close()
  })

  test('storeCodec with memoryStore: the cookie is an id, and logout deletes the record', async () => {
    const demo = await start({ codec: storeCodec({ store: memoryStore(), secrets: SECRET }) })
    const context = await browser.newContext()
    const { token } = await loginFlow(context, demo.ip)
    assert.match(token, /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    assert.doesNotMatch(readable(token), /Ada/)

    // Replaying the cookie from before the logout finds nothing: the server forgot the session.
    await context.clearCookies()
    await context.addCookies([
      {
        name: COOKIE,
        value: token,
        domain: '127.0.0.1',
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ])
    const page = await context.newPage()
    await page.goto(`${demo.ip}/`)
    assert.equal(await page.locator('#user').count(), 0)
    assert.equal(await visits(page), 1)
    await logIn(page, 'Ada')
    assert.match((await page.locator('#sid').textContent()) ?? '', /^[A-Za-z0-9_-]{22}$/)
    await context.close()
  })

  test('your devices: two browsers list each other, "log out the other devices" logs out the other', async () => {
    const devices = storeCodec({ store: memoryStore(), secrets: SECRET, index: demoIndex })
    const demo = await start({ devices })
    const laptop = await browser.newContext({
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
    })
    const phone = await browser.newContext({
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1',
    })
    const pages = [await laptop.newPage(), await phone.newPage()]
    for (const page of pages) {
      await page.goto(`${demo.ip}/`)
      await logIn(page, 'Ada')
    }
    const [mine, other] = pages as [Page, Page]
    await mine.reload()
    const listed = await mine.locator('#devices li').allTextContents()
    assert.equal(listed.length, 2, listed.join(' | '))
    assert.match((await mine.locator('#devices li.current').textContent()) ?? '', /Chrome on Linux/)
    assert.match(listed.join(' '), /Safari on iPhone/)
    // No session id is shown: each device is named by a non-secret handle.
    const sid = (await mine.locator('#sid').textContent()) ?? ''
    assert.ok(!(await mine.content()).includes(`data-handle="${sid}"`))

    await submit(mine, '/logout-others')
    assert.equal(await mine.locator('#notice').textContent(), 'Logged out 1 other device.')
    assert.equal(await mine.locator('#devices li').count(), 1)
    assert.equal(await mine.locator('#user').textContent(), 'Ada')
    await other.reload()
    assert.equal(await other.locator('#user').count(), 0, 'the phone is logged out')
    await laptop.close()
    await phone.close()
  })

  test('cookie({ maxChunks: 4 }): the browser stores and sends back several chunk cookies', async () => {
    const demo = await start({ cookie: { maxChunks: 4 } })
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${demo.ip}/`)
    await logIn(page, 'Ada')
    const note = longNote(7000)
    await saveNote(page, note)
    assert.equal(await page.locator('#notice').textContent(), 'Note saved: 7000 characters.')

    const chunked = await sessionCookies(context, demo.ip)
    assert.deepEqual([...chunked.keys()].sort(), [`${COOKIE}.0`, `${COOKIE}.1`, `${COOKIE}.2`])
    for (const chunk of chunked.values()) {
      assert.ok(chunk.secure && chunk.httpOnly && chunk.sameSite === 'Lax' && chunk.path === '/')
      assert.ok(chunk.name.length + chunk.value.length <= 4096)
    }
    // The note read back whole proves the browser sent every chunk, in an order we could join.
    await page.reload()
    assert.equal(await page.locator('textarea[name="note"]').inputValue(), note)
    assert.match((await page.locator('#size').textContent()) ?? '', /in 3 chunks/)
    assert.equal(await page.locator('#user').textContent(), 'Ada')

    // Shrinking the session expires the chunks the browser no longer needs.
    await saveNote(page, 'short')
    assert.deepEqual([...(await sessionCookies(context, demo.ip)).keys()], [COOKIE])
    await page.reload()
    assert.equal(await page.locator('textarea[name="note"]').inputValue(), 'short')

    await submit(page, '/logout')
    assert.equal(await page.locator('#user').count(), 0)
    assert.equal(await visits(page), 1)
    await context.close()
  })
})

describe('the session cookie across a browser restart', { skip: chromiumMissing }, () => {
  /** Logs in, quits the browser, starts it again on the same profile, and reloads the page. */
  async function restart(cookie: { maxAge?: null }): Promise<{ user: number; count: number }> {
    const demo = await serveDemo({ cookie })
    const profile = await persistentProfile()
    try {
      let context = await profile.launch()
      let page = context.pages()[0] ?? (await context.newPage())
      await page.goto(`${demo.ip}/`)
      await logIn(page, 'Ada')
      assert.equal(await page.locator('#user').count(), 1)
      await context.close()

      context = await profile.launch()
      page = context.pages()[0] ?? (await context.newPage())
      await page.goto(`${demo.ip}/`)
      const result = { user: await page.locator('#user').count(), count: await visits(page) }
      await context.close()
      return result
    } finally {
      await profile.remove()
      await demo.close()
    }
  }

  test('a cookie with Max-Age survives the restart', async () => {
    assert.deepEqual(await restart({}), { user: 1, count: 3 })
  })

  test('a maxAge: null cookie (a browser-session cookie) does not', async () => {
    assert.deepEqual(await restart({ maxAge: null }), { user: 0, count: 1 })
  })
})
