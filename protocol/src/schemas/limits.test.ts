import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_SCHEDULE, MAX_REQUEST_BODY_BYTES } from './limits'

describe('DEFAULT_RETRY_SCHEDULE', () => {
  it('retries 5 s, 15 s and 45 s after each failure, as go-resthooks does', () => {
    const { retries, initialDelay, factor, maxDelay } = DEFAULT_RETRY_SCHEDULE
    const delays = Array.from({ length: retries }, (_, i) =>
      Math.min(initialDelay * factor ** i, maxDelay),
    )
    expect(delays).toEqual([5_000, 15_000, 45_000])
  })

  it('jitters by a fraction, so no retry comes sooner than 4.5 s', () => {
    const { jitter, initialDelay } = DEFAULT_RETRY_SCHEDULE
    expect(jitter).toBeGreaterThanOrEqual(0)
    expect(initialDelay * (1 - jitter)).toBe(4_500)
  })
})

describe('MAX_REQUEST_BODY_BYTES', () => {
  it('is 64 KiB', () => {
    expect(MAX_REQUEST_BODY_BYTES).toBe(65_536)
  })
})
