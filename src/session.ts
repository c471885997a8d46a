/** @module The Session object a handler reads and changes. */
import type { CodecContext, SessionData } from './backends.ts'

/** The key under which flash values travel inside the session data. */
export const FLASH_KEY = '__flash__'

/** What `withSession` needs to commit a session; shared between it and the `Session`. */
export interface SessionRecord {
  data: SessionData
  /** `regenerate()` or `destroy()` was called: issue a fresh token, forget the old one. */
  rotate: boolean
  context: CodecContext
}

type Key<Data> = keyof Data & string

/**
 * One request's view of the session. Changes are committed after the handler returns; reading
 * a nested value and mutating it counts as a change.
 *
 * @example
 * const session = await getSession<{ user?: string; cart: string[] }>(request)
 * session.get('cart')?.push('apple')
 * session.flash('notice', 'Added to the cart')
 */
export class Session<Data extends object = SessionData> {
  /** True when the request presented no valid token. */
  readonly isNew: boolean
  readonly #record: SessionRecord
  /** Flash keys set by an earlier request and not read yet. */
  #unread: Set<string> | undefined

  /** Built by `withSession`; handlers get theirs from `getSession`. */
  constructor(record: SessionRecord, isNew: boolean) {
    this.#record = record
    this.isNew = isNew
    const flashes = record.data[FLASH_KEY]
    if (isObject(flashes)) this.#unread = new Set(Object.keys(flashes))
  }

  /** The server-side session id (store-backed codecs only). */
  get id(): string | undefined {
    return this.#record.context.id
  }

  /** The value for `key`; a flash value is returned once and then removed. */
  get<K extends Key<Data>>(key: K): Data[K] | undefined {
    if (this.#unread?.has(key)) return this.#takeFlash(key) as Data[K]
    const data = this.#record.data
    return (Object.hasOwn(data, key) ? data[key] : undefined) as Data[K] | undefined
  }

  set<K extends Key<Data>>(key: K, value: Data[K]): void {
    setOwn(this.#record.data, key, value)
  }

  has(key: Key<Data>): boolean {
    return (
      (this.#unread?.has(key) ?? false) ||
      (key !== FLASH_KEY && Object.hasOwn(this.#record.data, key))
    )
  }

  delete(key: Key<Data>): void {
    delete this.#record.data[key]
  }

  /** Removes every value; the client's token is cleared unless something is set again. */
  clear(): void {
    this.#record.data = {}
    this.#unread = undefined
  }

  /** Sets a value that a later request can read once with `get`. */
  flash<K extends Key<Data>>(key: K, value: Data[K]): void {
    const data = this.#record.data
    const flashes = isObject(data[FLASH_KEY]) ? { ...data[FLASH_KEY] } : {}
    setOwn(flashes, key, value)
    data[FLASH_KEY] = flashes
    this.#unread?.delete(key)
  }

  /** Keeps the data under a fresh token (and a new id for server-side sessions); call it at login. */
  regenerate(): void {
    this.#record.rotate = true
  }

  /** Removes every value, clears the client's token and deletes the server-side record. */
  destroy(): void {
    this.clear()
    this.#record.rotate = true
  }

  /** The data as it will be stored. */
  toJSON(): Data {
    return { ...this.#record.data } as Data
  }

  #takeFlash(key: string): unknown {
    this.#unread?.delete(key)
    const data = this.#record.data
    const { [key]: value, ...rest } = data[FLASH_KEY] as SessionData
    if (Object.keys(rest).length === 0) delete data[FLASH_KEY]
    else data[FLASH_KEY] = rest
    return value
  }
}

function isObject(value: unknown): value is SessionData {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Assigns an own property, so that a key such as `__proto__` stays data. */
function setOwn(target: SessionData, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    })
  } else {
    target[key] = value
  }
}
