/** @module Turning verified bytes into session data: UTF-8, JSON, an object, or `malformed`. Internal. */
import type { SessionData } from '../backends.ts'
import { DecodeError, SessionError } from '../errors.ts'
import { fromUtf8 } from './base64url.ts'
import { isPlainObject } from './options.ts'

/** The UTF-8 text of a payload; bytes that are not UTF-8 are a `malformed` token. */
export function payloadText(bytes: Uint8Array): string {
  try {
    return fromUtf8(bytes)
  } catch (cause) {
    throw new DecodeError('malformed', 'session payload is not UTF-8', { cause })
  }
}

/** Session data from JSON text (through `revive`, for tagged formats); anything else is `malformed`. */
export function sessionData(text: string, revive?: (value: unknown) => unknown): SessionData {
  let data: unknown
  try {
    data = JSON.parse(text)
    if (revive !== undefined) data = revive(data)
  } catch (cause) {
    if (cause instanceof DecodeError) throw cause
    throw new DecodeError('malformed', 'session payload is not JSON', { cause })
  }
  if (!isPlainObject(data))
    throw new DecodeError('malformed', 'session payload is not a JSON object')
  return data
}

/** The snapshot of decoded data; data JSON cannot write again (nested too deep) is a bad token. */
export function serialize(data: SessionData): string {
  try {
    return JSON.stringify(data)
  } catch (cause) {
    throw new DecodeError('malformed', 'session data cannot be serialized', { cause })
  }
}

/** The handler's data as JSON; what JSON cannot hold (a BigInt, a cycle) is the handler's error. */
export function dataJson(data: SessionData): string {
  try {
    return JSON.stringify(data)
  } catch (cause) {
    throw new SessionError('ERR_SESSION_DATA', 'the session holds a value JSON cannot store', {
      cause,
    })
  }
}

export function isEmpty(data: SessionData): boolean {
  for (const _ in data) return false
  return true
}
