import { describe, expect, it } from 'vitest'
import { classifyStatus } from './classify-response'
import { defaultRetryPolicy, parseRetryAfter, retryDelay } from './retry-policy'

describe('retryDelay', () => {
  const exact = { ...defaultRetryPolicy, jitter: 0 }

  it('follows go-resthooks: 5 s, 15 s, 45 s, then gives up', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(exact, n))).toEqual([5000, 15_000, 45_000, null])
  })

  it('never exceeds maxDelay', () => {
    expect(retryDelay({ ...exact, retries: 20, maxDelay: 60_000 }, 10)).toBe(60_000)
  })

  it('spreads delays by at most the jitter fraction', () => {
    const policy = { ...defaultRetryPolicy, jitter: 0.1 }
    expect(retryDelay(policy, 1, () => 0)).toBe(4500)
    expect(retryDelay(policy, 1, () => 0.5)).toBe(5000)
    expect(retryDelay(policy, 1, () => 0.999999)).toBe(5500)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
  })

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60_000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0)
  })

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter('-5', now)).toBeNull()
  })
})

describe('classifyStatus', () => {
  it.each([200, 201, 202, 204, 299])('counts %i as delivered', (status) => {
    expect(classifyStatus(status)).toEqual({ kind: 'delivered' })
  })

  it('counts 410 as gone', () => {
    expect(classifyStatus(410)).toEqual({ kind: 'gone' })
  })

  it.each([301, 302, 303, 307, 308])('fails %i as a redirect not followed', (status) => {
    expect(classifyStatus(status)).toEqual({
      kind: 'failed',
      error: 'redirect not followed',
      retryable: true,
    })
  })

  it.each([400, 401, 404, 408, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(classifyStatus(status)).toMatchObject({ kind: 'failed', retryable: true })
  })
})
