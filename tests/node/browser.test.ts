/**
 * The demo app in a real browser: Debian's Chromium (/usr/bin/chromium) driven by playwright-core.
 * Cookies are judged by the browser itself: what it stores, what it sends back, what scripts see,
 * what survives a restart and what a cross-site form carries. Locally a missing Chromium skips
 * these tests; with CI=true it fails them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { signedCodec } from '../../src/index.ts'
import { fixedClock } from '../../src/testing.ts'
import { logIn, loginFlow, saveNote, sessionCookies, visits } from '../fixtures/browser/flows.ts'
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
import { longNote, readable } from '../fixtures/browser/notes.ts'

test('Chromium for the browser tests is installed', (t) => {
  if (chromiumMissing === undefined) return
  assert.notEqual(process.env.CI, 'true', chromiumMissing)
  t.skip(chromiumMissing)
})

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

describe('the demo shows when the session ends', { skip: chromiumMissing }, () => {
  test('the countdown appears, a passive poll leaves it, "Stay signed in" moves it', async () => {
    // The server's clock is the test's: half the idle window passes without waiting for it.
    const clock = fixedClock(Date.now())
    const codec = signedCodec({ secrets: SECRET, idleTimeout: 3600, now: clock.now })
    const demo = await serveDemo({ codec })
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage()
      await page.goto(`${demo.ip}/`)
      const card = page.locator('#expiry')
      await card.waitFor({ state: 'visible' })
      const first = Number(await card.getAttribute('data-expires-at'))
      assert.equal(first, Math.floor(clock.now() / 1000) * 1000 + 3_600_000, 'an hour on')
      assert.match((await page.locator('#countdown').textContent()) ?? '', /^(5\d|60):\d\d$/)

      clock.advance(2000) // past half the idle window: a real visit would renew the token now
      await page.evaluate(() => (window as unknown as { pollExpiry(): Promise<void> }).pollExpiry())
      assert.equal(Number(await card.getAttribute('data-expires-at')), first, 'the poll is passive')

      await page.locator('#stay').click()
      await page.waitForFunction(
        (before) => Number(document.getElementById('expiry')?.dataset.expiresAt) !== before,
        first,
      )
      assert.equal(Number(await card.getAttribute('data-expires-at')), first + 2_000_000)
    } finally {
      await browser.close()
      await demo.close()
    }
  })
})
