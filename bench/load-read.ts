/**
 * The read-heavy page of the load run: nine reads per write. Each tenth request (counted per
 * server) sets the visit count; the other nine only read the session. The same page over
 * signedCodec (the base of these rows' ratios), storeCodec + memoryStore with and without
 * `snapshot`, and (bench/load-server.ts, on Node) storeCodec + redisStore with `snapshot`.
 */
import type { SessionCodec } from '../src/index.ts'
import {
  cookie,
  getSession,
  memoryStore,
  type SessionStore,
  signedCodec,
  storeCodec,
  withSession,
} from '../src/index.ts'
import { SECRET } from './floors.ts'

type Handler = (request: Request) => Promise<Response>

/** Seconds a snapshot answers reads: longer than a run, so every read inside it skips the store. */
export const READ_SNAPSHOT = 300

/** The page over `codec`: a write on every tenth request, a read on the others. */
export function readHeavyPage(codec: SessionCodec): Handler {
  let requests = 0
  return withSession(
    async (request: Request) => {
      const session = await getSession<{ visits: number }>(request)
      const visits = session.get('visits') ?? 0
      if (requests++ % 10 === 0) session.set('visits', visits + 1)
      return new Response(`<!doctype html><title>visits</title><p id="visits">${visits}</p>`, {
        headers: { 'content-type': 'text/html; charset=utf-8' },
      })
    },
    { codec, ...cookie() },
  )
}

/** storeCodec over `store` as every read row configures it: no token cache, as signedCodec's. */
export const readStoreCodec = (store: SessionStore, snapshot: boolean): SessionCodec =>
  storeCodec({
    store,
    secrets: SECRET,
    idleTimeout: 3600,
    cache: false,
    ...(snapshot ? { snapshot: READ_SNAPSHOT } : {}),
  })

export const readApps: Record<string, () => Promise<Handler>> = {
  'read-signed': async () =>
    readHeavyPage(signedCodec({ secrets: SECRET, idleTimeout: 3600, cache: false })),
  'read-store': async () => readHeavyPage(readStoreCodec(memoryStore(), false)),
  'read-store-snapshot': async () => readHeavyPage(readStoreCodec(memoryStore(), true)),
}

export const READ_LABELS: Record<string, string> = {
  'read-signed': '9 reads : 1 write, signedCodec, no cache',
  'read-store': '9 reads : 1 write, storeCodec + memoryStore',
  'read-store-snapshot': '9 reads : 1 write, storeCodec + memoryStore, snapshot',
  'read-redis-snapshot': '9 reads : 1 write, storeCodec + redisStore, snapshot',
}
