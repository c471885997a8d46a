/** @module The Session object a handler reads and changes. */
import type { SessionBinding, SessionData } from '../backends.ts'
import { FLASH_KEY } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { isPlainObject, MAX_LIFETIME } from '../lib/options.ts'

/**
 * Session data that JSON keeps as it is: strings, numbers, booleans, null, arrays and plain
 * objects. `Date`, `Map`, `Set`, `BigInt`, functions and class instances with methods are compile
 * errors: store `date.toISOString()`, `Object.fromEntries(map)` or `String(bigint)` instead.
 */
export type JsonSafe<T> = 0 extends 1 & T
  ? T
  : unknown extends T
    ? T
    : T extends string | number | boolean | null | undefined
      ? T
      : T extends bigint | symbol | ((...args: never[]) => unknown)
        ? never
        : { [K in keyof T]: JsonSafe<T[K]> }

/** The constraint on a session's data type: an object whose every value is `JsonSafe`. */
export type JsonData<Data> = { [K in keyof Data]: JsonSafe<Data[K]> }

/** What `withSession` and the `Session` share for one request. */
export interface SessionRecord {
  data: SessionData
  /** `regenerate()` or `destroy()` was called: issue a fresh token, forget the old one. */
  rotate: boolean
  /** The server-side id (store-backed codecs), set at creation and by `regenerate()`. */
  id: string | undefined
  /** The session's own lifetime in seconds (`setMaxAge`). */
  maxAge: number | undefined
  /** The response went out: later changes would be lost, so they throw. */
  committed: boolean
  /** The codec's id maker, for `regenerate()`. */
  createId: (() => string) | undefined
  /**
   * The data as decoded, serialized, to see at commit whether the handler changed it. Left
   * `undefined` for data of plain values only (nothing the handler could change in place): taken
   * at the first change, so a request that only reads never serializes its session.
   */
  snapshot: string | undefined
  /** The device the session is bound to (`deviceBound`); `regenerate()` and `destroy()` drop it. */
  binding: SessionBinding | undefined
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
export class Session<Data extends JsonData<Data> = SessionData> {
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
    if (isPlainObject(flashes)) this.#unread = new Set(Object.keys(flashes))
  }

  /**
   * The server-side session id (store-backed codecs only): known from the request that creates
   * the session, and new after `regenerate()`. `undefined` for stateless codecs.
   */
  get id(): string | undefined {
    return this.#record.id
  }

  /**
   * True when the session is bound to this device (`withSession`'s `deviceBound`): the browser
   * registered a key, and this request came with the bound cookie that proves it still holds it.
   */
  get deviceBound(): boolean {
    return this.#record.binding !== undefined
  }

  /** The session's own lifetime in seconds, when `setMaxAge` gave it one. */
  get maxAge(): number | undefined {
    return this.#record.maxAge
  }

  /** The value for `key`; a flash value is returned once and then removed. */
  get<K extends Key<Data>>(key: K): Data[K] | undefined {
    if (this.#unread?.has(key)) return this.#takeFlash(key) as Data[K]
    const data = this.#record.data
    return (Object.hasOwn(data, key) ? data[key] : undefined) as Data[K] | undefined
  }

  set<K extends Key<Data>>(key: K, value: Data[K]): void {
    setOwn(this.#writable().data, key, value)
  }

  has(key: Key<Data>): boolean {
    return (
      (this.#unread?.has(key) ?? false) ||
      (key !== FLASH_KEY && Object.hasOwn(this.#record.data, key))
    )
  }

  delete(key: Key<Data>): void {
    delete this.#writable().data[key]
  }

  /** Removes every value; the client's token is cleared unless something is set again. */
  clear(): void {
    this.#writable().data = {}
    this.#unread = undefined
  }

  /** Sets a value that a later request can read once with `get`. */
  flash<K extends Key<Data>>(key: K, value: Data[K]): void {
    const data = this.#writable().data
    const flashes = isPlainObject(data[FLASH_KEY]) ? { ...data[FLASH_KEY] } : {}
    setOwn(flashes, key, value)
    data[FLASH_KEY] = flashes
    this.#unread?.delete(key)
  }

  /**
   * Gives this session its own absolute lifetime in whole seconds ("remember me"), within the
   * codec's `maxAge`; the token and the cookie's Max-Age follow it. `undefined` goes back to the
   * codec's. Counted from the session's start; call it with `regenerate()` at login.
   */
  setMaxAge(seconds: number | undefined): void {
    if (
      seconds !== undefined &&
      (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_LIFETIME)
    ) {
      throw new SessionError(
        'ERR_SESSION_DATA',
        `setMaxAge takes a whole number of seconds from 1 to ${MAX_LIFETIME} (400 days)`,
      )
    }
    this.#writable().maxAge = seconds
  }

  /** Keeps the data under a fresh token (and a new id for server-side sessions); call it at login. */
  regenerate(): void {
    const record = this.#writable()
    record.rotate = true
    record.id = record.createId?.()
    // A login binds anew: the browser registers a key for the new token.
    record.binding = undefined
  }

  /** Removes every value, clears the client's token and deletes the server-side record. */
  destroy(): void {
    this.clear()
    this.#record.rotate = true
    this.#record.id = undefined
    this.#record.binding = undefined
  }

  /** The data as it will be stored. */
  toJSON(): Data {
    return { ...this.#record.data } as Data
  }

  #writable(): SessionRecord {
    if (this.#record.committed) {
      throw new SessionError(
        'ERR_SESSION_COMMITTED',
        'the session was changed after its response was committed; change it before returning the response',
      )
    }
    this.#record.snapshot ??= JSON.stringify(this.#record.data)
    return this.#record
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
