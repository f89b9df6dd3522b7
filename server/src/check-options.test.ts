import { describe, expect, it } from 'vitest'
import { createResthooks } from './create-resthooks'
import { prometheusMetrics } from './telemetry/prometheus-metrics'

const authenticate = () => 'alice'

describe('createResthooks options', () => {
  it.each([
    [{}, /options\.authenticate is required: a function .*\(missing\)/],
    [{ authenticate: 'alice' }, /options\.authenticate must be a function/],
    [
      { authenticate, retry: { retries: -1 } },
      /options\.retry\.retries must be an integer >= 0 \(got -1\)/,
    ],
    [{ authenticate, retry: { retries: 1.5 } }, /options\.retry\.retries/],
    [{ authenticate, retry: { jitter: 2 } }, /options\.retry\.jitter must be a number from 0 to 1/],
    [
      { authenticate, concurrency: { perHost: 0 } },
      /options\.concurrency\.perHost must be an integer >= 1/,
    ],
    [{ authenticate, timeout: '10s' }, /options\.timeout must be an integer >= 1 \(ms\)/],
    [
      { authenticate, allowPrivateTargets: 'yes' },
      /options\.allowPrivateTargets must be true or false/,
    ],
    [{ authenticate, events: ['ok', ' bad'] }, /options\.events\.1/],
    [
      { authenticate, signing: { secret: 'hunter2' } },
      /options\.signing\.secret must be a whsec_ or whsk_ key/,
    ],
    [{ authenticate, store: {} }, /options\.store must be a SubscriptionStore/],
    [{ authenticate, allowPrivateTarget: true }, /options\.allowPrivateTarget is not an option/],
    [
      { authenticate, telemetry: { tracer: {} } },
      /options\.telemetry\.tracer must be an OpenTelemetry Tracer \(an object with startSpan\)/,
    ],
    [{ authenticate, telemetry: { prometheus: {} } }, /options\.telemetry\.prometheus must be/],
    [
      { authenticate, telemetry: { traces: true } },
      /options\.telemetry\.traces is not an option of telemetry/,
    ],
  ])('refuses %j at construction, naming the option', (options, message) => {
    expect(() => createResthooks(options as never)).toThrow(TypeError)
    expect(() => createResthooks(options as never)).toThrow(message)
  })

  it('refuses no options at all', () => {
    expect(() => createResthooks(undefined as never)).toThrow(/options must be an object/)
  })

  it('takes every documented option when each is well typed', async () => {
    const rh = createResthooks({
      authenticate,
      events: ['post.created'],
      signing: { perSubscription: 'v1a' },
      retry: { retries: 0, initialDelay: 10, factor: 1, maxDelay: 100, jitter: 0 },
      disableAfter: 5,
      handshake: false,
      allowPrivateTargets: true,
      concurrency: { global: 4, perHost: 2 },
      timeout: 1000,
      leaseMs: 5000,
      maxResponseBytes: 1024,
      maxBodyBytes: 1024,
      onError: () => {},
      telemetry: {
        tracer: { startSpan: () => ({}) as never },
        prometheus: prometheusMetrics(),
        countSubscriptions: async () => ({}),
      },
    })
    await rh.close()
  })
})
