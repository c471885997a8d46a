/** What a person does on the demo page, as Playwright steps with assertions on what they see. */
import assert from 'node:assert/strict'
import type { BrowserContext, Cookie, Page } from 'playwright-core'
import { COOKIE } from './harness.ts'

export async function visits(page: Page): Promise<number> {
  return Number(await page.locator('#visits').textContent())
}

/** The session cookies the browser holds for `base`: the whole one or its chunks, by name. */
export async function sessionCookies(
  context: BrowserContext,
  base: string,
): Promise<Map<string, Cookie>> {
  const cookies = await context.cookies(base)
  return new Map(
    cookies
      .filter((c) => c.name === COOKIE || c.name.startsWith(`${COOKIE}.`))
      .map((c) => [c.name, c]),
  )
}

/** Submits a form of the page and waits until the page it leads to has loaded. */
export async function submit(page: Page, action: string): Promise<void> {
  await Promise.all([
    page.waitForEvent('load'),
    page.locator(`form[action="${action}"] button`).click(),
  ])
}

export async function logIn(page: Page, user: string): Promise<void> {
  await page.locator('input[name="user"]').fill(user)
  await submit(page, '/login')
}

export async function saveNote(page: Page, note: string): Promise<void> {
  await page.locator('textarea[name="note"]').fill(note)
  await submit(page, '/note')
}

/**
 * Log in, see the flash message once, count visits across reloads, log out. Returns the token
 * the browser held while logged in, and the Set-Cookie headers of the logout response.
 */
export async function loginFlow(
  context: BrowserContext,
  base: string,
  user = 'Ada Lovelace',
): Promise<{ token: string; logout: string[] }> {
  const page = await context.newPage()
  await page.goto(`${base}/`)
  assert.equal(await visits(page), 1)
  assert.equal(await page.locator('#notice').count(), 0)
  const anonymous = (await sessionCookies(context, base)).get(COOKIE)?.value
  assert.ok(anonymous, 'the first visit sets the session cookie')

  await logIn(page, user)
  assert.equal(await page.locator('#notice').textContent(), `Welcome, ${user}!`)
  assert.equal(await page.locator('#user').textContent(), user)
  assert.equal(await visits(page), 2)
  const token = (await sessionCookies(context, base)).get(COOKIE)?.value
  assert.ok(token)
  assert.notEqual(token, anonymous, 'logging in issues a fresh token')

  await page.reload()
  assert.equal(await page.locator('#notice').count(), 0, 'the flash message shows once')
  assert.equal(await page.locator('#user').textContent(), user)
  assert.equal(await visits(page), 3)
  await page.reload()
  assert.equal(await visits(page), 4)
  const held = (await sessionCookies(context, base)).get(COOKIE)?.value
  assert.ok(held)

  const logoutResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/logout')
  await submit(page, '/logout')
  const logout = (await (await logoutResponse).headersArray())
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => h.value)
  assert.equal(await page.locator('#user').count(), 0)
  assert.equal(await page.locator('input[name="user"]').count(), 1)
  assert.equal(await visits(page), 1, 'after logout the count starts again')
  assert.doesNotMatch((await page.locator('#session').textContent()) ?? '', /Ada|user/)
  await page.close()
  return { token: held, logout }
}
