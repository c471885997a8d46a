/**
 * Writes tests/vectors/express.json with the real cookie-signature (what express-session signs
 * `connect.sid` with) and the record connect-redis stores. Run from the repository root:
 * node tests/interop/make-express-vectors.mjs
 */
import { writeFileSync } from 'node:fs'
import signature from 'cookie-signature'
import session from 'express-session'

const ids = ['AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'z_-9aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'short']
const secrets = ['keyboard cat', 'a secret with ünïcode and spaces']
const cookies = []
for (const secret of secrets) {
  for (const id of ids) {
    // express-session: 's:' + sign(id, secret), then cookie.serialize's encodeURIComponent.
    cookies.push({ secret, id, value: encodeURIComponent(`s:${signature.sign(id, secret)}`) })
  }
}
const cookie = new session.Cookie({ maxAge: 3_600_000, sameSite: 'lax' })
// Pinned as express-session's touch() would have set it at 2026-01-01T00:00:00Z.
cookie._expires = new Date(Date.UTC(2026, 0, 1, 1))
const record = JSON.stringify({ cookie, user: 'ana' })
writeFileSync(
  'tests/vectors/express.json',
  `${JSON.stringify({ cookies, record, expires: cookie.expires.toISOString() }, null, 1)}\n`,
)
