/**
 * jwtCodec against the real PyJWT 2.6: tokens cross both ways for HS256/384/512, RS256,
 * ES256/384/512 and PS256 (PyJWT's ECDSA signatures have a high S half the time), and exp, nbf,
 * iat, iss and aud are judged alike at a pinned time (PyJWT's clock is pinned
 * inside tests/fixtures/interop/pyjwt_tool.py). Needs /usr/bin/python3 with PyJWT and cryptography; in CI
 * their absence fails the run.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  DecodeError,
  type JwsAlgorithm,
  type JwtCodecOptions,
  jwtCodec,
  type KernelState,
} from '../../src/index.ts'
import { type EcAlgorithm, isHighS } from '../fixtures/ecdsa.ts'
import { type Answer, type JsonLinesTool, jsonLinesTool } from '../fixtures/interop/json-lines.ts'
import { INSTALL, skipUnless } from '../fixtures/requirements.ts'

const PYTHON = '/usr/bin/python3'
const TOOL = fileURLToPath(new URL('../fixtures/interop/pyjwt_tool.py', import.meta.url))
const probe = spawnSync(PYTHON, ['-c', 'import jwt, cryptography; assert jwt.__version__ >= "2"'], {
  encoding: 'utf8',
})
const missing = skipUnless(
  probe.status === 0,
  'Python 3 with PyJWT 2 and cryptography',
  INSTALL.pyjwt,
)

test('the Python stack for the PyJWT interop tests is installed', (t) => {
  if (missing === undefined) return
  assert.notEqual(process.env.CI, 'true', missing)
  t.skip(missing)
})

/** Far from the real clock, so an unpinned PyJWT would judge differently and fail the test. */
const T = 1_700_000_000
const SECRET = 'a secret both services share, of any length'
const ISSUER = 'https://issuer.example'

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')
  return `-----BEGIN ${label}-----\n${body.trimEnd()}\n-----END ${label}-----\n`
}

interface KeySet {
  /** What PyJWT signs and verifies with. */
  python: { sign: string; verify: string }
  /** What jwtCodec signs and verifies with. */
  ours: { sign: JsonWebKey | string; verify: JsonWebKey | string }
}

async function keysFor(params: RsaHashedKeyGenParams | EcKeyGenParams): Promise<KeySet> {
  const pair = await crypto.subtle.generateKey(params, true, ['sign', 'verify'])
  const {
    alg: _a,
    key_ops: _k,
    ext: _e,
    ...jwk
  } = await crypto.subtle.exportKey('jwk', pair.privateKey)
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk
  return {
    python: {
      sign: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
      verify: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey)),
    },
    ours: { sign: jwk, verify: publicJwk },
  }
}

/** Verdicts in DecodeError terms, from either side. */
function pythonVerdict(answer: Answer): string {
  if (answer.ok === true) return 'ok'
  switch (answer.error) {
    case 'ExpiredSignatureError':
      return 'expired'
    case 'ImmatureSignatureError':
      return 'future'
    case 'InvalidIssuerError':
    case 'InvalidAudienceError':
    case 'MissingRequiredClaimError':
      return 'claim'
    default:
      return 'rejected'
  }
}

async function ourVerdict(codec: ReturnType<typeof jwtCodec>, token: string): Promise<string> {
  try {
    await codec.decode(token)
    return 'ok'
  } catch (error) {
    assert.ok(error instanceof DecodeError)
    return ['expired', 'future', 'claim'].includes(error.reason) ? error.reason : 'rejected'
  }
}

