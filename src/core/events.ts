/**
 * @module One request's lifecycle events: what the core and the codec report reaches the app's
 * `events` hook here, each named by the session's handle. Internal.
 */
import type { CodecContext, CodecEvent, SessionEvent } from '../events.ts'
import { sessionHandle } from '../lib/handle.ts'

/** The lifecycle events the core emits itself (the codec's come through `context`). */
type CoreEvent =
  Exclude<SessionEvent, CodecEvent | { type: 'cache' | 'store' }> extends infer E
    ? E extends SessionEvent
      ? Omit<E, 'request' | 'handle'>
      : never
    : never

/** One request's emitter: built only when the app listens, so a quiet app pays nothing. */
export class RequestEvents {
  /** Handed to the codec: its cache and store reports, named by the session known so far. */
  readonly context: CodecContext
  #handle: string | undefined

  constructor(
    readonly sink: (event: SessionEvent) => void,
    readonly request: Request,
  ) {
    this.context = { emit: (event) => this.#send(event) }
  }

  /** The session the next events name: its server-side id, if it has one. */
  name(id: string | undefined): void {
    this.#handle = id === undefined ? undefined : sessionHandle(id)
  }

  emit(event: CoreEvent): void {
    this.#send(event)
  }

  #send(event: CoreEvent | CodecEvent): void {
    this.sink({ ...event, request: this.request, handle: this.#handle } as SessionEvent)
  }
}

/** The events of a request, or `undefined` when the app does not listen. */
export function requestEvents(
  sink: ((event: SessionEvent) => void) | undefined,
  request: Request,
): RequestEvents | undefined {
  return sink === undefined ? undefined : new RequestEvents(sink, request)
}

/** What a commit did to the session, as an event: `undefined` when it wrote nothing. */
export function writeEvent(
  events: RequestEvents,
  write: { cleared: boolean; fresh: boolean; rotated: boolean; changed: boolean },
  before: string | undefined,
  after: string | undefined,
): void {
  if (write.cleared) {
    events.name(before)
    events.emit({ type: 'destroyed' })
    return
  }
  const previous = before === undefined ? undefined : sessionHandle(before)
  events.name(after)
  if (write.fresh) events.emit({ type: 'created' })
  else if (write.rotated) events.emit({ type: 'regenerated', previous })
  else events.emit({ type: 'renewed', changed: write.changed })
}
