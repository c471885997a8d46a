/**
 * @module Passive requests: they read the session without renewing it, so a page's background
 * polls cannot keep an idle session alive. Internal.
 */
import { FLASH_KEY, type SessionData } from '../backends.ts'

/** The header an app's own polls send (any value) to be passive. */
export const PASSIVE_HEADER = 'session-passive'

/**
 * The default rule: a prefetch the browser marks (`Sec-Purpose: prefetch`, or the older
 * `Purpose: prefetch`), or a request carrying `Session-Passive`.
 */
export function isPassive(request: Request): boolean {
  const { headers } = request
  if (headers.has(PASSIVE_HEADER)) return true
  const purpose = headers.get('sec-purpose') ?? headers.get('purpose')
  return purpose?.includes('prefetch') === true
}

/**
 * Whether a renewal the codec asked for (an idle window half gone, an older key) is skipped. Asked
 * only when one is due, so an ordinary read pays nothing. A flash the store handed over is still
 * written back when unread: skipping that write would lose it.
 */
export function skipsRenewal(
  decide: ((request: Request) => boolean) | undefined,
  request: Request,
  data: SessionData,
): boolean {
  return !Object.hasOwn(data, FLASH_KEY) && (decide ?? isPassive)(request)
}
