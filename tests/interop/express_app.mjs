/**
 * A real Express app with express-session and connect-redis, for the interop tests and the
 * Express vectors. Env: PORT, REDIS_URL, SESSION_SECRETS (JSON list, newest first).
 * GET /session answers the session's data; POST /session merges a JSON body into it (null
 * deletes a key); POST /clear destroys it; GET /raw answers what connect-redis stored.
 */
import { RedisStore } from 'connect-redis'
import express from 'express'
import session from 'express-session'
import { createClient } from 'redis'

const redis = await createClient({ url: process.env.REDIS_URL }).connect()
const app = express()
app.use(express.json())
app.use(
  session({
    store: new RedisStore({ client: redis }),
    secret: JSON.parse(process.env.SESSION_SECRETS),
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 3600_000, sameSite: 'lax' },
  }),
)

const view = (req) => {
  const { cookie: _cookie, ...data } = req.session
  return data
}

app.get('/session', (req, res) => res.json(view(req)))
app.post('/session', (req, res) => {
  for (const [key, value] of Object.entries(req.body ?? {})) {
    if (key === 'cookie') continue
    if (value === null) delete req.session[key]
    else req.session[key] = value
  }
  res.json(view(req))
})
app.post('/clear', (req, res) => req.session.destroy(() => res.clearCookie('connect.sid').json({})))
app.get('/raw', async (req, res) =>
  res.json(JSON.parse((await redis.get(`sess:${req.sessionID}`)) ?? 'null')),
)

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`)
})
process.on('SIGTERM', async () => {
  server.close()
  await redis.quit()
})
