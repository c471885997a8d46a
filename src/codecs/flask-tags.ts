/** @module Flask's tagged JSON (flask.json.tag) to JSON data with `$`-tagged objects and back. Internal. */
import { DecodeError } from '../errors.ts'
import { decodeBase64 } from '../lib/base64url.ts'

/** The one-key objects that stand for Python values JSON has no word for. */
const OURS = new Set(['$tuple', '$bytes', '$datetime', '$uuid', '$markup', '$dict'])
/** Flask 2.2's default tags. */
const FLASKS = new Set([' t', ' b', ' d', ' u', ' m', ' di'])
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const HTTP_DATE =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/
const UUID_HEX = /^[0-9a-f]{32}$/

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function only(value: object): string | undefined {
  const keys = Object.keys(value)
  return keys.length === 1 ? keys[0] : undefined
}

function bad(what: string): never {
  throw new DecodeError('malformed', `Flask session holds a malformed ${what}`)
}

/**
 * What Flask's `TaggedJSONSerializer.loads` would build, as JSON data: `tuple` → `{ $tuple: [...] }`,
 * `bytes` → `{ $bytes: base64 }`, `datetime` → `{ $datetime: ISO 8601 UTC }`, `UUID` →
 * `{ $uuid: 8-4-4-4-12 }`, `Markup` → `{ $markup: html }`; a dict whose one key is one of those
 * names comes as `{ $dict: { ... } }` so that nothing is read as what it is not.
 */
export function untag(value: Json): Json {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(untag)
  const out: { [key: string]: Json } = {}
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: untag(item),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  const key = only(out)
  if (key === undefined) return out
  const inner = out[key]!
  switch (key) {
    case ' t':
      return Array.isArray(inner) ? { $tuple: inner } : bad('tuple')
    case ' b':
      return typeof inner === 'string' && decodeBase64(inner) ? { $bytes: inner } : bad('bytes')
    case ' m':
      return typeof inner === 'string' ? { $markup: inner } : bad('Markup')
    case ' u':
      if (typeof inner !== 'string' || !UUID_HEX.test(inner)) bad('UUID')
      return {
        $uuid: `${inner.slice(0, 8)}-${inner.slice(8, 12)}-${inner.slice(12, 16)}-${inner.slice(16, 20)}-${inner.slice(20)}`,
      }
    case ' d':
      return { $datetime: fromHttpDate(inner) }
    case ' di': {
      const name =
        typeof inner === 'object' && inner !== null && !Array.isArray(inner)
          ? only(inner)
          : undefined
      if (name === undefined || !name.endsWith('__')) bad('tagged dict')
      return escapeOurs({ [name.slice(0, -2)]: (inner as { [key: string]: Json })[name]! })
    }
    default:
      return escapeOurs(out)
  }
}

function escapeOurs(dict: { [key: string]: Json }): Json {
  const key = only(dict)
  return key !== undefined && OURS.has(key) ? { $dict: dict } : dict
}

/**
 * The value Flask's `TaggedJSONSerializer.tag` would make of the Python value `untag` stands for,
 * for a session: `trusted` names the top-level keys under which `{ $markup }` is Flask's `Markup`
 * (HTML that Jinja renders unescaped). Anywhere else it is a plain dict, so HTML shaped by users
 * never becomes trusted. Throws a `TypeError` for a `$`-tagged object whose value is not of its kind.
 */
export function tag(value: unknown, trusted: ReadonlySet<string> = new Set()): unknown {
  return walk(value, false, trusted)
}

/** `markup`: inside a trusted key; `keys`: the trusted keys, for the session object only. */
function walk(value: unknown, markup: boolean, keys?: ReadonlySet<string>): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item) => walk(item, markup))
  const record = value as Record<string, unknown>
  const key = only(record)
  const inner = key === undefined ? undefined : record[key]
  switch (key) {
    case '$tuple':
      if (!Array.isArray(inner)) refuse(key, 'an array')
      return { ' t': inner.map((item) => walk(item, markup)) }
    case '$bytes':
      if (typeof inner !== 'string' || decodeBase64(inner) === undefined)
        refuse(key, 'padded base64')
      return { ' b': inner }
    case '$markup':
      if (!markup) return plain(record, markup, keys)
      if (typeof inner !== 'string') refuse(key, 'a string')
      return { ' m': inner }
    case '$uuid': {
      const hex = typeof inner === 'string' ? inner.replace(/-/g, '').toLowerCase() : ''
      if (
        !UUID_HEX.test(hex) ||
        !/^[0-9a-f]{8}(-?[0-9a-f]{4}){3}-?[0-9a-f]{12}$/i.test(String(inner))
      )
        refuse(key, 'a UUID')
      return { ' u': hex }
    }
    case '$datetime':
      return { ' d': toHttpDate(inner) }
    case '$dict':
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
        refuse(key, 'an object')
      return plain(inner as Record<string, unknown>, markup, keys)
    default:
      return plain(record, markup, keys)
  }
}

/** Flask's TagDict, then PassDict. */
function plain(record: Record<string, unknown>, markup: boolean, keys?: ReadonlySet<string>) {
  const within = (name: string): boolean => markup || keys?.has(name) === true
  const key = only(record)
  if (key !== undefined && FLASKS.has(key)) {
    return { ' di': { [`${key}__`]: walk(record[key], within(key)) } }
  }
  const out: Record<string, unknown> = {}
  for (const [name, item] of Object.entries(record)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
    Object.defineProperty(out, name, {
      value: walk(item, within(name)),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

function refuse(key: string, what: string): never {
  throw new TypeError(`flaskCodec: ${key} must hold ${what}`)
}

/** werkzeug's `http_date`: always GMT, to the second. */
function toHttpDate(value: unknown): string {
  const date = typeof value === 'string' ? new Date(value) : undefined
  if (
    date === undefined ||
    Number.isNaN(date.getTime()) ||
    !/^\d{4}-\d\d-\d\dT/.test(String(value))
  ) {
    refuse('$datetime', 'an ISO 8601 date and time')
  }
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${String(date.getUTCFullYear()).padStart(4, '0')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} GMT`
}

function fromHttpDate(value: Json): string {
  const match = typeof value === 'string' ? HTTP_DATE.exec(value) : null
  const month = match ? MONTHS.indexOf(match[3]!) : -1
  if (match === null || month < 0) bad('datetime')
  const [, , day, , year, hour, minute, second] = match
  const iso = `${year}-${String(month + 1).padStart(2, '0')}-${day}T${hour}:${minute}:${second}Z`
  const date = new Date(iso)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== iso.slice(0, 19))
    bad('datetime')
  return iso
}
