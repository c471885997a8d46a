/** memoryStore against every store semantic of the store suite. */
import { memoryStore } from '../../../src/index.ts'
import { storeSuite } from '../../fixtures/store-suite.ts'
import { clock } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

storeSuite(() => {
  const time = clock()
  return { store: memoryStore({ now: time.now }), clock: time, atomic: true }
}, suite('memoryStore'))
