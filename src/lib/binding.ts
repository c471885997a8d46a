/** @module The device binding a codec keeps beside the data: its one shape check. Internal. */
import type { DeviceKey, SessionBinding } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { isPlainObject } from './options.ts'

const ID = /^[A-Za-z0-9_-]{16,64}$/
const MEMBER = /^[A-Za-z0-9_-]{1,1024}$/

/** The public members of a device key, or `undefined` when `jwk` is not an ES256 or RS256 key. */
export function deviceKey(
  jwk: unknown,
  alg: unknown = (jwk as { alg?: unknown })?.alg,
): DeviceKey | undefined {
  if (!isPlainObject(jwk)) return undefined
  const member = (name: string) => typeof jwk[name] === 'string' && MEMBER.test(jwk[name])
  if (alg === 'ES256' && jwk.kty === 'EC' && jwk.crv === 'P-256' && member('x') && member('y')) {
    return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string, alg }
  }
  if (alg === 'RS256' && jwk.kty === 'RSA' && member('n') && member('e')) {
    return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string, alg }
  }
  return undefined
}

/** A binding as a codec read it back, checked; `undefined` when absent. Throws on a bad shape. */
export function readBinding(value: unknown): SessionBinding | undefined {
  if (value === undefined) return undefined
  const id = isPlainObject(value) ? value.id : undefined
  const jwk = isPlainObject(value) ? deviceKey(value.jwk) : undefined
  if (jwk === undefined || typeof id !== 'string' || !ID.test(id)) {
    throw new TypeError('not a device binding')
  }
  return { id, jwk }
}

/** A binding as RFC 7800's confirmation claim: `cnf: { kid, jwk }`. */
export function toConfirmation(
  binding: SessionBinding | undefined,
): { kid: string; jwk: DeviceKey } | undefined {
  return binding === undefined ? undefined : { kid: binding.id, jwk: binding.jwk }
}

/** The binding in a verified `cnf` claim; `DecodeError` when it is not one of ours. */
export function fromConfirmation(cnf: unknown): SessionBinding | undefined {
  if (cnf === undefined) return undefined
  try {
    return readBinding(isPlainObject(cnf) ? { id: cnf.kid, jwk: cnf.jwk } : cnf)
  } catch (cause) {
    throw new DecodeError('malformed', 'the confirmation claim is not a device binding', { cause })
  }
}
