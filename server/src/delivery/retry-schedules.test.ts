import { describe, expect, it } from 'vitest'
import { createResthooks } from '../create-resthooks'
import { deliveryTestKit } from '../testing/engine-setup'
import { defaultRetryPolicy, resolveRetryPolicy, retryDelay } from './retry-policy'
import { retrySchedules } from './retry-schedules'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const STANDARD = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]

describe('retrySchedules', () => {
  it('keeps go-resthooks as the default', () => {
    expect(retrySchedules.goResthooks).toBe(defaultRetryPolicy)
    const exact = { ...retrySchedules.goResthooks, jitter: 0 }
    expect([1, 2, 3, 4].map((n) => retryDelay(exact, n))).toEqual([5000, 15_000, 45_000, null])
  })

  it('lists the Standard Webhooks delays, then gives up', () => {
    const exact = { ...retrySchedules.standardWebhooks, jitter: 0 }
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelay(exact, n))
    expect(delays).toEqual([...STANDARD, null])
  })

  it('spreads listed delays by the jitter too', () => {
    expect(retryDelay(retrySchedules.standardWebhooks, 2, () => 0)).toBe(270_000)
    expect(retryDelay(retrySchedules.standardWebhooks, 2, () => 0.999999)).toBe(330_000)
  })

  it('lets a delays list replace retries and raise maxDelay when none is given', () => {
    const policy = resolveRetryPolicy({ delays: [1000, 7_200_000] })
    expect(policy.maxDelay).toBe(7_200_000)
    const exact = { ...policy, jitter: 0 }
    expect([1, 2, 3].map((n) => retryDelay(exact, n))).toEqual([1000, 7_200_000, null])
    expect(resolveRetryPolicy({ delays: [7_200_000], maxDelay: 60_000 }).maxDelay).toBe(60_000)
  })

  it('is accepted by createResthooks as `retry`', async () => {
    const rh = createResthooks({
      authenticate: () => 'alice',
      retry: retrySchedules.standardWebhooks,
    })
    await rh.close()
  })
})

describe('the Standard Webhooks schedule in the engine', () => {
  const { receiver, setup } = deliveryTestKit()

  it('attempts at once, then after exactly 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(500).end()
    })
    const { clock, store, engine, next, start } = setup({
      retry: { ...retrySchedules.standardWebhooks, jitter: 0 },
    })
    await store.subscribe('alice', 'post.created', target.url)

    await engine.notify('alice', 'post.created', { n: 1 })
    const attemptTimes: number[] = []
    for (const delay of [0, ...STANDARD]) {
      if (delay > 0) {
        // Not a millisecond early...
        await clock.advance(delay - 1)
        expect(target.requests).toHaveLength(attemptTimes.length)
        await clock.advance(1)
      }
      const result = await next()
      attemptTimes.push(clock.now() - start)
      expect(result.attempt).toBe(attemptTimes.length)
      expect(result.outcome).toBe(attemptTimes.length < 8 ? 'retrying' : 'failed')
    }

    const cumulative = STANDARD.map((_, i) => STANDARD.slice(0, i + 1).reduce((a, b) => a + b))
    expect(attemptTimes).toEqual([0, ...cumulative])
    expect(target.requests).toHaveLength(8)
  })
})
