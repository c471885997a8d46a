/** @module adaptBackends: what an adapter's user passed, as the backends withSession takes. */
import type { SessionBackends } from '../backends.ts'
import { checkBuilder } from './backend-set.ts'
import type { BackendsInit } from './with-session.ts'

/**
 * For adapters: a backend set, or a function of the framework's own context (a SvelteKit event, a
 * Hono context, a Workers `env`), turned into the `backends` that `withSession` takes. The
 * function is called once per request, with what `args` picks from the wrapped handler's
 * arguments. An `async` function is refused at once (`ERR_SESSION_CONFIG`), as `withSession`
 * refuses it: backends must be ready without an await on every request.
 *
 * @example
 * // A SvelteKit handle hook: the wrapped handler gets (request, event, resolve)
 * const handler = withSession(
 *   (request: Request, event: RequestEvent, resolve: Resolve) => resolve(event),
 *   adaptBackends(backends, (_request, event: RequestEvent) => [event]),
 * )
 */
export function adaptBackends<Args extends unknown[], Rest extends unknown[]>(
  backends: SessionBackends | ((...args: Args) => SessionBackends),
  args: (request: Request, ...rest: Rest) => [...Args],
): BackendsInit<Rest> {
  if (typeof backends !== 'function') return backends
  checkBuilder(backends)
  return (request, ...rest) => backends(...args(request, ...rest))
}
