/** The servers of the load run, the pages each serves, and starting and stopping them. */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { READ_LABELS } from './load-read.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
// Bun and Deno come with the tests' own install (npm run install:tests).
const bin = (name: string) =>
  [`${root}node_modules/.bin/${name}`, `${root}tests/node_modules/.bin/${name}`].find((path) =>
    existsSync(path),
  ) ?? name

export interface Server {
  name: string
  /** The binary whose absence leaves the server out. */
  binary: string
  command: (variant: string) => [string, string[]]
  pages: string[]
}

const node =
  (file: string) =>
  (variant: string): [string, string[]] => [process.execPath, ['--import', 'tsx', file, variant]]
export const ALL_SERVERS: Server[] = [
  {
    name: '@hono/node-server',
    binary: process.execPath,
    command: node('bench/load-server.ts'),
    pages: [
      'bare',
      'hmac',
      'hmac-node',
      'signed',
      'signed-webcrypto',
      'signed-cache',
      'signed-context',
      'hono-hmac-node',
      'hono',
      'store',
      'store-redis',
      ...Object.keys(READ_LABELS),
    ],
  },
  {
    name: 'Bun.serve',
    binary: bin('bun'),
    command: (variant) => [bin('bun'), ['bench/load-server.ts', variant]],
    pages: ['bare', 'hmac', 'hmac-node', 'signed', 'signed-webcrypto'],
  },
  {
    name: 'Deno.serve',
    binary: bin('deno'),
    command: (variant) => [bin('deno'), ['run', '-A', 'bench/load-server.ts', variant]],
    pages: ['bare', 'hmac', 'hmac-node', 'signed', 'signed-webcrypto'],
  },
  {
    name: 'workerd',
    binary: bin('workerd'),
    command: (variant) =>
      variant === 'store-do'
        ? [process.execPath, ['--import', 'tsx', 'bench/load-server-do.ts']]
        : node('bench/load-server-workerd.ts')(variant),
    pages: ['bare', 'hmac', 'signed', 'store-do'],
  },
]
export const LABELS: Record<string, string> = {
  bare: 'bare page, no session',
  hmac: 'hand-written HMAC cookie (WebCrypto)',
  'hmac-node': 'hand-written HMAC cookie (node:crypto)',
  signed: 'signedCodec, no cache',
  'signed-webcrypto': 'signedCodec, WebCrypto forced, no cache',
  'signed-cache': 'signedCodec, cache on',
  'signed-context': 'signedCodec, no cache, async context on',
  'hono-hmac-node': 'Hono + hand-written node:crypto middleware',
  hono: 'Hono session() middleware, no cache',
  store: 'storeCodec + memoryStore, no cache',
  'store-redis': 'storeCodec + redisStore, no cache',
  'store-do': 'storeCodec + durableObjectStore',
  ...READ_LABELS,
}
/** The pages every ratio is taken against: they always run. */
export const BASES = ['bare', 'hmac', 'hmac-node', 'hono-hmac-node', 'read-signed']
/**
 * The page a page is compared with in the first ratio column: the hand-written node:crypto page,
 * its Hono twin for Hono pages, and signedCodec's read-heavy page for the read-heavy rows.
 */
export const nativeBase = (page: string) =>
  page.startsWith('hono')
    ? 'hono-hmac-node'
    : page.startsWith('read-') && page !== 'read-signed'
      ? 'read-signed'
      : 'hmac-node'
export async function start(
  server: Server,
  variant: string,
): Promise<{ child: ChildProcess; port: number }> {
  const [command, args] = server.command(variant)
  const child = spawn(command, args, {
    cwd: root,
    // A server's own log is left out (a failing store logs every request); non-2xx count it.
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', DENO_NO_UPDATE_CHECK: '1' },
  })
  let output = ''
  for await (const chunk of child.stdout!) {
    output += chunk
    const port = /LISTENING (\d+)/.exec(output)?.[1]
    if (port !== undefined) return { child, port: Number(port) }
  }
  throw new Error(`${server.name} did not start ${variant}`)
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}
