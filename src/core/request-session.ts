/** @module One request's session: loaded on demand, then committed onto the response. */
import type {
  CodecBackend,
  DecodedSession,
  EncodedSession,
  SessionBackends,
  SessionData,
} from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { dataJson, isEmpty, serialize } from '../lib/json.ts'
import { isPlainObject } from '../lib/options.ts'
import { cookieMaxAge, privateResponse } from '../lib/response-headers.ts'
import { loadFailure } from './answer.ts'
import { checkBackends, readTokens } from './backend-set.ts'
import { commitHeaders } from './commit.ts'
import type { EndpointSession } from './device-bound/endpoints.ts'
import { checkBinding } from './device-bound/enforce.ts'
import { bindingWrites, type HeaderWrite } from './device-bound/headers.ts'
import type { DeviceBound } from './device-bound/options.ts'
import { Session, type SessionRecord } from './session.ts'
import type { BackendsInit, SessionOptions } from './session-options.ts'

interface Loaded {
  session: Session
  record: SessionRecord
  /** The valid token the request presented, and what the codec said of it. */
  token: string | undefined
  decoded: DecodedSession | undefined
  /** The request presented a token that did not decode: clear it once. */
  invalid: boolean
}

export class RequestSession implements EndpointSession {
  #loaded: Promise<Loaded> | undefined
  /** What `#loaded` resolved to, once it did: the commit reads it without another await. */
  #value: Loaded | undefined
  /** Check a device-bound session's bound cookie; off for the registration and refresh paths. */
  #enforce = true
  /** Headers a device-bound endpoint writes beside the session's own. */
  also: HeaderWrite | undefined
  #backends: SessionBackends | undefined
  /** Whose writes a Response may carry: the outermost layer's state (this one when alone). */
  owner: object = this
  /** What `getSession` threw, its answer decided then. */
  failure: unknown

  constructor(
    readonly request: Request,
    readonly rest: unknown[],
    readonly init: BackendsInit<unknown[]>,
    readonly options: SessionOptions,
    /** The `deviceBound` option, built. */
    readonly bound?: DeviceBound | undefined,
  ) {}

  backends(): SessionBackends {
    if (this.#backends === undefined) {
      const init = this.init
      this.#backends =
        typeof init === 'function'
          ? checkBackends(
              init(this.request, ...this.rest),
              this.options.validAfter !== undefined,
              this.bound !== undefined,
            )
          : init
    }
    return this.#backends
  }

  async session(): Promise<Session> {
    if (this.#loaded === undefined) {
      this.#loaded = this.#load()
      this.#value = await this.#loaded
    }
    return (this.#value ?? (await this.#loaded)).session
  }

  /** The session as loaded without the bound-cookie check (the device-bound paths only). */
  async unenforced(): Promise<{ record: SessionRecord; token: string | undefined }> {
    this.#enforce = false
    this.#loaded ??= this.#load()
    const { record, token } = await this.#loaded
    return { record, token }
  }

  async #load(): Promise<Loaded> {
    const { codec, authorization } = this.backends()
    let invalid = false
    let candidates = 0
    try {
      let rejected: DecodeError | undefined
      const tokens = readTokens(authorization, this.request)
      candidates = tokens.length
      // The first candidate that decodes wins, so a stale cookie under another Path cannot lock a
      // user out; when none does, the first one's error is the one reported.
      for (const presented of tokens) {
        try {
          return await this.#open(presented)
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error
          rejected ??= error
        }
      }
      if (rejected !== undefined) throw rejected
    } catch (error) {
      if (!(error instanceof DecodeError)) {
        this.failure = loadFailure(error, this.request, this.owner, this.options.onStoreError)
        throw this.failure
      }
      // Cleared once, so onInvalid does not hear it again; but only a lone token, and not a bound
      // session's (its browser may be refreshing the bound cookie right now). A planted
      // cookie (`injected`), or one of several copies of a name (others under another Domain or
      // Path, beyond the candidates tried), is not: clearing writes our Path and Domain, which
      // deletes the victim's own cookie and leaves the planted ones in place.
      invalid = error.reason !== 'injected' && error.reason !== 'unbound' && candidates === 1
      const answer = this.options.onInvalid?.(error, this.request)
      if (answer instanceof Response) {
        const { request, owner, options } = this
        this.failure = loadFailure(error, request, owner, options.onStoreError, answer)
        throw this.failure
      }
    }
    const record = newRecord({}, codec.createId?.(), undefined, codec, '{}')
    const session = new Session(record, true)
    return { session, record, token: undefined, decoded: undefined, invalid }
  }

