/**
 * The benchmark's cases run and behave (correctness only, no timing): every handler answers 200,
 * the write path sends Set-Cookie, and fetch-session's unchanged path sends none.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Case, honoCases, plainCases } from '../../bench/cases.ts'
import { chart } from '../../bench/chart.ts'
import { probe } from '../../bench/measure.ts'

async function check(cases: Case[]): Promise<void> {
  assert.ok(cases.length > 0)
  for (const item of cases) {
    const result = await probe(item)
    assert.equal(result.status, 200, `${item.name} answers 200`)
    if (item.path === 'write') assert.ok(result.setCookie, `${item.name} sends Set-Cookie`)
    if (item.group === 'fetch-session' && item.path !== 'write') {
      assert.equal(result.setCookie, false, `${item.name} sends no Set-Cookie`)
    }
    if (item.group === 'fetch-session' && item.path !== 'none') {
      // node:crypto and the verified-token cache leave WebCrypto out: at most one decode.
      const decodes = (result.calls.verify ?? 0) + (result.calls.decrypt ?? 0)
      assert.ok(decodes <= 1, `${item.name} decodes its cookie at most once`)
      assert.equal(result.calls.importKey ?? 0, 0, `${item.name} imports no key per request`)
    }
  }
}

test('every case of the Hono benchmark answers, writes on the write path only', async () => {
  const cases = await honoCases()
  await check(cases)
  const labels = new Set(cases.map((item) => item.label))
  for (const peer of ['@hono/session', 'hono-sessions', 'iron-session', '@remix-run/session']) {
    assert.ok(labels.has(peer), `${peer} is benchmarked`)
  }
})

test('every case of the runtime benchmark answers, writes on the write path only', async () => {
  await check(await plainCases())
})

test('every read case, peers included, reads the session its write path issued', async () => {
  const cases = [...(await honoCases()), ...(await plainCases())]
  for (const item of cases.filter((c) => c.path === 'read')) {
    // The cookie was issued by one visit of the write path: the read path sees count 1.
    assert.equal(await (await item.send()).text(), '1', `${item.name} reads the issued session`)
  }
})

test('the chart has one bar per row and escapes labels', () => {
  const svg = chart(
    [
      { label: 'bare', group: 'bare', us: 2, note: '' },
      { label: 'a <b> & c', group: 'peer', us: 7.5, note: '3.75× bare' },
    ],
    'title',
  )
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  assert.equal((svg.match(/<rect x="250"/g) ?? []).length, 2)
  assert.ok(svg.includes('a &lt;b&gt; &amp; c'))
})
