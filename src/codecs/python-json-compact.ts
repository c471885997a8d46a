/** @module JSON text as Python's `json.dumps(value, separators=(',', ':'))` writes it. Internal. */
import { pythonNumber } from './python-json.ts'

/**
 * Compact `json.dumps` with `ensure_ascii=True`: what Django's signing and Flask's session
 * serializer write. With `sortKeys` (Flask's `sort_keys=True`) object keys are sorted by code
 * point, as Python sorts strings. Which values are written follows `JSON.stringify`.
 */
export function pythonJsonCompact(value: unknown, sortKeys = false): string {
  const text = JSON.stringify(value)
  return text === undefined ? 'null' : write(JSON.parse(text), sortKeys)
}

function write(value: unknown, sortKeys: boolean): string {
  if (value === null || typeof value === 'boolean') return String(value)
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'string') return pythonString(value)
  if (Array.isArray(value)) return `[${value.map((item) => write(item, sortKeys)).join(',')}]`
  const keys = Object.keys(value as object)
  if (sortKeys) keys.sort(byCodePoint)
  const record = value as Record<string, unknown>
  return `{${keys.map((key) => `${pythonString(key)}:${write(record[key], sortKeys)}`).join(',')}}`
}

/** `JSON.stringify` escapes as Python does below U+007F; the rest goes as `\uXXXX`. */
export function pythonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Python compares strings by code point; UTF-16 order differs above U+FFFF. */
export function byCodePoint(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}
