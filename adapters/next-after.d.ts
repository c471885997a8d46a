/**
 * The one export of `next/server` this adapter uses, for Deno's type check: `next/server`'s own
 * declarations take Deno minutes to check (JSR checks every export on publish). Node and
 * bundlers read Next's own types.
 */
export declare function after<T>(task: Promise<T> | (() => T | Promise<T>)): void
