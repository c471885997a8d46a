/** Your own store through the store conformance suite on deno test: `deno test examples/testing/store-deno.test.ts`. */
/// <reference lib="deno.ns" />
// In your tests: import { fixedClock, storeConformance } from 'fetch-session/testing'.
import { fixedClock, storeConformance } from '../../src/testing.ts'
import { mapStore } from './map-store.ts'

storeConformance(
  () => {
    const clock = fixedClock()
    return { store: mapStore(clock.now), clock }
  },
  { test: Deno.test },
)