  /** Decodes one presented token into a loaded session; throws `DecodeError` for a bad one. */
  async #open(presented: string): Promise<Loaded> {
    const { codec } = this.backends()
    const decoded: DecodedSession = codec.decodeSession
      ? await codec.decodeSession(presented)
      : { data: await codec.decode(presented) }
    if (!isPlainObject(decoded?.data)) {
      throw new DecodeError('malformed', 'session data is not an object')
    }
    // Data of plain values only is serialized at its first change (if any), not here.
    const snapshot = isFlat(decoded.data) ? undefined : serialize(decoded.data)
    if (this.options.validAfter !== undefined) await this.#checkRevocation(decoded)
    const bound = this.bound
    if (bound !== undefined && this.#enforce)
      await checkBinding(bound, decoded.binding, this.request)
    const record = newRecord(decoded.data, decoded.id, decoded.maxAge, codec, snapshot)
    record.binding = decoded.binding
    const session = new Session(record, false)
    return { session, record, token: presented, decoded, invalid: false }
  }

  async #checkRevocation({ data, started }: DecodedSession): Promise<void> {
    const after = await this.options.validAfter?.(data, this.request)
    if (after === undefined) return
    if (started === undefined || Math.floor(started) < Math.floor(after / 1000)) {
      throw new DecodeError('revoked')
    }
  }

  /** Writes what the handler changed onto its response; the session is read-only afterwards. */
  async commit<Res extends Response | undefined>(response: Res): Promise<Res> {
    if (this.#loaded === undefined) return commitHeaders(response, this.owner, undefined)
    let loaded: Loaded
    try {
      loaded = this.#value ?? (await this.#loaded)
    } catch {
      // Loading failed and the handler answered anyway: nothing of this session to write.
      return commitHeaders(response, this.owner, undefined)
    }
    const { record } = loaded
    record.committed = true
    // A 101 upgrade, Response.error() and opaque responses carry no headers of ours.
    if (response === undefined || response.status === 101 || response.status === 0) {
      return commitHeaders(response, this.owner, undefined)
    }
    const write = await this.#write(loaded)
    const bound = this.bound
    const binding =
      bound && (await bindingWrites(bound, record, loaded.decoded?.binding, loaded.token, write))
    const also = this.also
    if (write === undefined && binding === undefined && also === undefined) {
      return commitHeaders(response, this.owner, undefined)
    }
    return commitHeaders(response, this.owner, (headers) => {
      const { storage, authorization } = this.backends()
      if (write === 'clear') storage.clear(headers, { request: this.request })
      else if (write !== undefined) {
        storage.persist(headers, write.token, { maxAge: write.maxAge, request: this.request })
      }
      binding?.(headers)
      also?.(headers)
      privateResponse(headers, authorization)
    })
  }

  /** Encodes a changed session, or says to clear the client's token; `undefined`: nothing to do. */
  async #write(
    loaded: Loaded,
  ): Promise<{ token: string; maxAge: number | undefined } | 'clear' | undefined> {
    const { record, token, decoded } = loaded
    const { codec } = this.backends()
    // No snapshot: the data is as decoded (plain values, never changed), so nothing to serialize
    // unless the token must be issued again.
    if (
      record.snapshot === undefined &&
      !record.rotate &&
      decoded?.renew !== true &&
      record.maxAge === decoded?.maxAge &&
      record.binding === decoded?.binding
    ) {
      return undefined
    }
    const snapshot = record.snapshot ?? serialize(record.data)
    const empty = isEmpty(record.data)
    // Emptied, destroyed or regenerated: the record behind the old token goes (server-side codecs).
    if (token !== undefined && (record.rotate || (empty && snapshot !== '{}'))) {
      await codec.destroy?.(token)
    }
    if (empty) {
      const held = token !== undefined && (snapshot !== '{}' || record.rotate)
      return held || loaded.invalid ? 'clear' : undefined
    }
    const json = dataJson(record.data)
    if (
      !record.rotate &&
      decoded?.renew !== true &&
      record.maxAge === decoded?.maxAge &&
      record.binding === decoded?.binding &&
      json === snapshot
    ) {
      return undefined
    }
    const write = {
      previous: record.rotate ? undefined : decoded,
      id: record.id,
      maxAge: record.maxAge,
      json,
      binding: record.binding,
    }
    const encoded: EncodedSession = codec.encodeSession
      ? await codec.encodeSession(record.data, write)
      : { token: await codec.encode(record.data) }
    record.id = encoded.id ?? record.id
    // The session's own lifetime bounds the cookie too, for codecs that cannot carry it.
    return { token: encoded.token, maxAge: cookieMaxAge(encoded.maxAge, record.maxAge) }
  }
}

function newRecord(
  data: SessionData,
  id: string | undefined,
  maxAge: number | undefined,
  codec: CodecBackend,
  snapshot: string | undefined,
): SessionRecord {
  // Called as the codec's method, so a codec written as a class keeps its `this`.
  const createId = codec.createId === undefined ? undefined : () => codec.createId!()
  return {
    data,
    rotate: false,
    id,
    maxAge,
    committed: false,
    createId,
    binding: undefined,
    snapshot,
  }
}

/** True when every value is a string, number, boolean or null: nothing to change in place. */
function isFlat(data: SessionData): boolean {
  for (const key in data) {
    const value = data[key]
    if (typeof value === 'object' && value !== null) return false
  }
  return true
}
