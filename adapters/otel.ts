/**
 * withSession's lifecycle events as OpenTelemetry spans and metrics, through
 * `@opentelemetry/api` (an optional peer dependency). @module fetch-session/otel
 */
import {
  type Attributes,
  type Meter,
  metrics,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import type { SessionEvent } from '../src/index.ts'

/** Where the spans and metrics go: the global providers' by default. */
export interface OtelEventsOptions {
  /** Default: `trace.getTracer('fetch-session')`. */
  tracer?: Tracer
  /** Default: `metrics.getMeter('fetch-session')`. */
  meter?: Meter
}

/**
 * An `events` hook for `withSession` that records, through OpenTelemetry:
 * - a span per store call (`session.store <operation>`, kind client, status error when it failed
 *   or timed out), and the histogram `session.store.duration` in seconds;
 * - the counters `session.invalid` (by `session.invalid.reason`), `session.store.failures` (by
 *   `http.response.status_code`: the 503s), `session.cache.lookups` (by `session.cache.result`,
 *   `hit` or `miss`) and `session.lifecycle` (by `session.event`: created, loaded, renewed,
 *   regenerated, destroyed, revoked).
 * Spans name the session by `session.handle` (a digest, never the id).
 *
 * @example
 * import { otelEvents } from 'fetch-session/otel'
 * const handler = withSession(app, backends, { events: otelEvents() })
 */
export function otelEvents(options: OtelEventsOptions = {}): (event: SessionEvent) => void {
  const tracer = options.tracer ?? trace.getTracer('fetch-session')
  const meter = options.meter ?? metrics.getMeter('fetch-session')
  const duration = meter.createHistogram('session.store.duration', {
    unit: 's',
    description: 'How long each session store call took',
    advice: {
      explicitBucketBoundaries: [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2,
      ],
    },
  })
  const invalid = meter.createCounter('session.invalid', {
    description: 'Presented session tokens that were refused, by reason',
  })
  const failures = meter.createCounter('session.store.failures', {
    description: 'Requests answered for a failed session store (503 unless the app chose)',
  })
  const lookups = meter.createCounter('session.cache.lookups', {
    description: 'Verified-token cache lookups, by result',
  })
  const lifecycle = meter.createCounter('session.lifecycle', {
    description: 'Sessions created, loaded, renewed, regenerated, destroyed and revoked',
  })
  return (event) => {
    switch (event.type) {
      case 'store': {
        const end = Date.now()
        const attributes: Attributes = {
          'session.store.operation': event.operation,
          'session.store.outcome': event.outcome,
        }
        if (event.handle !== undefined) attributes['session.handle'] = event.handle
        const span = tracer.startSpan(`session.store ${event.operation}`, {
          kind: SpanKind.CLIENT,
          startTime: new Date(end - event.ms),
          attributes,
        })
        if (event.outcome !== 'ok')
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.outcome })
        span.end(new Date(end))
        duration.record(event.ms / 1000, {
          'session.store.operation': event.operation,
          'session.store.outcome': event.outcome,
        })
        return
      }
      case 'invalid':
        invalid.add(1, { 'session.invalid.reason': event.reason })
        return
      case 'store-failure':
        failures.add(1, { 'http.response.status_code': event.status ?? 0 })
        return
      case 'cache':
        lookups.add(1, { 'session.cache.result': event.hit ? 'hit' : 'miss' })
        return
      default:
        lifecycle.add(1, { 'session.event': event.type })
    }
  }
}
