import assert from 'node:assert/strict'
import { CODECS, dbscApp } from '../fixtures/dbsc-app.ts'
import {
  DbscBrowser,
  DeviceKeyPair,
  readChallenge,
  readRegistration,
} from '../fixtures/dbsc-client.ts'
import { suite } from '../harness.ts'

const test = suite('device-bound')

const me = async (browser: DbscBrowser) => (await browser.fetch('/me')).json()
const cookieNames = (response: Response) =>
  response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf('=')))

for (const [name, codec] of CODECS) {
  for (const alg of ['ES256', 'RS256'] as const) {
    test(`${name}, ${alg}: a login asks to register, the key's proof binds the session`, async () => {
      const { handler, codec: sessions } = dbscApp(codec)
      const browser = new DbscBrowser(handler, await DeviceKeyPair.generate(alg))
      const login = await browser.fetch('/login', { method: 'POST' })
      const ask = readRegistration(login.headers.get('secure-session-registration'))
      assert.deepEqual(ask?.algorithms, ['ES256', 'RS256'])
      assert.equal(ask?.path, '/dbsc/register')
      assert.deepEqual(await login.json(), { user: 'ada', bound: false })

      const registered = await browser.register(login)
      assert.equal(registered.status, 200)
      assert.equal(registered.headers.get('cache-control'), 'no-store')
      const config = await registered.json()
      assert.equal(config.refresh_url, '/dbsc/refresh')
      assert.deepEqual(config.credentials, [
        {
          type: 'cookie',
          name: '__Host-bound',
          attributes: 'Path=/; Secure; HttpOnly; SameSite=Lax',
        },
      ])
      assert.deepEqual(cookieNames(registered).sort(), ['__Host-bound', 'session'])
      const bound = registered.headers.getSetCookie().find((l) => l.startsWith('__Host-bound='))
      assert.match(bound!, /; Max-Age=300; Path=\/; Secure; HttpOnly; SameSite=Lax$/)
      assert.deepEqual(await me(browser), { user: 'ada', bound: true })

      // The key is bookkeeping beside the data: decoding the token gives the data alone.
      const token = /(?:^|; )session=([^;]+)/.exec(browser.jar)![1]!
      assert.deepEqual(await sessions.decode(token), { user: 'ada' })
    })
  }

  test(`${name}: a refresh answers a challenge with the registered key and renews the bound cookie`, async () => {
    const { handler, time, invalid } = dbscApp(codec)
    const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
    await browser.register(await browser.fetch('/login'))
    time.advance(301)
    assert.deepEqual(await me(browser), { user: null, bound: false }, 'bound cookie expired')
    assert.deepEqual(invalid, ['unbound'])
    const session = /session=[^;]+/.exec(browser.jar)![0]
    assert.ok(browser.jar.includes(session), 'the session token is kept, not cleared')

    const first = await browser.fetch('/dbsc/refresh', {
      method: 'POST',
      headers: { 'sec-secure-session-id': browser.sessionId! },
    })
    assert.equal(first.status, 403)
    assert.equal(
      readChallenge(first.headers.get('secure-session-challenge'))?.id,
      browser.sessionId,
    )
    const refreshed = await browser.refresh()
    assert.equal(refreshed.status, 200)
    assert.deepEqual(cookieNames(refreshed), ['__Host-bound'], 'the token itself is not rewritten')
    assert.equal((await refreshed.json()).session_identifier, browser.sessionId)
    assert.deepEqual(await me(browser), { user: 'ada', bound: true })
  })

  test(`${name}: a stolen session token gives no session once its bound cookie expired`, async () => {
    const { handler, time } = dbscApp(codec)
    const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
    await browser.register(await browser.fetch('/login'))
    const thief = new DbscBrowser(handler, await DeviceKeyPair.generate())
    thief.jar = browser.jar
    thief.sessionId = browser.sessionId
    thief.refreshUrl = browser.refreshUrl
    const tokenOnly = new DbscBrowser(handler, thief.key)
    tokenOnly.jar = /session=[^;]+/.exec(browser.jar)![0]
    assert.deepEqual(await me(tokenOnly), { user: null, bound: false }, 'the token alone')
    assert.deepEqual(await me(thief), { user: 'ada', bound: true }, 'within boundFor')

    time.advance(240)
    assert.equal((await browser.refresh()).status, 200, 'the browser refreshes before expiry')
    time.advance(100)
    assert.deepEqual(await me(thief), { user: null, bound: false })
    assert.deepEqual(await me(browser), { user: 'ada', bound: true })
    // The thief's own key is not the registered one; without a proof there is only a challenge.
    const refused = await thief.refresh()
    assert.equal(refused.status, 401)
    assert.deepEqual(refused.headers.getSetCookie(), [])
    assert.deepEqual(await me(thief), { user: null, bound: false })
  })

  test(`${name}: a logout ends the bound session: the next refresh says continue false`, async () => {
    const { handler } = dbscApp(codec)
    const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
    await browser.register(await browser.fetch('/login'))
    const logout = await browser.fetch('/logout', { method: 'POST' })
    assert.deepEqual(cookieNames(logout).sort(), ['__Host-bound', 'session'])
    assert.ok(logout.headers.getSetCookie().every((line) => /Max-Age=0/.test(line)))
    const refresh = await browser.refresh()
    assert.equal(refresh.status, 200)
    assert.deepEqual(await refresh.json(), {
      session_identifier: browser.sessionId,
      continue: false,
    })
  })
}

