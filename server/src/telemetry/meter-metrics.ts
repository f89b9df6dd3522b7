import type { DeliveryResult } from '../delivery/types'
import type { Attributes, MeterLike } from './otel-types'
import { attemptOutcomes, DURATION_BUCKETS } from './prometheus-metrics'
import {
  type GaugeSources,
  oldestDueAgeSeconds,
  queueDepth,
  subscriptionStatuses,
} from './sample-gauges'

/** Counts one settled attempt: its outcome and duration in seconds. */
export type RecordAttempt = (outcome: DeliveryResult['outcome'], seconds: number) => void

/**
 * rh's delivery metrics through an OpenTelemetry meter: the counter `rh.delivery.attempts`
 * (`rh.outcome`), the histogram `rh.delivery.attempt.duration` (s), and the observable gauges
 * `rh.queue.depth`, `rh.queue.oldest_due_age` (s) and, with `countSubscriptions`,
 * `rh.subscriptions` (`rh.status`), read when the meter's reader collects.
 *
 * @example
 * const record = meterMetrics(metrics.getMeter('rh'), { queue, clock })
 * record('delivered', 0.012)
 */
export function meterMetrics(meter: MeterLike, sources: GaugeSources): RecordAttempt {
  const attempts = meter.createCounter('rh.delivery.attempts', {
    description: 'Delivery attempts by outcome',
    unit: '{attempt}',
  })
  const duration = meter.createHistogram('rh.delivery.attempt.duration', {
    description: 'Duration of delivery attempts',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
  })
  meter
    .createObservableGauge('rh.queue.depth', {
      description: 'Pending deliveries, in flight included',
      unit: '{delivery}',
    })
    .addCallback(async (result) => result.observe(await queueDepth(sources)))
  meter
    .createObservableGauge('rh.queue.oldest_due_age', {
      description: 'How long the oldest due delivery has waited past its due time',
      unit: 's',
    })
    .addCallback(async (result) => result.observe(await oldestDueAgeSeconds(sources)))
  const { countSubscriptions } = sources
  if (countSubscriptions) {
    meter
      .createObservableGauge('rh.subscriptions', {
        description: 'Subscriptions by status',
        unit: '{subscription}',
      })
      .addCallback(async (result) => {
        const counts = await countSubscriptions()
        for (const status of subscriptionStatuses) {
          result.observe(counts[status] ?? 0, { 'rh.status': status })
        }
      })
  }
  // One attributes object per outcome, made once: none is allocated per attempt.
  const byOutcome = new Map<string, Attributes>(
    attemptOutcomes.map((outcome) => [outcome, { 'rh.outcome': outcome }]),
  )
  return (outcome, seconds) => {
    const attributes = byOutcome.get(outcome)
    attempts.add(1, attributes)
    duration.record(seconds, attributes)
  }
}
