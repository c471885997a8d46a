/** Presents a token to a wrapped handler and reports what came of it; keeps all it saw. */
import type {
  CodecBackend,
  DecodeErrorReason,
  SessionData,
  SessionOptions,
} from '../../src/index.ts'
import { cookie, getSession, withSession } from '../../src/index.ts'

/** Everything a probe saw, so the leak scan can look through all of it. */
export const seen: { errors: unknown[]; bodies: string[]; tokens: Set<string> } = {
  errors: [],
  bodies: [],
  tokens: new Set(),
}

export interface Outcome {
  data: SessionData
  isNew: boolean
  reasons: DecodeErrorReason[]
  response: Response
}

/**
 * Presents `token` in cookie `session` to a handler that reads the session and answers with its
 * data as JSON; `change` lets the handler write before it answers.
 */
export async function probe(
  codec: CodecBackend,
  token: string | undefined,
  options: SessionOptions & {
    change?: (data: Record<string, unknown>) => void
    cookieHeader?: string
  } = {},
): Promise<Outcome> {
  const reasons: DecodeErrorReason[] = []
  let isNew = true
  const handler = withSession(
    async (request: Request) => {
      const session = await getSession(request)
      isNew = session.isNew
      if (options.change) {
        const data: Record<string, unknown> = {}
        options.change(data)
        for (const [key, value] of Object.entries(data)) session.set(key, value)
      }
      return new Response(JSON.stringify(session.toJSON()))
    },
    { codec, ...cookie() },
    {
      validAfter: options.validAfter,
      onInvalid: (error, request) => {
        seen.errors.push(error)
        reasons.push(error.reason)
        return options.onInvalid?.(error, request)
      },
    },
  )
  if (token !== undefined) seen.tokens.add(token)
  const headers = new Headers()
  const header = options.cookieHeader ?? (token === undefined ? undefined : `session=${token}`)
  if (header !== undefined) headers.set('cookie', header)
  const response = await handler(new Request('http://localhost/', { headers }))
  const body = await response.clone().text()
  seen.bodies.push(body)
  return { data: JSON.parse(body), isNew, reasons, response }
}

/** The token a response sets in cookie `session`, if any. */
export function issued(response: Response): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!
    if (pair.startsWith('session=') && pair.length > 'session='.length) return pair.slice(8)
  }
  return undefined
}
