/** The suite as a Workers module: GET /cases lists the cases, GET /run?case=N runs one. */
import { cases } from '../harness.ts'
import '../suite/index.ts'

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/cases') return Response.json(cases.map(({ name }) => name))
    const test = cases[Number(url.searchParams.get('case'))]
    if (test === undefined) return new Response('no such case', { status: 404 })
    try {
      await test.fn()
      return Response.json({ ok: true })
    } catch (error) {
      const { name, message, stack } = error instanceof Error ? error : new Error(String(error))
      return Response.json({ ok: false, error: `${name}: ${message}`, stack })
    }
  },
}
