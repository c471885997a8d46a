/** Bundles a Worker module for Miniflare the way wrangler would; shared by the workerd runners. */
import { build } from 'esbuild'

/** The compatibility date every Worker under test runs with. */
export const COMPATIBILITY_DATE = '2025-09-01'

/** One ES module of `entry` and everything it imports; `node:*` stays external for nodejs_compat. */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['node:*'],
    // package.json says sideEffects: false, which would drop the suite files' registrations.
    ignoreAnnotations: true,
    logLevel: 'error',
  })
  return result.outputFiles[0]!.text
}
