/** The demo app as a Worker, its sessions in Durable Objects: the load run's workerd target. */
import { demoApp } from '../examples/demo/app.ts'
import { type DurableObjectNamespaceLike, durableObjectStore, storeCodec } from '../src/index.ts'

export { SessionObject } from '../src/index.ts'

const SECRET = 'a-load-run-secret-of-at-least-32-bytes'
let app: ((request: Request) => Promise<Response>) | undefined

export default {
  fetch(request: Request, env: { SESSIONS: DurableObjectNamespaceLike }): Promise<Response> {
    app ??= demoApp({
      secret: SECRET,
      codec: storeCodec({
        store: durableObjectStore(env.SESSIONS),
        secrets: SECRET,
        idleTimeout: 3600,
      }),
    })
    return app(request)
  },
}
