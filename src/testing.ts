/**
 * Requests that carry a session, responses read back, a fixed clock.
 * @module fetch-session/testing
 */

export type { FixedClock } from './testing/fixed-clock.ts'
export { fixedClock } from './testing/fixed-clock.ts'
export { sessionOf } from './testing/session-of.ts'
export { sessionRequest } from './testing/session-request.ts'
