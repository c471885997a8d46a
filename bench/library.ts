/**
 * fetch-session under test: one backend set per codec, and the plain `withSession` handlers the
 * runtime comparison uses. Portable: runs on Node, Bun and Deno.
 */
import {
  type CodecBackend,
  cookie,
  encryptedCodec,
  getSession,
  jwtCodec,
  memoryStore,
  type Session,
  type SessionBackends,
  signedCodec,
  storeCodec,
  withSession,
} from '../src/index.ts'
import { type Handler, SECRET } from './floors.ts'

export type CodecName = 'signedCodec' | 'encryptedCodec' | 'jwtCodec' | 'storeCodec'

/** How a case configures its codec: the defaults, or the cache off, or WebCrypto forced. */
export interface Variant {
  cache?: false
  webCrypto?: boolean
}

/** Each codec as its README configures it, with the benchmark's secret. */
export const codecs: Record<CodecName, (variant?: Variant) => CodecBackend> = {
  signedCodec: (v = {}) => signedCodec({ secrets: SECRET, ...v }),
  encryptedCodec: ({ cache } = {}) => encryptedCodec({ secrets: SECRET, cache }),
  jwtCodec: ({ cache } = {}) => jwtCodec({ key: SECRET, algorithms: ['HS256'], cache }),
  storeCodec: (v = {}) => storeCodec({ store: memoryStore(), secrets: SECRET, ...v }),
}

export const codecNames = Object.keys(codecs) as CodecName[]

export function backends(codec: CodecName, variant?: Variant): SessionBackends {
  return { codec: codecs[codec](variant), ...cookie() }
}

/** Tokens no codec instance of a case has seen: each request of a cache-miss case sends the next. */
export async function freshTokens(count: number): Promise<string[]> {
  const issuer = signedCodec({ secrets: SECRET, cache: false })
  return Promise.all(Array.from({ length: count }, (_, i) => issuer.encode({ count: 1, n: i })))
}

type Counter = { count: number }

/** The work every session case does: read the counter, and on the write path add one. */
export function visit(session: Session<Counter>, write: boolean): string {
  if (write) session.set('count', (session.get('count') ?? 0) + 1)
  return String(session.get('count') ?? 0)
}

/**
 * A plain `withSession` handler; `untouched` never asks for the session. The read and write
 * handlers of one codec must share one backend set: storeCodec's sessions live in its store.
 */
export function sessionHandler(
  set: SessionBackends,
  mode: 'untouched' | 'read' | 'write',
): Handler {
  return withSession(async (request: Request) => {
    if (mode === 'untouched') return new Response('ok')
    return new Response(visit(await getSession<Counter>(request), mode === 'write'))
  }, set)
}
