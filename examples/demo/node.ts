/**
 * `npm start`: the demo app on Node, at http://localhost:8787 (or $PORT). DEMO_CODEC=encrypted or
 * DEMO_CODEC=store shows the same app with encryptedCodec or server-side sessions in memory.
 * DEMO_DEVICE_BOUND=1 binds sessions to the browser's key (DBSC) when the demo is served over
 * HTTPS (behind a TLS proxy): Chromium ignores DBSC on http://localhost, so it is off by default.
 */
import { serve } from '@hono/node-server'
import { encryptedCodec, memoryStore, storeCodec } from '../../src/index.ts'
import { type DemoOptions, demoApp } from './app.ts'
import { demoIndex } from './devices.ts'

function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
}

let secret = process.env.SESSION_SECRET
if (!secret) {
  secret = randomSecret()
  console.log('SESSION_SECRET is not set: using a development secret for this run only.')
}

const codecs: Record<string, () => Partial<DemoOptions>> = {
  signed: () => ({}),
  encrypted: () => ({
    codec: encryptedCodec({ secrets: secret, idleTimeout: 3600 }),
    codecLabel: 'encrypted with AES-256-GCM (a JWE)',
  }),
  store: () => ({
    devices: storeCodec({
      store: memoryStore(),
      secrets: secret,
      idleTimeout: 3600,
      index: demoIndex,
    }),
    codecLabel: 'an opaque id; the data stays in server memory',
  }),
}
const choice = codecs[process.env.DEMO_CODEC ?? 'signed']
if (!choice) {
  console.error(`DEMO_CODEC must be one of: ${Object.keys(codecs).join(', ')}`)
  process.exit(1)
}

const port = Number(process.env.PORT ?? 8787)
const hostname = process.env.HOST ?? 'localhost'

// The binding has its own secret: DEVICE_BOUND_SECRET, or one for this run only.
const deviceBound =
  process.env.DEMO_DEVICE_BOUND === '1'
    ? { secrets: process.env.DEVICE_BOUND_SECRET || randomSecret() }
    : undefined
const app = demoApp({ secret, deviceBound, ...choice() })
const server = serve({ fetch: app, port, hostname }, (info) => {
  console.log(
    `fetch-session demo on http://${hostname === '127.0.0.1' ? '127.0.0.1' : 'localhost'}:${info.port}`,
  )
})
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => server.close(() => process.exit(0)))
