import type { NotifyReceipt } from '../delivery/types'
import type { AttemptObserver } from './attempt-observer'
import { recordAttemptSpan } from './attempt-span'
import { meterMetrics, type RecordAttempt } from './meter-metrics'
import {
  type MeterLike,
  SPAN_KIND_PRODUCER,
  SPAN_STATUS_ERROR,
  type SpanContextLike,
  type SpanLike,
  type TracerLike,
} from './otel-types'
import { type PrometheusMetrics, prometheusFeed } from './prometheus-metrics'
import type { GaugeSources, SubscriptionCounts } from './sample-gauges'

/**
 * The `telemetry` option of `createResthooks`. Everything is optional and off by default; rh
 * never imports `@opentelemetry/api` itself: pass its tracer and meter.
 *
 * @example
 * import { metrics, trace } from '@opentelemetry/api'
 *
 * const telemetry: TelemetryOptions = {
 *   tracer: trace.getTracer('rh'),
 *   meter: metrics.getMeter('rh'),
 *   prometheus: prometheusMetrics(),
 * }
 */
export interface TelemetryOptions {
  /** Spans of each `notify` (under the caller's active span) and each delivery attempt. */
  tracer?: TracerLike
  /** Delivery counters, duration histogram and queue gauges as OpenTelemetry metrics. */
  meter?: MeterLike
  /** The same metrics in the Prometheus text format, from {@link prometheusMetrics}. */
  prometheus?: PrometheusMetrics
  /**
   * Subscriptions per status, for the `subscriptions` gauge; called at each scrape or collection.
   * The store has no count of its own (counting through its pages would read every row of every
   * owner), so the gauge is there only when this is given: e.g. one `GROUP BY status` query.
   */
  countSubscriptions?: () => Promise<SubscriptionCounts>
}

/** What `createResthooks` wires in: the engine's observer and the `notify` wrapper. */
export interface Telemetry {
  /** For the delivery engine; `null` when nothing watches attempts. */
  observer: AttemptObserver | null
  /** Runs `notify` inside its span; `null` without a tracer (call it directly). */
  traceNotify:
    | (<R extends NotifyReceipt>(event: string, notify: () => Promise<R>) => Promise<R>)
    | null
}

/** Notify spans remembered for their attempts' links (in this process, the most recent). */
const REMEMBERED_NOTIFIES = 10_000

/**
 * Builds the telemetry of one server from its options, or `null` when there is none (then the
 * engine and `notify` run exactly as without it).
 *
 * @example
 * const telemetry = createTelemetry(options.telemetry, { queue, clock })
 * const engine = createDeliveryEngine({ ...engineOptions, observer: telemetry?.observer })
 */
export function createTelemetry(
  options: TelemetryOptions | undefined,
  sources: Omit<GaugeSources, 'countSubscriptions'>,
): Telemetry | null {
  if (!options) return null
  const { tracer, meter, prometheus } = options
  if (!tracer && !meter && !prometheus) return null
  const gauges: GaugeSources = { ...sources, countSubscriptions: options.countSubscriptions }
  const records: RecordAttempt[] = []
  if (prometheus) {
    const feed = prometheusFeed(prometheus)
    feed.bind(gauges)
    records.push(feed.attempt)
  }
  if (meter) records.push(meterMetrics(meter, gauges))
  const notifySpans = new Map<string, SpanContextLike>()

  const observer: AttemptObserver = {
    attempted(dispatch, outcome, result) {
      try {
        if (tracer) {
          const link = notifySpans.get(dispatch.job.message_id)
          recordAttemptSpan(tracer, dispatch, outcome, result, link)
        }
        if (result) {
          const seconds = Math.max(0, outcome.endedAt - outcome.startedAt) / 1000
          for (const record of records) record(result.outcome, seconds)
        }
      } catch {
        // A faulty tracer or meter must not disturb delivery.
      }
    },
  }

  function traceNotify<R extends NotifyReceipt>(
    this: void,
    event: string,
    notify: () => Promise<R>,
  ): Promise<R> {
    let span: SpanLike
    try {
      span = (tracer as TracerLike).startSpan('rh notify', {
        kind: SPAN_KIND_PRODUCER,
        attributes: { 'rh.event': event },
      })
    } catch {
      // A faulty tracer must not stop notifications: this one goes untraced.
      return notify()
    }
    let pending: Promise<R>
    try {
      pending = notify()
    } catch (error) {
      pending = Promise.reject(error)
    }
    return pending.then(
      (receipt) => {
        span.setAttribute('rh.message_id', receipt.message_id)
        span.setAttribute('rh.deliveries', receipt.deliveries)
        if (notifySpans.size >= REMEMBERED_NOTIFIES) {
          notifySpans.delete(notifySpans.keys().next().value as string)
        }
        notifySpans.set(receipt.message_id, span.spanContext())
        span.end()
        return receipt
      },
      (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code
        span.setAttribute(
          'error.type',
          typeof code === 'string' ? code : ((error as Error | null)?.name ?? '_OTHER'),
        )
        span.setStatus({ code: SPAN_STATUS_ERROR, message: String((error as Error)?.message) })
        span.end()
        throw error
      },
    )
  }

  return { observer, traceNotify: tracer ? traceNotify : null }
}
