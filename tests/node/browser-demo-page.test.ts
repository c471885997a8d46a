/**
 * The demo page as a newcomer meets it in Chromium: readable on a 375 px phone (nothing wider than
 * the screen, no cookie attribute or name broken mid-word, even gaps between cards), a device
 * logged out from another device is told so, a favicon, and the way to the devices view.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { demoIndex } from '../../examples/demo/devices.ts'
import { memoryStore, storeCodec } from '../../src/index.ts'
import { logIn, submit } from '../fixtures/browser/flows.ts'
import {
  chromiumMissing,
  type DemoServer,
  launchBrowser,
  SECRET,
  serveDemo,
} from '../fixtures/browser/harness.ts'

describe('the demo page for a newcomer', { skip: chromiumMissing }, () => {
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

  /** What would make the page hard to read on this screen. */
  function layoutProblems(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const problems: string[] = []
      const width = document.documentElement.clientWidth
      if (document.documentElement.scrollWidth > width) problems.push('the page scrolls sideways')
      for (const element of document.querySelectorAll('.attr, dd code:not(.id)')) {
        const lines = new Set([...element.getClientRects()].map((rect) => Math.round(rect.top)))
        if (lines.size > 1) {
          problems.push(`"${element.textContent}" breaks over two lines`)
        }
      }
      const cards = [...document.querySelectorAll('.card')].map((card) =>
        card.getBoundingClientRect(),
      )
      const gaps = cards.slice(1).map((card, i) => Math.round(card.top - cards[i]!.bottom))
      if (new Set(gaps).size > 1) problems.push(`uneven gaps between cards: ${gaps.join(', ')}`)
      return problems
    })
  }

  test('at 375 px nothing is wider than the screen, breaks mid-word, or sits unevenly', async () => {
    const devices = storeCodec({ store: memoryStore(), secrets: SECRET, index: demoIndex })
    for (const demo of [await start({}), await start({ devices })]) {
      const context = await browser.newContext({ viewport: { width: 375, height: 812 } })
      const page = await context.newPage()
      await page.goto(`${demo.ip}/`)
      assert.deepEqual(await layoutProblems(page), [], 'logged out')
      await logIn(page, 'Ada Lovelace')
      assert.deepEqual(await layoutProblems(page), [], 'logged in')
      await context.close()
    }
  })

  test('a device logged out from another device is told so, once', async () => {
    const devices = storeCodec({ store: memoryStore(), secrets: SECRET, index: demoIndex })
    const demo = await start({ devices })
    const [mine, other] = await Promise.all([browser.newContext(), browser.newContext()])
    const [here, there] = await Promise.all([mine.newPage(), other.newPage()])
    for (const page of [here, there]) {
      await page.goto(`${demo.ip}/`)
      await logIn(page, 'Grace')
    }
    await here.reload()
    await submit(here, '/logout-others')
    await there.reload()
    assert.equal(
      await there.locator('#ended').textContent(),
      'This device was logged out from another device.',
    )
    assert.equal(await there.locator('#user').count(), 0)
    await there.reload()
    assert.equal(await there.locator('#ended').count(), 0, 'said once')
    await Promise.all([mine.close(), other.close()])
  })

  test('the page has a favicon, asks for nothing that is missing, and says how to see devices', async () => {
    const demo = await start({})
    const context = await browser.newContext()
    const page = await context.newPage()
    const missing: string[] = []
    page.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(`${demo.ip}/`)
    const icon = await page.request.get(`${demo.ip}/favicon.ico`)
    assert.equal(icon.status(), 200)
    assert.equal(icon.headers()['content-type'], 'image/svg+xml')
    assert.equal(icon.headers()['set-cookie'], undefined, 'the icon touches no session')
    assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'), '/favicon.svg')
    assert.match((await page.locator('#codecs').textContent()) ?? '', /DEMO_CODEC=store npm start/)
    assert.deepEqual(missing, [])
    await context.close()
  })
})
