/**
 * After `tsc`: declaration files keep the `.ts` specifiers of the sources (`./session.ts`), which
 * only TypeScript resolves. Rewrite them to `.js`, as the JavaScript beside them says, so every
 * checker (Deno's included) finds `./session.d.ts`. Same length, so declaration maps stay exact.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

const SPECIFIER = /((?:from|import)\s*\(?\s*['"]\.\.?\/[^'"]+)\.ts(['"])/g

for (const entry of readdirSync('dist', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue
  const path = `${entry.parentPath}/${entry.name}`
  const source = readFileSync(path, 'utf8')
  const rewritten = source.replace(SPECIFIER, '$1.js$2')
  if (rewritten !== source) writeFileSync(path, rewritten)
}
