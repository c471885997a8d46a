/**
 * One server of the load run on 127.0.0.1 and a free port, on the runtime that runs this file:
 * `node --import tsx bench/load-server.ts <variant>` (@hono/node-server), `bun bench/load-server.ts
 * <variant>` (Bun.serve), `deno run -A bench/load-server.ts <variant>` (Deno.serve). Prints
 * `LISTENING <port>`; SIGTERM stops it. Variants: bench/load-apps.ts.
 */
import { loadApp } from './load-apps.ts'

interface Runtimes {
  Bun?: { serve(options: object): { port: number; stop(): void } }
  Deno?: {
    args: string[]
    serve(options: object, handler: (request: Request) => Promise<Response>): unknown
  }
}

const { Bun, Deno } = globalThis as Runtimes
const variant = Deno ? Deno.args[0] : process.argv[2]
const app = await loadApp(variant)

if (Bun) {
  const server = Bun.serve({
    fetch: (request: Request) => app(request),
    hostname: '127.0.0.1',
    port: 0,
  })
  console.log(`LISTENING ${server.port}`)
} else if (Deno) {
  Deno.serve(
    {
      hostname: '127.0.0.1',
      port: 0,
      onListen: ({ port }: { port: number }) => console.log(`LISTENING ${port}`),
    },
    (request: Request) => app(request),
  )
} else {
  const { serve } = await import('@hono/node-server')
  const server = serve({ fetch: app, hostname: '127.0.0.1', port: 0 }, (info) => {
    console.log(`LISTENING ${info.port}`)
  })
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}