describe('jwtCodec and the real PyJWT', { skip: missing }, () => {
  let python: JsonLinesTool
  const keys = new Map<JwsAlgorithm, KeySet>()
  before(async () => {
    python = jsonLinesTool(PYTHON, TOOL)
    const hs: KeySet = {
      python: { sign: SECRET, verify: SECRET },
      ours: { sign: SECRET, verify: SECRET },
    }
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) keys.set(alg, hs)
    const rsa = await keysFor({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    })
    keys.set('RS256', rsa)
    keys.set('PS256', rsa)
    keys.set('ES256', await keysFor({ name: 'ECDSA', namedCurve: 'P-256' }))
    keys.set('ES384', await keysFor({ name: 'ECDSA', namedCurve: 'P-384' }))
    keys.set('ES512', await keysFor({ name: 'ECDSA', namedCurve: 'P-521' }))
  })
  after(() => python.stop())

  test('PyJWT 2.x answers', async () => {
    assert.match(String((await python.ask({ op: 'version' })).version), /^2\./)
  })

  for (const alg of [
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'ES256',
    'ES384',
    'ES512',
    'PS256',
  ] as const) {
    test(`${alg}: PyJWT tokens decode with jwtCodec, and ours with PyJWT`, async () => {
      const { python: theirKey, ours } = keys.get(alg)!
      const payload = { user: 'ada', roles: ['admin'], iat: T, exp: T + 60 }
      const { token } = await python.ask({ op: 'encode', key: theirKey.sign, alg, payload })
      const verifier = jwtCodec({ key: ours.verify, algorithms: [alg], now: () => T * 1000 })
      assert.deepEqual(await verifier.decode(String(token)), payload)

      const options: JwtCodecOptions = {
        key: ours.sign,
        algorithms: [alg],
        issuer: ISSUER,
        audience: 'api',
        expiresIn: 60,
        now: () => T * 1000,
      }
      const issued = await jwtCodec(options).encode({ user: 'bob', cart: [1, 2] })
      const answer = await python.ask({
        op: 'decode',
        key: theirKey.verify,
        token: issued,
        algorithms: [alg],
        now: T,
        audience: 'api',
        issuer: ISSUER,
      })
      assert.equal(answer.ok, true, String(answer.error))
      assert.deepEqual(answer.payload, {
        user: 'bob',
        cart: [1, 2],
        iat: T,
        sst: T,
        exp: T + 60,
        iss: ISSUER,
        aud: 'api',
      })
      // Ours gives back the data alone: iat, sst, exp, iss and aud are the codec's bookkeeping.
      assert.deepEqual(await jwtCodec(options).decode(issued), { user: 'bob', cart: [1, 2] })

      const [h, , s] = issued.split('.')
      const forged = `${h}.${Buffer.from('{"user":"mallory"}').toString('base64url')}.${s}`
      const theirs = await python.ask({
        op: 'decode',
        key: theirKey.verify,
        token: forged,
        algorithms: [alg],
        now: T,
      })
      assert.equal(pythonVerdict(theirs), 'rejected')
      assert.equal(await ourVerdict(jwtCodec(options), forged), 'rejected')
    })
  }

  for (const alg of ['ES256', 'ES384', 'ES512'] as const satisfies EcAlgorithm[]) {
    test(`${alg}: PyJWT's high-S tokens decode as their low-S spelling; ours are all low-S`, async () => {
      const { python: theirKey, ours } = keys.get(alg)!
      const verifier = jwtCodec({ key: ours.verify, algorithms: [alg], now: () => T * 1000 })
      const issuer = jwtCodec({ key: ours.sign, algorithms: [alg], now: () => T * 1000 })
      let high = 0
      for (let i = 0; i < 24; i++) {
        const payload = { user: 'ada', i, iat: T }
        const { token } = await python.ask({ op: 'encode', key: theirKey.sign, alg, payload })
        if (isHighS(alg, String(token))) high++
        const decoded = await verifier.decodeSession(String(token))
        assert.deepEqual(decoded.data, payload)
        assert.equal(isHighS(alg, (decoded.state as KernelState<unknown>).token), false)
        const issued = await issuer.encode({ user: 'bob', i })
        assert.equal(isHighS(alg, issued), false)
        const answer = await python.ask({
          op: 'decode',
          key: theirKey.verify,
          token: issued,
          algorithms: [alg],
          now: T,
        })
        assert.equal(answer.ok, true, String(answer.error))
      }
      // OpenSSL picks either S: none high in 24 would be a 2^-24 event.
      assert.ok(high > 0, `${high} of 24 PyJWT tokens had a high S`)
    })
  }

  test('exp, nbf, iat, iss and aud are judged alike at and around the boundaries', async () => {
    const base = { user: 'ada', iat: T - 10, nbf: T - 10, exp: T + 100, iss: ISSUER, aud: 'api' }
    const config = { issuer: ISSUER as string | undefined, audience: 'api' as string | undefined }
    const variants: [string, Record<string, unknown>, Partial<typeof config>][] = [
      ['valid', {}, {}],
      ...[-6, -5, -1, 0, 1, 5].map(
        (d): [string, Record<string, unknown>, Partial<typeof config>] => [
          `exp ${d}`,
          { exp: T + d },
          {},
        ],
      ),
      ...[0, 1, 5, 6].map((d): [string, Record<string, unknown>, Partial<typeof config>] => [
        `nbf +${d}`,
        { nbf: T + d },
        {},
      ]),
      ...[1, 5, 6].map((d): [string, Record<string, unknown>, Partial<typeof config>] => [
        `iat +${d}`,
        { iat: T + d },
        {},
      ]),
      ['wrong iss', { iss: 'https://other.example' }, {}],
      ['no iss', { iss: undefined }, {}],
      ['iss without issuer configured', { iss: 'https://other.example' }, { issuer: undefined }],
      ['aud list with ours', { aud: ['web', 'api'] }, {}],
      ['wrong aud', { aud: 'web' }, {}],
      ['wrong aud list', { aud: ['web'] }, {}],
      ['aud []', { aud: [] }, {}],
      ['no aud', { aud: undefined }, {}],
      ['aud without audience configured', {}, { audience: undefined }],
      ['aud [] without audience configured', { aud: [] }, { audience: undefined }],
    ]
    const seen = new Set<string>()
    for (const leeway of [0, 5]) {
      for (const [what, change, configChange] of variants) {
        const claims = { ...base, ...change }
        const { issuer, audience } = { ...config, ...configChange }
        const judge = jwtCodec({
          key: SECRET,
          algorithms: ['HS256'],
          clockTolerance: leeway,
          issuer,
          audience,
          now: () => T * 1000,
        })
        const theirs = String(
          (await python.ask({ op: 'encode', key: SECRET, alg: 'HS256', payload: claims })).token,
        )
        // Ours, issued at T by a codec that leaves the claims as they are (iat becomes T).
        const ours = await jwtCodec({
          key: SECRET,
          algorithms: ['HS256'],
          now: () => T * 1000,
        }).encode(claims)
        for (const [source, token] of [
          ['PyJWT', theirs],
          ['jwtCodec', ours],
        ] as const) {
          const answer = await python.ask({
            op: 'decode',
            key: SECRET,
            token,
            algorithms: ['HS256'],
            now: T,
            // Our clockTolerance is PyJWT's leeway: it extends exp and forgives nbf and iat.
            leeway,
            audience,
            issuer,
          })
          const verdict = pythonVerdict(answer)
          assert.equal(
            await ourVerdict(judge, token),
            verdict,
            `${what}, leeway ${leeway}, ${source} token`,
          )
          seen.add(verdict)
        }
      }
    }
    assert.deepEqual([...seen].sort(), ['claim', 'expired', 'future', 'ok'])
  })
})
