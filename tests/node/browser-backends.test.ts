/**
 * The demo app in Chromium with other backends: encryptedCodec, storeCodec (logout deletes the
 * record; "your devices"), and chunked cookies. The signedCodec flows: tests/node/browser.test.ts.
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
  SECRET,
  serveDemo,
} from '../fixtures/browser/harness.ts'
import { longNote, readable } from '../fixtures/browser/notes.ts'

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

  test('your devices: a "Log out" button per device ends that device only', async () => {
    const devices = storeCodec({
      store: memoryStore(),
      secrets: SECRET,
      index: demoIndex,
      snapshot: 60,
    })
    const demo = await start({ devices })
    const agents = [
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0',
    ]
    const contexts = await Promise.all(agents.map((userAgent) => browser.newContext({ userAgent })))
    const pages = await Promise.all(contexts.map((context) => context.newPage()))
    for (const page of pages) {
      await page.goto(`${demo.ip}/`)
      await logIn(page, 'Ada')
    }
    const [mine, phone, desktop] = pages as [Page, Page, Page]
    await mine.reload()
    assert.equal(await mine.locator('#devices li.current form').count(), 0, 'none for this device')
    const row = mine.locator('#devices li', { hasText: 'Safari on iPhone' })
    await Promise.all([mine.waitForEvent('load'), row.locator('button').click()])
    assert.equal(await mine.locator('#notice').textContent(), 'Logged out that device.')
    const left = await mine.locator('#devices li').allTextContents()
    assert.equal(left.length, 2, left.join(' | '))
    assert.doesNotMatch(left.join(' '), /Safari on iPhone/)
    await phone.reload()
    assert.equal(await phone.locator('#user').count(), 0, 'the phone is logged out')
    await desktop.reload()
    assert.equal(await desktop.locator('#user').textContent(), 'Ada', 'the desktop is not')
    for (const context of contexts) await context.close()
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
