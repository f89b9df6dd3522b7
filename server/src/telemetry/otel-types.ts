/**
 * The few OpenTelemetry API shapes rh calls, as structural types of its own: a `Tracer` or `Meter`
 * of `@opentelemetry/api` (1.x) fits them, and `@rh/server` never imports that package, so it
 * costs nothing where it is not installed.
 */

/** An attribute value, as OpenTelemetry takes it. */
export type AttributeValue = string | number | boolean

/** Attributes of a span or a measurement. */
export type Attributes = Record<string, AttributeValue | undefined>

/** The identity of a span, as `span.spanContext()` gives it. */
export interface SpanContextLike {
  traceId: string
  spanId: string
  traceFlags: number
}

/** What rh sets when it starts a span (a subset of OpenTelemetry's `SpanOptions`). */
export interface SpanOptionsLike {
  /** `SpanKind`: 2 client, 3 producer. */
  kind?: number
  attributes?: Attributes
  links?: { context: SpanContextLike; attributes?: Attributes }[]
  /** ms since the epoch. */
  startTime?: number
}

/** The span methods rh calls. */
export interface SpanLike {
  spanContext(): SpanContextLike
  setAttribute(key: string, value: AttributeValue): unknown
  /** `code`: 2 is `SpanStatusCode.ERROR`. */
  setStatus(status: { code: number; message?: string }): unknown
  /** `endTime` in ms since the epoch; omitted, now. */
  end(endTime?: number): void
}

/**
 * A tracer, e.g. `trace.getTracer('rh')` from `@opentelemetry/api`. Without a context argument,
 * `startSpan` makes the span a child of the caller's active span: that is how `notify` joins the
 * caller's trace.
 *
 * @example
 * import { trace } from '@opentelemetry/api'
 * const tracer: TracerLike = trace.getTracer('rh')
 */
export interface TracerLike {
  startSpan(name: string, options?: SpanOptionsLike): SpanLike
}

/** What an observable instrument's callback reports to. */
export interface ObservableResultLike {
  observe(value: number, attributes?: Attributes): void
}

/** An observable gauge of a meter. */
export interface ObservableLike {
  addCallback(callback: (result: ObservableResultLike) => void | Promise<void>): void
}

/** Options rh gives an instrument. */
export interface InstrumentOptionsLike {
  description?: string
  unit?: string
  advice?: { explicitBucketBoundaries?: number[] }
}

/**
 * A meter, e.g. `metrics.getMeter('rh')` from `@opentelemetry/api`.
 *
 * @example
 * import { metrics } from '@opentelemetry/api'
 * const meter: MeterLike = metrics.getMeter('rh')
 */
export interface MeterLike {
  createCounter(
    name: string,
    options?: InstrumentOptionsLike,
  ): { add(value: number, attributes?: Attributes): void }
  createHistogram(
    name: string,
    options?: InstrumentOptionsLike,
  ): { record(value: number, attributes?: Attributes): void }
  createObservableGauge(name: string, options?: InstrumentOptionsLike): ObservableLike
}

/** `SpanKind.CLIENT` */
export const SPAN_KIND_CLIENT = 2
/** `SpanKind.PRODUCER` */
export const SPAN_KIND_PRODUCER = 3
/** `SpanStatusCode.ERROR` */
export const SPAN_STATUS_ERROR = 2
