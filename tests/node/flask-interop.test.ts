/**
 * flaskCodec against the real Flask 2.2 (and its itsdangerous): both sign and open the same
 * cookies, and a Flask app (werkzeug's server) shares one session cookie with a fetch-session app
 * over real HTTP. Needs /usr/bin/python3 with flask; in CI its absence fails the run.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { loadPayload } from '../../src/codecs/itsdangerous.ts'
import { type DecodedSession, DecodeError, flaskCodec, type SessionData } from '../../src/index.ts'
import { fromUtf8 } from '../../src/lib/base64url.ts'
import { type JsonLinesTool, jsonLinesTool } from '../fixtures/interop/json-lines.ts'
import { Jar, sessionServer } from '../fixtures/interop-http.ts'
import {
  INTEROP,
  PYTHON,
  type PythonService,
  pythonMissing,
  startPythonApp,
} from '../fixtures/python-service.ts'

const missing = pythonMissing('flask, itsdangerous, markupsafe')
const SECRET = 'a shared Flask SECRET_KEY'
const OLD_SECRET = 'the SECRET_KEY before rotation'
const T = 1767225600

const PAYLOADS: SessionData[] = [
  {},
  { user_id: 7, _fresh: true, _permanent: true },
  { name: 'Zoë', city: '東京', emoji: '😀🎉', z: 1, A: 2, '\uffff': 3, '😀': 4 },
  { f: [0.1, -0.5, 1.5e-7, 1e16, 1e21, 5e-324], i: [0, -1, 9007199254740991] },
  {
    when: { $datetime: '2026-01-02T03:04:05Z' },
    id: { $uuid: '12345678-1234-5678-1234-567812345678' },
  },
  { pair: { $tuple: [1, 'two', { $bytes: 'AAEC/w==' }] }, html: { $markup: '<b>hi</b>' } },
  { tricky: { ' t': [1] }, escaped: { $dict: { $uuid: 'not a uuid' } }, di: { ' di': { a: 1 } } },
  { cart: Array.from({ length: 40 }, (_, n) => ({ sku: `sku-${n}`, qty: n % 7 })) },
]

describe('flaskCodec and the real Flask serializer', { skip: missing }, () => {
  let python: JsonLinesTool
  before(() => {
    python = jsonLinesTool(PYTHON, `${INTEROP}flask_tool.py`)
  })
  after(() => python.stop())

  test('both sign every payload alike; compressed ones carry the same JSON', async () => {
    for (const time of [0, 255, 256, T]) {
      for (const data of PAYLOADS) {
        const codec = flaskCodec({
          secretKey: SECRET,
          trustedMarkup: ['html'],
          now: () => time * 1000,
        })
        const theirs = String(
          (await python.ask({ op: 'sign', secret_key: SECRET, timestamp: time, data })).token,
        )
        const mine = await codec.encode(data)
        if (theirs.startsWith('.')) {
          // zlib streams may differ from CPython's byte for byte; the JSON inside may not.
          const json = async (token: string) =>
            fromUtf8(await loadPayload(token.slice(0, token.indexOf('.', 1))))
          assert.equal(await json(mine), await json(theirs))
        } else assert.equal(mine, theirs, JSON.stringify(data))
        assert.deepEqual(await codec.decode(theirs), data)
        const opened = await python.ask({
          op: 'open',
          secret_key: SECRET,
          token: mine,
          max_age: 60,
          now: time,
        })
        assert.deepEqual(opened, { ok: true, data })
      }
    }
  })

  test('{ $markup } under a key not in trustedMarkup is signed as Flask signs a dict, and opens as one', async () => {
    const dict = { note: { $dict: { $markup: '<script>alert(1)</script>' } } }
    const mine = await flaskCodec({ secretKey: SECRET, now: () => T * 1000 }).encode({
      note: { $markup: '<script>alert(1)</script>' },
    })
    const theirs = await python.ask({ op: 'sign', secret_key: SECRET, timestamp: T, data: dict })
    assert.equal(mine, theirs.token)
    const opened = await python.ask({
      op: 'open',
      secret_key: SECRET,
      token: mine,
      max_age: 60,
      now: T,
    })
    assert.deepEqual(opened, { ok: true, data: dict })
  })

  test('with default options both judge alike at the max-age boundary, future timestamps included', async () => {
    const token = await flaskCodec({ secretKey: SECRET, now: () => T * 1000 }).encode({ a: 1 })
    for (const maxAge of [0, 1, 60]) {
      for (const offset of [-6, -1, 0, 1, 59, 60, 61]) {
        const now = T + offset
        const theirs = await python.ask({
          op: 'open',
          secret_key: SECRET,
          token,
          max_age: maxAge,
          now,
        })
        let ours = 'ok'
        await flaskCodec({ secretKey: SECRET, maxAge, now: () => now * 1000 })
          .decode(token)
          .catch((error: DecodeError) => {
            ours = error.reason
          })
        const expected = theirs.ok ? 'ok' : offset < 0 ? 'future' : 'expired'
        assert.equal(ours, expected, `maxAge ${maxAge} age ${offset}`)
      }
    }
    // A tolerance only when asked for: then 5 s ahead is accepted.
    const early = flaskCodec({ secretKey: SECRET, now: () => (T - 5) * 1000, clockTolerance: 5 })
    assert.deepEqual(await early.decode(token), { a: 1 })
  })

  test('rotation: [new, old] reads what Flask signed with either and signs with the new', async () => {
    const ours = flaskCodec({ secretKey: [SECRET, OLD_SECRET], now: () => T * 1000 })
    const old = await python.ask({
      op: 'sign',
      secret_key: OLD_SECRET,
      timestamp: T,
      data: { u: 2 },
    })
    assert.deepEqual(pick(await ours.decodeSession(String(old.token))), {
      data: { u: 2 },
      renew: true,
    })
    const signed = await python.ask({
      op: 'sign',
      secret_key: SECRET,
      fallbacks: [OLD_SECRET],
      timestamp: T,
      data: { u: 1 },
    })
    assert.equal(await ours.encode({ u: 1 }), signed.token)
    await assert.rejects(
      flaskCodec({ secretKey: OLD_SECRET, now: () => T * 1000 }).decode(String(signed.token)),
      DecodeError,
    )
  })
})

describe('a Flask app and a fetch-session app share one session over HTTP', {
  skip: missing,
}, () => {
  let flask: PythonService
  let ours = { origin: '', stop: () => {} }
  let strict = { origin: '', stop: () => {} }
  before(async () => {
    flask = await startPythonApp('flask_app.py', { SECRET_KEY: SECRET })
    const codec = flaskCodec({ secretKey: [SECRET, OLD_SECRET], trustedMarkup: ['note'] })
    ours = await sessionServer(codec, 'session')
    strict = await sessionServer(flaskCodec({ secretKey: SECRET }), 'session')
  })
  after(async () => {
    ours.stop()
    strict.stop()
    await flask?.stop()
  })

  test('HTML a user shaped stays a dict: Jinja escapes it; Markup only under trustedMarkup', async () => {
    const script = '<script>alert(document.cookie)</script>'
    const page = async (jar: Jar) =>
      (await fetch(`${flask.origin}/page?key=note`, { headers: jar.header })).text()
    const jar = new Jar('session')
    await jar.call(`${strict.origin}/session`, { note: { $markup: script } })
    assert.deepEqual(await jar.call(`${flask.origin}/session`), {
      note: { $dict: { $markup: script } },
    })
    const html = await page(jar)
    assert.doesNotMatch(html, /<script>/)
    assert.match(html, /&lt;script&gt;alert\(document.cookie\)&lt;\/script&gt;/)
    // Flask's own Markup is read as { $markup }; the app that names the key keeps it Markup.
    const trusted = new Jar('session')
    await trusted.call(`${flask.origin}/session`, { note: { $markup: '<b>Saved</b>' } })
    assert.deepEqual(await trusted.call(`${strict.origin}/session`), {
      note: { $markup: '<b>Saved</b>' },
    })
    await trusted.call(`${ours.origin}/session`, { visits: 1 })
    assert.equal(await page(trusted), '<p><b>Saved</b></p>')
  })

  test('set by Flask, read and changed here, read there, cleared here', async () => {
    const jar = new Jar('session')
    const data = {
      user: 'zoë',
      since: { $datetime: '2026-01-02T03:04:05Z' },
      pair: { $tuple: [1, { $bytes: 'AAEC' }] },
      id: { $uuid: '12345678-1234-5678-1234-567812345678' },
      note: { $markup: '<i>x</i>' },
    }
    assert.deepEqual(await jar.call(`${flask.origin}/session`, data), data)
    assert.deepEqual(await jar.call(`${ours.origin}/session`), data)
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { visits: 2 }), {
      ...data,
      visits: 2,
    })
    assert.deepEqual(await jar.call(`${flask.origin}/session`), { ...data, visits: 2 })
    assert.deepEqual(await jar.call(`${ours.origin}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await jar.call(`${flask.origin}/session`), {})
  })

  test('set here, read and changed by Flask, read here, cleared by Flask', async () => {
    const jar = new Jar('session')
    assert.deepEqual(
      await jar.call(`${ours.origin}/session`, { user: 'ana', big: 'x'.repeat(500) }),
      {
        user: 'ana',
        big: 'x'.repeat(500),
      },
    )
    assert.ok(jar.value?.startsWith('.'), 'compressed, as Flask compresses')
    assert.deepEqual(await jar.call(`${flask.origin}/session`, { big: null, role: 'admin' }), {
      user: 'ana',
      role: 'admin',
    })
    assert.deepEqual(await jar.call(`${ours.origin}/session`), { user: 'ana', role: 'admin' })
    assert.deepEqual(await jar.call(`${flask.origin}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await jar.call(`${ours.origin}/session`), {})
  })

  test('rotation: a cookie under the old key is read here and re-signed for Flask', async () => {
    const jar = new Jar('session')
    jar.value = await flaskCodec({ secretKey: OLD_SECRET }).encode({ user: 'ana' })
    const stale = new Jar('session')
    stale.value = jar.value
    assert.deepEqual(await stale.call(`${flask.origin}/session`), {})
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { step: 2 }), {
      user: 'ana',
      step: 2,
    })
    assert.deepEqual(await jar.call(`${flask.origin}/session`), { user: 'ana', step: 2 })
  })
})

/** What a decoded session says to withSession, without the codec's own state. */
function pick({ data, renew }: DecodedSession): Pick<DecodedSession, 'data' | 'renew'> {
  return { data, renew }
}
