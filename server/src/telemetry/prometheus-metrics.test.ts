import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../testing/manual-clock'
import { prometheusMetrics } from './prometheus-metrics'
import { results, subscribe, telemetryTestKit } from './telemetry-test-kit'

const kit = telemetryTestKit()
afterEach(() => kit.cleanUp())

/** The value of one sample line of a scrape, e.g. `rh_queue_depth` or `x{outcome="failed"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

/** A reader that collects only when asked. */
class PullReader extends MetricReader {
  protected override async onForceFlush() {}
  protected override async onShutdown() {}
}

describe('telemetry: Prometheus metrics', () => {
  it('counts attempts by outcome and their durations after known traffic', async () => {
    const prometheus = prometheusMetrics()
    const rh = kit.setup({ telemetry: { prometheus }, retry: { retries: 0 } })
    const ok = await kit.receiver()
    const broken = await kit.receiver(() => ({ status: 503 }))
    for (let i = 0; i < 3; i++) await subscribe(rh, ok.url)
    await subscribe(rh, broken.url)
    await subscribe(rh, ok.url, 'post.deleted')

    const seen = await results(rh, 4, () => rh.notify('alice', 'post.created', {}))
    expect(seen.map((r) => r.outcome).sort()).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'failed',
    ])
    const text = await prometheus.scrape()
    expect(sample(text, 'rh_delivery_attempts_total{outcome="delivered"}')).toBe(3)
    expect(sample(text, 'rh_delivery_attempts_total{outcome="failed"}')).toBe(1)
    expect(sample(text, 'rh_delivery_attempts_total{outcome="retrying"}')).toBe(0)
    expect(sample(text, 'rh_delivery_attempt_duration_seconds_count')).toBe(4)
    expect(sample(text, 'rh_delivery_attempt_duration_seconds_bucket{le="+Inf"}')).toBe(4)
    expect(sample(text, 'rh_delivery_attempt_duration_seconds_bucket{le="10"}')).toBe(4)
    expect(sample(text, 'rh_delivery_attempt_duration_seconds_sum')).toBeGreaterThanOrEqual(0)
    expect(sample(text, 'rh_queue_depth')).toBe(0)
    expect(sample(text, 'rh_queue_oldest_due_age_seconds')).toBe(0)
    // No countSubscriptions: no subscriptions gauge rather than a wrong one.
    expect(text).not.toContain('rh_subscriptions')
    expect(text).toContain('# TYPE rh_delivery_attempts_total counter\n')
    expect(text).toContain('# TYPE rh_delivery_attempt_duration_seconds histogram\n')
    expect(text.endsWith('\n')).toBe(true)
  })

  it('samples the queue depth and how overdue its oldest delivery is at each scrape', async () => {
    const clock = manualClock(Date.now())
    const prometheus = prometheusMetrics()
    const rh = kit.setup({
      telemetry: {
        prometheus,
        countSubscriptions: async () => ({ active: 2, disabled: 1 }),
      },
      clock,
      retry: { retries: 1, initialDelay: 60_000, jitter: 0 },
    })
    const broken = await kit.receiver(() => ({ status: 500 }))
    await subscribe(rh, broken.url)
    await subscribe(rh, broken.url)
    await results(rh, 2, () => rh.notify('alice', 'post.created', {}))
    let text = await prometheus.scrape()
    expect(sample(text, 'rh_delivery_attempts_total{outcome="retrying"}')).toBe(2)
    expect(sample(text, 'rh_queue_depth')).toBe(2)
    expect(sample(text, 'rh_queue_oldest_due_age_seconds')).toBe(0)
    expect(sample(text, 'rh_subscriptions{status="active"}')).toBe(2)
    expect(sample(text, 'rh_subscriptions{status="paused"}')).toBe(0)
    expect(sample(text, 'rh_subscriptions{status="disabled"}')).toBe(1)

    // The retries fall due while the engine is stopped: they wait, and the age says how long.
    await rh.close({ graceMs: 0 })
    await clock.advance(90_000)
    text = await prometheus.scrape()
    expect(sample(text, 'rh_queue_depth')).toBe(2)
    expect(sample(text, 'rh_queue_oldest_due_age_seconds')).toBe(30)
  })

  it('answers GET with the text format and refuses other methods', async () => {
    const prometheus = prometheusMetrics()
    kit.setup({ telemetry: { prometheus } })
    const response = await prometheus.fetch(new Request('http://rh.test/metrics'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(await response.text()).toContain('rh_queue_depth 0\n')
    const refused = await prometheus.fetch(
      new Request('http://rh.test/metrics', { method: 'POST' }),
    )
    expect(refused.status).toBe(405)
    expect(refused.headers.get('allow')).toBe('GET')
  })

  it('belongs to one server only', () => {
    const prometheus = prometheusMetrics()
    kit.setup({ telemetry: { prometheus } })
    expect(() => kit.setup({ telemetry: { prometheus } })).toThrow(/already used/)
  })
})

describe('telemetry: OpenTelemetry metrics', () => {
  it('records the same counts through a meter, and reads the gauges when collected', async () => {
    const reader = new PullReader()
    const provider = new MeterProvider({ readers: [reader] })
    try {
      const rh = kit.setup({
        telemetry: {
          meter: provider.getMeter('rh-test'),
          countSubscriptions: async () => ({ active: 4 }),
        },
        retry: { retries: 0 },
      })
      const ok = await kit.receiver()
      const broken = await kit.receiver(() => ({ status: 500 }))
      for (let i = 0; i < 3; i++) await subscribe(rh, ok.url)
      await subscribe(rh, broken.url)
      await results(rh, 4, () => rh.notify('alice', 'post.created', {}))

      const { resourceMetrics, errors } = await reader.collect()
      expect(errors).toEqual([])
      const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)
      const find = (name: string) => metrics.find((m) => m.descriptor.name === name)
      const points = (name: string) =>
        (find(name)?.dataPoints ?? []).map((p) => [p.attributes, p.value] as const)

      expect(points('rh.delivery.attempts')).toEqual(
        expect.arrayContaining([
          [{ 'rh.outcome': 'delivered' }, 3],
          [{ 'rh.outcome': 'failed' }, 1],
        ]),
      )
      expect(find('rh.delivery.attempt.duration')?.descriptor.unit).toBe('s')
      const counts = (find('rh.delivery.attempt.duration')?.dataPoints ?? []).map(
        (p) => (p.value as { count: number }).count,
      )
      expect(counts.reduce((a, b) => a + b, 0)).toBe(4)
      expect(points('rh.queue.depth')).toEqual([[{}, 0]])
      expect(points('rh.queue.oldest_due_age')).toEqual([[{}, 0]])
      expect(points('rh.subscriptions')).toEqual([
        [{ 'rh.status': 'active' }, 4],
        [{ 'rh.status': 'paused' }, 0],
        [{ 'rh.status': 'disabled' }, 0],
      ])
    } finally {
      await provider.shutdown()
    }
  })
})
