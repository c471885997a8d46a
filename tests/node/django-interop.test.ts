/**
 * djangoCodec against the real Django 3.2: both sign and open the same signed_cookies sessions,
 * and a Django project (its own runserver) shares one `sessionid` cookie with a fetch-session app
 * over real HTTP. Needs /usr/bin/python3 with django; in CI its absence fails the run.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { loadPayload } from '../../src/codecs/itsdangerous.ts'
import { type DecodedSession, DecodeError, djangoCodec, type SessionData } from '../../src/index.ts'
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

const missing = pythonMissing('django')
const SECRET = 'a shared Django SECRET_KEY'
const OLD_SECRET = 'the SECRET_KEY before rotation'
const T = 1767225600

const PAYLOADS: SessionData[] = [
  {},
  { _auth_user_id: '7', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' },
  { name: 'Zoë', city: '東京', emoji: '😀🎉', rtl: 'שלום', ctl: '\u007f\u0001"\\' },
  { f: [0.1, -0.5, 1.5e-7, 1e16, 1e21, 5e-324], i: [0, -1, 9007199254740991], n: null },
  { cart: Array.from({ length: 40 }, (_, n) => ({ sku: `sku-${n}`, qty: n % 7 })) },
]

describe('djangoCodec and the real django.core.signing', { skip: missing }, () => {
  let python: JsonLinesTool
  before(() => {
    python = jsonLinesTool(PYTHON, `${INTEROP}django_tool.py`)
  })
  after(() => python.stop())

  test('both sign every payload alike, SHA-256 and SHA-1; compressed ones carry the same JSON', async () => {
    for (const algorithm of ['sha256', 'sha1'] as const) {
      for (const time of [0, 61, T]) {
        for (const data of PAYLOADS) {
          const codec = djangoCodec({ secretKey: SECRET, algorithm, now: () => time * 1000 })
          const theirs = String(
            (await python.ask({ op: 'sign', secret_key: SECRET, algorithm, timestamp: time, data }))
              .token,
          )
          const mine = await codec.encode(data)
          if (theirs.startsWith('.')) {
            const json = async (token: string) =>
              fromUtf8(await loadPayload(token.slice(0, token.indexOf(':'))))
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
    }
  })

  test('both judge alike at the max-age boundary, to the millisecond', async () => {
    const token = await djangoCodec({ secretKey: SECRET, now: () => T * 1000 }).encode({ a: 1 })
    for (const maxAge of [0, 1, 60]) {
      for (const offset of [0, 0.5, 1, 59, 59.999, 60, 60.001, 61]) {
        const now = T + offset
        const theirs = await python.ask({
          op: 'open',
          secret_key: SECRET,
          token,
          max_age: maxAge,
          now,
        })
        let ours = 'ok'
        await djangoCodec({ secretKey: SECRET, maxAge, now: () => Math.round(now * 1000) })
          .decode(token)
          .catch((error: DecodeError) => {
            ours = error.reason
          })
        assert.equal(ours, theirs.ok ? 'ok' : 'expired', `maxAge ${maxAge} age ${offset}`)
      }
    }
    // Django itself never checks a future timestamp; by default we refuse one a second ahead, as
    // itsdangerous does, and accept what clockTolerance allows when it is set.
    const later = djangoCodec({ secretKey: SECRET, now: () => (T - 1) * 1000 })
    await assert.rejects(
      later.decode(token),
      (e: unknown) => e instanceof DecodeError && e.reason === 'future',
    )
    const tolerant = djangoCodec({
      secretKey: SECRET,
      now: () => (T - 5) * 1000,
      clockTolerance: 5,
    })
    assert.deepEqual(await tolerant.decode(token), { a: 1 })
  })

  test('rotation and the SHA-1 transition: old secret or SHA-1 is read, then re-issued', async () => {
    const ours = djangoCodec({
      secretKey: [SECRET, OLD_SECRET],
      legacySha1: true,
      now: () => T * 1000,
    })
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
    const sha1 = await python.ask({
      op: 'sign',
      secret_key: SECRET,
      algorithm: 'sha1',
      timestamp: T,
      data: { u: 3 },
    })
    assert.deepEqual(pick(await ours.decodeSession(String(sha1.token))), {
      data: { u: 3 },
      renew: true,
    })
    const strict = djangoCodec({ secretKey: SECRET, now: () => T * 1000 })
    await assert.rejects(strict.decode(String(sha1.token)), DecodeError, 'SHA-1 is off by default')
    const current = await python.ask({
      op: 'sign',
      secret_key: SECRET,
      timestamp: T,
      data: { u: 1 },
    })
    assert.deepEqual(pick(await ours.decodeSession(String(current.token))), {
      data: { u: 1 },
      renew: false,
    })
  })
})

describe('a Django project and a fetch-session app share one session over HTTP', {
  skip: missing,
}, () => {
  let django: PythonService
  let ours = { origin: '', stop: () => {} }
  before(async () => {
    django = await startPythonApp('django_app.py', { SECRET_KEY: SECRET })
    ours = await sessionServer(djangoCodec({ secretKey: [SECRET, OLD_SECRET] }), 'sessionid')
  })
  after(async () => {
    ours.stop()
    await django?.stop()
  })

  test('set by Django, read and changed here, read there, cleared here', async () => {
    const jar = new Jar('sessionid')
    const data = { _auth_user_id: '7', name: 'zoë', cart: ['東京', 1.5] }
    assert.deepEqual(await jar.call(`${django.origin}/session`, data), data)
    assert.deepEqual(await jar.call(`${ours.origin}/session`), data)
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { visits: 2 }), {
      ...data,
      visits: 2,
    })
    assert.deepEqual(await jar.call(`${django.origin}/session`), { ...data, visits: 2 })
    assert.deepEqual(await jar.call(`${ours.origin}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await jar.call(`${django.origin}/session`), {})
  })

  test('set here, read and changed by Django, read here, flushed by Django', async () => {
    const jar = new Jar('sessionid')
    const big = 'x'.repeat(500)
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { user: 'ana', big }), {
      user: 'ana',
      big,
    })
    assert.ok(jar.value?.startsWith('.'), 'compressed, as signed_cookies compresses')
    assert.deepEqual(await jar.call(`${django.origin}/session`, { big: null, role: 'admin' }), {
      user: 'ana',
      role: 'admin',
    })
    assert.deepEqual(await jar.call(`${ours.origin}/session`), { user: 'ana', role: 'admin' })
    assert.deepEqual(await jar.call(`${django.origin}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await jar.call(`${ours.origin}/session`), {})
  })

  test('rotation: a cookie under the old key is read here and re-signed for Django', async () => {
    const jar = new Jar('sessionid')
    jar.value = await djangoCodec({ secretKey: OLD_SECRET }).encode({ user: 'ana' })
    const stale = new Jar('sessionid')
    stale.value = jar.value
    assert.deepEqual(await stale.call(`${django.origin}/session`), {})
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { step: 2 }), {
      user: 'ana',
      step: 2,
    })
    assert.deepEqual(await jar.call(`${django.origin}/session`), { user: 'ana', step: 2 })
  })
})

/** What a decoded session says to withSession, without the codec's own state. */
function pick({ data, renew }: DecodedSession): Pick<DecodedSession, 'data' | 'renew'> {
  return { data, renew }
}
