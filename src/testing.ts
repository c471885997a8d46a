/**
 * Requests that carry a session, responses read back, a fixed clock, and the store conformance
 * suite for a store of your own.
 * @module fetch-session/testing
 */

export type { FixedClock } from './testing/fixed-clock.ts'
export { fixedClock } from './testing/fixed-clock.ts'
export { sessionOf } from './testing/session-of.ts'
export { sessionRequest } from './testing/session-request.ts'
export type {
  StoreConformanceFixture,
  StoreConformanceOptions,
} from './testing/store-conformance.ts'
export { storeConformance } from './testing/store-conformance.ts'
