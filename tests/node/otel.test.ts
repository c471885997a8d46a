/**
 * fetch-session/otel on Node, Bun and Deno: tests/fixtures/otel-program.ts runs on each, and its
 * spans and metrics are read back from the SDK's in-memory exporters.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { bin } from '../fixtures/frameworks.ts'
import { skipUnless } from '../fixtures/requirements.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const PROGRAM = 'tests/fixtures/otel-program.ts'

interface Exported {
  status: number
  spans: { name: string; kind: number; status: number; attributes: Record<string, unknown> }[]
  metrics: Record<string, { attributes: Record<string, unknown>; value: unknown }[]>
}

const runtimes = [
  { name: 'node', command: process.execPath, args: ['--import', 'tsx', PROGRAM] },
  { name: 'bun', command: bin('bun'), args: [PROGRAM] },
  { name: 'deno', command: bin('deno'), args: ['run', '-A', PROGRAM] },
]

const value = (exported: Exported, metric: string, key: string, label: unknown) =>
  exported.metrics[metric]?.find((point) => point.attributes[key] === label)?.value

for (const runtime of runtimes) {
  const skip = skipUnless(existsSync(runtime.command), runtime.name, 'npm run install:tests')
  test(`otelEvents on ${runtime.name}: a span per store call, latency, invalid tokens, 503s and cache hits`, {
    skip,
  }, () => {
    const result = spawnSync(runtime.command, runtime.args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      timeout: 120_000,
    })
    assert.equal(result.status, 0, result.stderr)
    const exported = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Exported
    assert.equal(exported.status, 503)
    assert.deepEqual(
      exported.spans.map((span) => [span.name, span.attributes['session.store.outcome']]),
      [
        ['session.store set', 'ok'],
        ['session.store get', 'ok'],
        ['session.store patch', 'ok'],
        ['session.store set', 'ok'],
        ['session.store get', 'error'],
      ],
    )
    assert.ok(
      exported.spans.every((span) => span.kind === 2),
      'client spans',
    )
    assert.equal(exported.spans.at(-1)!.status, 2, 'the failed call is an error span')
    assert.match(String(exported.spans[2]!.attributes['session.handle']), /^[\w-]{16}$/)
    const latency = exported.metrics['session.store.duration']!
    assert.equal(
      latency.reduce((sum, point) => sum + (point.value as { count: number }).count, 0),
      5,
    )
    assert.equal(value(exported, 'session.invalid', 'session.invalid.reason', 'malformed'), 1)
    assert.equal(value(exported, 'session.store.failures', 'http.response.status_code', 503), 1)
    assert.equal(value(exported, 'session.cache.lookups', 'session.cache.result', 'hit'), 1)
    assert.equal(value(exported, 'session.cache.lookups', 'session.cache.result', 'miss'), 2)
    assert.equal(value(exported, 'session.lifecycle', 'session.event', 'created'), 2)
  })
}