test('a refresh signed by another key is refused, and so is a replayed challenge', async () => {
  const { handler, time } = dbscApp()
  const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
  await browser.register(await browser.fetch('/login'))
  const other = await DeviceKeyPair.generate()
  const wrong = await browser.refresh(other)
  assert.equal(wrong.status, 401)
  assert.deepEqual(wrong.headers.getSetCookie(), [])

  const headers = { 'sec-secure-session-id': browser.sessionId! }
  const first = await browser.fetch('/dbsc/refresh', { method: 'POST', headers })
  const { challenge } = readChallenge(first.headers.get('secure-session-challenge'))!
  const proof = await browser.key.proof(challenge, false)
  const answer = { ...headers, 'secure-session-response': proof }
  const used = await browser.fetch('/dbsc/refresh', { method: 'POST', headers: answer })
  assert.equal(used.status, 200)
  const replayed = await browser.fetch('/dbsc/refresh', { method: 'POST', headers: answer })
  assert.equal(replayed.status, 403, 'answered with a new challenge only')
  assert.deepEqual(replayed.headers.getSetCookie(), [])

  const late = await browser.fetch('/dbsc/refresh', { method: 'POST', headers })
  const stale = readChallenge(late.headers.get('secure-session-challenge'))!.challenge
  time.advance(61)
  const expired = await browser.fetch('/dbsc/refresh', {
    method: 'POST',
    headers: { ...headers, 'secure-session-response': await browser.key.proof(stale, false) },
  })
  assert.equal(expired.status, 403)
  assert.deepEqual(expired.headers.getSetCookie(), [])
})

test('a registration is refused for a replayed, expired or foreign challenge and a bad proof', async () => {
  const { handler, time } = dbscApp()
  const key = await DeviceKeyPair.generate()
  const browser = new DbscBrowser(handler, key)
  const login = await browser.fetch('/login')
  const { challenge } = readRegistration(login.headers.get('secure-session-registration'))!
  const post = (proof: string, jar = browser.jar) => {
    const client = new DbscBrowser(handler, key)
    client.jar = jar
    const headers = { 'secure-session-response': proof }
    return client.fetch('/dbsc/register', { method: 'POST', headers })
  }

  // Another login's challenge: tied to that login's token, not this one.
  time.advance(1)
  const otherLogin = await new DbscBrowser(handler, key).fetch('/login')
  const foreign = readRegistration(otherLogin.headers.get('secure-session-registration'))!
  assert.equal((await post(await key.proof(foreign.challenge))).status, 400)
  // A proof whose typ is not dbsc+jwt, or with no key in its header.
  const { SignJWT } = await import('jose')
  const untyped = await new SignJWT({ jti: challenge })
    .setProtectedHeader({ alg: 'ES256', jwk: key.jwk })
    .sign(key.privateKey)
  assert.equal((await post(untyped)).status, 400)
  assert.equal((await post(await key.proof(challenge, false))).status, 400)
  assert.equal((await post('not a jwt')).status, 400)
  // No session at all.
  assert.equal((await post(await key.proof(challenge), '')).status, 400)

  const good = await key.proof(challenge)
  assert.equal((await post(good)).status, 200)
  assert.equal((await post(good)).status, 400, 'once bound, never again with this token')

  const second = await browser.fetch('/login')
  const ask = readRegistration(second.headers.get('secure-session-registration'))!
  time.advance(61)
  assert.equal((await post(await key.proof(ask.challenge))).status, 400, 'expired')
})

test('a browser that never registers keeps a normal session unless the policy refuses it', async () => {
  const allow = dbscApp()
  const firefox = new DbscBrowser(allow.handler, await DeviceKeyPair.generate())
  await firefox.fetch('/login')
  allow.time.advance(3600)
  assert.deepEqual(await me(firefox), { user: 'ada', bound: false })

  const refuse = dbscApp(undefined, { unbound: 'refuse' })
  const safari = new DbscBrowser(refuse.handler, await DeviceKeyPair.generate())
  await safari.fetch('/login')
  assert.deepEqual(await me(safari), { user: null, bound: false })
  assert.deepEqual(refuse.invalid, ['unbound'])
  const chrome = new DbscBrowser(refuse.handler, await DeviceKeyPair.generate())
  await chrome.register(await chrome.fetch('/login'))
  assert.deepEqual(await me(chrome), { user: 'ada', bound: true })
})
