import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../testing/manual-clock'
import { startReceiver } from '../testing/receiver'
import { results, subscribe, telemetryTestKit } from './telemetry-test-kit'

const kit = telemetryTestKit()
const exporter = new InMemorySpanExporter()
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
const tracer = provider.getTracer('rh-test')

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
})
afterAll(async () => {
  context.disable()
  await provider.shutdown()
})
afterEach(async () => {
  await kit.cleanUp()
  exporter.reset()
})

const SPAN_KIND_CLIENT = 2
const SPAN_KIND_PRODUCER = 3
const STATUS_ERROR = 2
const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name)
const attributeOf = (span: ReadableSpan | undefined, key: string) => span?.attributes[key]

describe('telemetry: spans', () => {
  it('traces notify under the caller’s span and each attempt as an HTTP client span linked to it', async () => {
    const rh = kit.setup({ telemetry: { tracer }, retry: { retries: 0 } })
    const ok = await kit.receiver()
    const broken = await kit.receiver(() => ({ status: 500 }))
    const okId = await subscribe(rh, `${ok.url}?token=s3cret&x=1`)
    const brokenId = await subscribe(rh, broken.url)

    let callerSpanId = ''
    let traceId = ''
    const seen = await results(rh, 2, () =>
      tracer.startActiveSpan('handle request', async (caller) => {
        callerSpanId = caller.spanContext().spanId
        traceId = caller.spanContext().traceId
        try {
          return await rh.notify('alice', 'post.created', { id: 'p_1' })
        } finally {
          caller.end()
        }
      }),
    )
    const messageId = seen[0]?.message_id

    const [notify] = named('rh notify')
    expect(notify?.kind).toBe(SPAN_KIND_PRODUCER)
    expect(notify?.parentSpanContext?.spanId).toBe(callerSpanId)
    expect(notify?.spanContext().traceId).toBe(traceId)
    expect(notify?.attributes).toMatchObject({
      'rh.event': 'post.created',
      'rh.message_id': messageId,
      'rh.deliveries': 2,
    })

    const attempts = named('POST')
    expect(attempts).toHaveLength(2)
    const bySubscription = (id: string) =>
      attempts.find((span) => attributeOf(span, 'rh.subscription_id') === id)
    const delivered = bySubscription(okId)
    const failed = bySubscription(brokenId)
    for (const span of [delivered, failed]) {
      expect(span?.kind).toBe(SPAN_KIND_CLIENT)
      expect(span?.links.map((link) => link.context.spanId)).toEqual([notify?.spanContext().spanId])
      expect(span?.attributes).toMatchObject({
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'rh.message_id': messageId,
        'rh.event': 'post.created',
        'rh.attempt': 1,
      })
      expect(attributeOf(span, 'http.request.resend_count')).toBeUndefined()
    }
    const okPort = Number(new URL(ok.url).port)
    expect(delivered?.attributes).toMatchObject({
      'url.full': `${ok.url}?token=REDACTED&x=REDACTED`,
      'server.port': okPort,
      'http.response.status_code': 204,
      'rh.outcome': 'delivered',
    })
    expect(attributeOf(delivered, 'error.type')).toBeUndefined()
    expect(delivered?.status.code).not.toBe(STATUS_ERROR)
    expect(failed?.attributes).toMatchObject({
      'url.full': broken.url,
      'http.response.status_code': 500,
      'error.type': '500',
      'rh.outcome': 'failed',
    })
    expect(failed?.status.code).toBe(STATUS_ERROR)
  })

  it('numbers retries with rh.attempt and http.request.resend_count, and names network errors', async () => {
    const clock = manualClock(Date.now())
    const rh = kit.setup({
      telemetry: { tracer },
      clock,
      retry: { retries: 1, initialDelay: 1000, jitter: 0 },
    })
    // A receiver's port once it closed: nothing listens, the connection is refused. (Not a
    // well-known closed port such as 9: Deno's fetch blocks the fetch spec's "bad ports".)
    const gone = await startReceiver()
    await gone.close()
    await subscribe(rh, gone.url)
    await results(rh, 1, () => rh.notify('alice', 'post.created', {}))
    const [retried] = await results(rh, 1, () => clock.advance(1000))
    expect(retried?.outcome).toBe('failed')

    const attempts = named('POST').sort(
      (a, b) => Number(a.attributes['rh.attempt']) - Number(b.attributes['rh.attempt']),
    )
    expect(attempts.map((span) => span.attributes['rh.attempt'])).toEqual([1, 2])
    expect(attempts.map((span) => span.attributes['http.request.resend_count'])).toEqual([
      undefined,
      1,
    ])
    expect(attempts.map((span) => span.attributes['rh.outcome'])).toEqual(['retrying', 'failed'])
    for (const span of attempts) {
      expect(span.attributes['error.type']).toBe('connection_refused')
      expect(span.attributes['http.response.status_code']).toBeUndefined()
    }
  })

  it('marks a refused notify as an error and still rejects it', async () => {
    const rh = kit.setup({ telemetry: { tracer }, events: ['post.created'] })
    await expect(rh.notify('alice', 'post.deleted' as 'post.created', {})).rejects.toMatchObject({
      code: 'unknown_event',
    })
    const [notify] = named('rh notify')
    expect(notify?.status.code).toBe(STATUS_ERROR)
    expect(notify?.attributes['error.type']).toBe('unknown_event')
    expect(notify?.parentSpanContext).toBeUndefined()
  })

  it('keeps delivering when the tracer throws', async () => {
    const throwing = {
      startSpan: () => {
        throw new Error('broken tracer')
      },
    }
    const rh = kit.setup({ telemetry: { tracer: throwing } })
    const ok = await kit.receiver()
    await subscribe(rh, ok.url)
    const [result] = await results(rh, 1, () => rh.notify('alice', 'post.created', {}))
    expect(result?.outcome).toBe('delivered')
    expect(ok.deliveries()).toHaveLength(1)
    expect(trace.getActiveSpan()).toBeUndefined()
  })
})
