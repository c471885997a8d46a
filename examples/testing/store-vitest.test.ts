/** Your own store through the store conformance suite on Vitest: `npx vitest run examples/testing/store-vitest.test.ts`. */
import { test } from 'vitest'
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
