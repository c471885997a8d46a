/** Your own store through the store conformance suite on node:test: `node --import tsx --test examples/testing/store-node.test.ts`. */
import { test } from 'node:test'
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
