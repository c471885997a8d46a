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

/** Each codec as its README configures it, with the benchmark's secret. */
export const codecs: Record<CodecName, () => CodecBackend> = {
  signedCodec: () => signedCodec({ secrets: SECRET }),
  encryptedCodec: () => encryptedCodec({ secrets: SECRET }),
  jwtCodec: () => jwtCodec({ key: SECRET, algorithms: ['HS256'] }),
  storeCodec: () => storeCodec({ store: memoryStore(), secrets: SECRET }),
}

export const codecNames = Object.keys(codecs) as CodecName[]

export function backends(codec: CodecName): SessionBackends {
  return { codec: codecs[codec](), ...cookie() }
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
