/** @module Which outermost withSession a request runs under, so nested layers share one owner. Internal. */

interface ContextStorage {
  getStore(): object | undefined
  run<T>(store: object, fn: () => T): T
}

/**
 * Nested layers (a `withSession` app mounted under Hono's `session()`, a wrapper that rebuilds the
 * Request) see different Request objects, so a Response written by the inner layer looks, to the
 * outer one, like a Response shared with another request, and would be copied without the inner
 * layer's Set-Cookie. An async context tells them apart: every layer under one outermost call
 * shares its owner. It comes from `node:async_hooks` where the runtime has it (Node, Bun, Deno,
 * workerd with `nodejs_compat` or `nodejs_als`); elsewhere each layer owns only its own writes,
 * which is safe (no cookie reaches another user) but drops an inner layer's cookies.
 */
function loadStorage(): ContextStorage | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
  try {
    const module = process?.getBuiltinModule?.('node:async_hooks') as
      | { AsyncLocalStorage?: new () => ContextStorage }
      | undefined
    const Storage =
      module?.AsyncLocalStorage ??
      (globalThis as { AsyncLocalStorage?: new () => ContextStorage }).AsyncLocalStorage
    return Storage === undefined ? undefined : new Storage()
  } catch {
    return undefined
  }
}

/**
 * Nesting needs two layers, so the context starts with the second `withSession()` of the process:
 * on Node 20 an async context slows every promise of the process once it is used (about a fifth of
 * an untouched request in `npm run bench`), which an app with one layer should not pay.
 */
let layers = 0
let storage: ContextStorage | undefined

/** Counts a new `withSession()` layer; from the second one on, layers find their outermost one. */
export function addLayer(): void {
  if (++layers === 2) storage = loadStorage()
}

/** The owner of the outermost layer this call runs under, if any. */
export function outerOwner(): object | undefined {
  return storage?.getStore()
}

/** Runs `fn` with `owner` as the owner of every layer nested inside it. */
export function asOwner<T>(owner: object, fn: () => T): T {
  return storage === undefined ? fn() : storage.run(owner, fn)
}
