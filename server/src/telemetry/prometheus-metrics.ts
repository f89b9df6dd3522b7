import type { DeliveryResult } from '../delivery/types'
import { ResthooksError } from '../errors'
import { problemResponse } from '../handler/problem-response'
import { family, PROMETHEUS_CONTENT_TYPE, type Sample } from './prometheus-text'
import {
  type GaugeSources,
  oldestDueAgeSeconds,
  queueDepth,
  subscriptionStatuses,
} from './sample-gauges'

/** Upper bounds of the attempt duration histogram, in seconds (Prometheus' default buckets). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

/** The outcomes of an attempt, in the order they are reported. */
export const attemptOutcomes: readonly DeliveryResult['outcome'][] = [
  'delivered',
  'retrying',
  'failed',
  'gone',
  'disabled',
]

/**
 * rh's delivery metrics in the Prometheus text format, with no dependency: give it to
 * `createResthooks({ telemetry: { prometheus } })`, then serve `scrape()` (or `fetch`) at
 * `/metrics`. One instance belongs to one `createResthooks`.
 *
 * - `rh_delivery_attempts_total{outcome}`: attempts by outcome (`delivered`, `retrying`,
 *   `failed`, `gone`, `disabled`); every delivery ends in exactly one attempt that is not
 *   `retrying`, so the others count deliveries by how they ended.
 * - `rh_delivery_attempt_duration_seconds`: histogram of attempt durations.
 * - `rh_queue_depth`: pending deliveries (`queue.size()`, sampled at each scrape).
 * - `rh_queue_oldest_due_age_seconds`: how long the oldest due delivery is overdue (sampled).
 * - `rh_subscriptions{status}`: subscriptions by status, when `countSubscriptions` is given.
 */
export interface PrometheusMetrics {
  /** The text exposition of every metric, the gauges read now. */
  scrape(): Promise<string>
  /** `GET` (or `HEAD`) answers {@link scrape} as `text/plain; version=0.0.4`; others `405`. */
  fetch(request: Request): Promise<Response>
}

/** What `createResthooks` feeds a {@link PrometheusMetrics} with. */
export interface PrometheusFeed {
  /** Binds the gauges to the queue (once). */
  bind(sources: GaugeSources): void
  /** Counts one settled attempt. */
  attempt(outcome: DeliveryResult['outcome'], seconds: number): void
}

const feeds = new WeakMap<PrometheusMetrics, PrometheusFeed>()

/** The feed of metrics made by {@link prometheusMetrics}; throws for any other object. */
export function prometheusFeed(metrics: PrometheusMetrics): PrometheusFeed {
  const feed = feeds.get(metrics)
  if (!feed) throw new TypeError('telemetry.prometheus must come from prometheusMetrics()')
  return feed
}

/**
 * Creates the Prometheus metrics of one rh server.
 *
 * @example
 * import { createResthooks, prometheusMetrics } from '@rh/server'
 *
 * const prometheus = prometheusMetrics()
 * const rh = createResthooks({ authenticate, telemetry: { prometheus } })
 * // in your router: GET /metrics
 * const response = await prometheus.fetch(request)
 */
export function prometheusMetrics(): PrometheusMetrics {
  let sources: GaugeSources | null = null
  const attempts = new Map<string, number>(attemptOutcomes.map((outcome) => [outcome, 0]))
  // Per bucket (not cumulative); the last one is +Inf.
  const buckets = new Array<number>(DURATION_BUCKETS.length + 1).fill(0)
  let durationSum = 0
  let durationCount = 0

  const feed: PrometheusFeed = {
    bind(next) {
      if (sources) throw new TypeError('telemetry.prometheus is already used by another server')
      sources = next
    },
    attempt(outcome, seconds) {
      attempts.set(outcome, (attempts.get(outcome) ?? 0) + 1)
      let i = 0
      while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++
      buckets[i] = (buckets[i] as number) + 1
      durationSum += seconds
      durationCount++
    },
  }

  async function scrape(): Promise<string> {
    let text = family(
      'rh_delivery_attempts_total',
      'counter',
      'Delivery attempts by outcome; the outcomes other than retrying count finished deliveries.',
      [...attempts].map(([outcome, value]) => ({ labels: { outcome }, value })),
    )
    const histogram: (Sample & { suffix: string })[] = []
    let cumulative = 0
    DURATION_BUCKETS.forEach((bound, i) => {
      cumulative += buckets[i] as number
      histogram.push({ suffix: '_bucket', labels: { le: String(bound) }, value: cumulative })
    })
    histogram.push({ suffix: '_bucket', labels: { le: '+Inf' }, value: durationCount })
    histogram.push({ suffix: '_sum', value: durationSum })
    histogram.push({ suffix: '_count', value: durationCount })
    text += family(
      'rh_delivery_attempt_duration_seconds',
      'histogram',
      'Duration of delivery attempts, from sending to the response or error.',
      histogram,
    )
    if (!sources) return text
    const [depth, age, counts] = await Promise.all([
      queueDepth(sources),
      oldestDueAgeSeconds(sources),
      sources.countSubscriptions?.(),
    ])
    text += family('rh_queue_depth', 'gauge', 'Pending deliveries, in flight included.', [
      { value: depth },
    ])
    text += family(
      'rh_queue_oldest_due_age_seconds',
      'gauge',
      'How long the oldest due delivery has waited past its due time.',
      [{ value: age }],
    )
    if (counts) {
      text += family(
        'rh_subscriptions',
        'gauge',
        'Subscriptions by status.',
        subscriptionStatuses.map((status) => ({ labels: { status }, value: counts[status] ?? 0 })),
      )
    }
    return text
  }

  const metrics: PrometheusMetrics = {
    scrape,
    async fetch(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return problemResponse(new ResthooksError('method_not_allowed', 'use GET'), {
          allow: 'GET',
        })
      }
      const body = await scrape()
      return new Response(request.method === 'HEAD' ? null : body, {
        headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' },
      })
    },
  }
  feeds.set(metrics, feed)
  return metrics
}
