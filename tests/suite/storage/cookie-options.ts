/** cookieStorage refuses the prefix and domain options a browser would drop, naming the option. */
import assert from 'node:assert/strict'
import { type CookieOptions, cookie, cookieStorage, SessionError } from '../../../src/index.ts'
import { suite } from '../../harness.ts'

const test = suite('cookie options')

function refused(options: CookieOptions, option: RegExp): void {
  for (const build of [() => cookieStorage(options), () => cookie(options)]) {
    assert.throws(
      build,
      (error: unknown) =>
        error instanceof SessionError &&
        error.code === 'ERR_SESSION_CONFIG' &&
        option.test(error.message),
      JSON.stringify(options),
    )
  }
}

test('__Http- and __Host-Http- need httpOnly (and secure), in any letter case', () => {
  for (const name of ['__Http-s', '__http-s', '__HTTP-S']) {
    refused({ name, httpOnly: false }, /__Http-.*httpOnly/)
    refused({ name, secure: false }, /__Http-.*secure/)
    assert.doesNotThrow(() => cookieStorage({ name, path: '/app', domain: 'example.com' }))
  }
  for (const name of ['__Host-Http-s', '__host-http-s', '__HOST-HTTP-S']) {
    refused({ name, httpOnly: false }, /__Host-Http-.*httpOnly/)
    refused({ name, path: '/app' }, /__Host-Http-.*path/)
    refused({ name, domain: 'example.com' }, /__Host-Http-.*domain/)
    refused({ name, secure: false }, /__Host-Http-.*secure/)
    assert.doesNotThrow(() => cookieStorage({ name }))
  }
  // Only the prefix at the start counts, and __Host- alone does not need httpOnly.
  assert.doesNotThrow(() => cookieStorage({ name: 'x__Http-s', httpOnly: false, secure: false }))
  assert.doesNotThrow(() => cookieStorage({ name: '__Host-s', httpOnly: false }))
})

test('__Secure- and __Host- are checked in any letter case', () => {
  refused({ name: '__SECURE-s', secure: false }, /__Secure-.*secure/)
  refused({ name: '__hOsT-s', path: '/app' }, /__Host-.*path/)
})

test('a single-label or public-suffix domain is refused; a registrable one is kept', () => {
  for (const domain of [
    'com',
    '.com',
    'COM',
    'localhost',
    'co.uk',
    '.co.uk',
    'github.io',
    'pages.dev',
  ]) {
    refused({ domain }, /domain/)
  }
  for (const domain of ['example.com', '.example.com', 'example.co.uk', 'me.github.io', 'a.b.c']) {
    const headers = new Headers()
    cookieStorage({ domain }).persist(headers, 'token', {})
    assert.match(headers.getSetCookie()[0]!, new RegExp(`; Domain=${domain.replace('.', '\\.')};`))
  }
})
