/** starletteCodec's cookie: the Set-Cookie attributes starlette-session-middleware writes. */
import assert from 'node:assert/strict'
import { cookieStorage, SessionError, starletteCodec } from '../../../src/index.ts'
import { suite } from '../../harness.ts'

const test = suite('starletteCodec')

/*
 * starlette-session-middleware's CookieBackend tests: every combination of max_age, name, path,
 * same_site and https_only. Its cookies are built as below; ours must carry the same attributes.
 */
function starletteSetCookie(
  o: { maxAge: number; name: string; path: string; sameSite: string; https: boolean },
  clear: boolean,
): string {
  const flags = `httponly; samesite=${o.sameSite}${o.https ? '; secure' : ''}`
  if (clear)
    return `${o.name}=null; path=${o.path}; expires=Thu, 01 Jan 1970 00:00:00 GMT; ${flags}`
  return `${o.name}=somegarbage; path=${o.path}; ${o.maxAge ? `Max-Age=${o.maxAge}; ` : ''}${flags}`
}

/** A Set-Cookie value as name, value and attributes (names lower-cased, SameSite value too). */
function parseSetCookie(line: string) {
  const [pair, ...rest] = line.split(';').map((part) => part.trim())
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const eq = part.indexOf('=')
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase()
    const value = eq < 0 ? '' : part.slice(eq + 1)
    attributes.set(name, name === 'samesite' ? value.toLowerCase() : value)
  }
  return { pair: pair!, attributes }
}

for (const maxAge of [0, 1]) {
  for (const name of ['cookie_name', 'yet_another_cookie_name']) {
    for (const path of ['/another/path', '/yet/another/path']) {
      for (const sameSite of ['strict', 'lax', 'none'] as const) {
        for (const https of [true, false]) {
          const options = { maxAge, name, path, sameSite, https }
          test(`cookie parity with starlette-session-middleware: ${JSON.stringify(options)}`, async () => {
            const build = () => cookieStorage({ name, path, sameSite, secure: https })
            if (sameSite === 'none' && !https) {
              // Browsers drop SameSite=None without Secure; Starlette would send it anyway.
              assert.throws(
                build,
                (e: unknown) => e instanceof SessionError && e.code === 'ERR_SESSION_CONFIG',
              )
              return
            }
            const storage = build()
            const encoded = await starletteCodec({ secretKey: 'k', maxAge }).encodeSession(
              { a: 1 },
              {},
            )
            const persisted = new Headers()
            storage.persist(persisted, 'somegarbage', { maxAge: encoded.maxAge })
            const cleared = new Headers()
            storage.clear(cleared)
            const site = `${sameSite[0]!.toUpperCase()}${sameSite.slice(1)}`
            const attributes = `; Path=${path}${https ? '; Secure' : ''}; HttpOnly; SameSite=${site}`
            const ours = persisted.getSetCookie()
            assert.deepEqual(ours, [
              `${name}=somegarbage${maxAge ? `; Max-Age=${maxAge}` : ''}${attributes}`,
            ])
            assert.deepEqual(cleared.getSetCookie(), [
              `${name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${attributes}`,
            ])
            assert.deepEqual(
              parseSetCookie(ours[0]!),
              parseSetCookie(starletteSetCookie(options, false)),
            )
            const theirs = parseSetCookie(starletteSetCookie(options, true)).attributes
            const clearing = parseSetCookie(cleared.getSetCookie()[0]!).attributes
            clearing.delete('max-age')
            assert.deepEqual(clearing, theirs)
          })
        }
      }
    }
  }
}
