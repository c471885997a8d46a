/**
 * The store toolkit: what the built-in stores are made of, for writing a `SessionStore` of your
 * own (the patch, deadlines, record and index checks). `fetch-session/testing`'s
 * `storeConformance` then runs the suite every built-in store passes.
 * @module fetch-session/store
 */

export type { ServerClock } from './server/store-deadline.ts'
export { checkDeadline, deadlinePassed, serverClock } from './server/store-deadline.ts'
export {
  indexEntryTtl,
  isStoreIndexEntry,
  parseStoreIndexEntry,
} from './server/store-index-entry.ts'
export { applyPatch, isStoreRecord, parseStoreRecord, takeValue } from './server/store-record.ts'
export type {
  SessionStore,
  StoreCall,
  StoreIndexEntry,
  StorePatch,
  StoreRecord,
} from './server/types.ts'
