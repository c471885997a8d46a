/** @module Session data as a store keeps it: one JSON text per top-level key. Internal. */
import type { SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import type { StorePatch } from './types.ts'

/** Each top-level key as JSON text; keys whose value JSON drops (`undefined`, functions) are left out. */
export function serialize(data: SessionData): Map<string, string> {
  const values = new Map<string, string>()
  for (const [key, value] of Object.entries(data)) {
    const json = JSON.stringify(value)
    if (json !== undefined) values.set(key, json)
  }
  return values
}

export function parse(values: Map<string, string>): SessionData {
  try {
    // fromEntries defines own properties, so a stored `__proto__` key stays data.
    return Object.fromEntries([...values].map(([key, json]) => [key, JSON.parse(json)]))
  } catch (cause) {
    throw new DecodeError('malformed', 'stored session is not valid', { cause })
  }
}

export function diff(
  before: Map<string, string>,
  after: Map<string, string>,
  now: number,
): StorePatch {
  const set: Record<string, string> = {}
  for (const [key, json] of after) {
    if (before.get(key) !== json) {
      Object.defineProperty(set, key, { value: json, enumerable: true, writable: true })
    }
  }
  const removed = [...before.keys()].filter((key) => !after.has(key))
  return { touched: now, set, delete: removed }
}
