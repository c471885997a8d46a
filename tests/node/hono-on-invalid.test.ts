/** The Hono adapter's onInvalid Response behind a real server (@hono/node-server). */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { serve } from '@hono/node-server'
import { foreignCookie, invalidApp, quietly } from '../suite/adapters/hono-on-invalid.ts'

test('behind @hono/node-server, a bad token gets the onInvalid 401 and nothing is logged', async () => {
  const app = invalidApp()
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const { port } = server.address() as AddressInfo
  const jar = await foreignCookie()
  try {
    const logged = await quietly(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/me`, { headers: { cookie: jar } })
      assert.equal(response.status, 401)
      assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
      assert.equal(await response.text(), 'invalid session')
      const fine = await fetch(`http://127.0.0.1:${port}/me`)
      assert.equal(await fine.text(), 'user guest')
    })
    assert.deepEqual(logged, [])
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})
