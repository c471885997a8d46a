/** The runtime test APIs the runners use, declared here instead of installing their type packages. */
declare module 'bun:test' {
  export function test(name: string, fn: () => void | Promise<void>): void
}
