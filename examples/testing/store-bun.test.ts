/** Your own store through the store conformance suite on bun test: `bun test ./examples/testing/store-bun.test.ts`. */
import { test } from 'bun:test'
// In your tests: import { fixedClock, storeConformance } from 'fetch-session/testing'.
import { fixedClock, storeConformance } from '../../src/testing.ts'
import { mapStore } from './map-store.ts'

storeConformance(
  () => {
    const clock = fixedClock()
    return { store: mapStore(clock.now), clock }
  },
  { test },
)
