/** @module The rule for device-bound sessions: a valid bound cookie, or no session. */
import type { SessionBinding } from '../../backends.ts'
import { DecodeError } from '../../errors.ts'
import { readCookie } from '../../transports/cookie-header.ts'
import type { DeviceBound } from './options.ts'
import { acceptBoundCookie } from './signed-values.ts'

/**
 * Throws `DecodeError('unbound')` unless the request may use this session: a bound session with
 * its bound cookie, or an unbound one where the policy allows it. A copied session token alone
 * stops working once the bound cookie it came with expires.
 */
export async function checkBinding(
  bound: DeviceBound,
  binding: SessionBinding | undefined,
  request: Request,
): Promise<void> {
  if (binding === undefined) {
    if (bound.unbound === 'refuse') {
      throw new DecodeError('unbound', 'the session is not bound to a device')
    }
    return
  }
  const value = readCookie(request.headers.get('cookie'), bound.cookie)
  if (!(await acceptBoundCookie(bound, value, binding.id))) {
    throw new DecodeError('unbound', 'the device-bound session has no valid bound cookie')
  }
}
