import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { AttemptPageSchema, AttemptSchema, ListAttemptsQuerySchema } from './attempt'

const attempt = {
  id: 'atm_01JB8X9D2M4N6P8Q0R2S4T6V8W',
  message_id: 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J',
  event: 'post.created',
  attempt: 1,
  outcome: 'failed',
  response_status: 503,
  error: null,
  response_excerpt: '{"error":"db down"}',
  duration_ms: 212,
  started_at: '2025-01-31T12:05:00.000Z',
  next_attempt_at: '2025-01-31T12:05:05.000Z',
}

describe('AttemptSchema', () => {
  it('accepts a failed attempt with a next attempt scheduled', () => {
    expect(v.is(AttemptSchema, attempt)).toBe(true)
  })

  it('accepts an attempt without a response, as after a timeout', () => {
    const timedOut = { ...attempt, response_status: null, error: 'timeout', response_excerpt: null }
    expect(v.is(AttemptSchema, timedOut)).toBe(true)
  })

  it('accepts delivered and gone outcomes without a next attempt', () => {
    for (const [outcome, status] of [
      ['delivered', 204],
      ['gone', 410],
    ] as const) {
      const done = { ...attempt, outcome, response_status: status, next_attempt_at: null }
      expect(v.is(AttemptSchema, done), outcome).toBe(true)
    }
  })

  it('rejects an unknown outcome', () => {
    expect(v.is(AttemptSchema, { ...attempt, outcome: 'retrying' })).toBe(false)
  })

  it('numbers attempts from 1', () => {
    expect(v.is(AttemptSchema, { ...attempt, attempt: 0 })).toBe(false)
    expect(v.is(AttemptSchema, { ...attempt, attempt: 1.5 })).toBe(false)
  })

  it('rejects a status that is not an HTTP status', () => {
    expect(v.is(AttemptSchema, { ...attempt, response_status: 99 })).toBe(false)
    expect(v.is(AttemptSchema, { ...attempt, response_status: 600 })).toBe(false)
  })

  it('rejects a negative or fractional duration', () => {
    expect(v.is(AttemptSchema, { ...attempt, duration_ms: -1 })).toBe(false)
    expect(v.is(AttemptSchema, { ...attempt, duration_ms: 0.5 })).toBe(false)
  })

  it('keeps a response excerpt of at most 256 characters', () => {
    expect(v.is(AttemptSchema, { ...attempt, response_excerpt: 'x'.repeat(256) })).toBe(true)
    expect(v.is(AttemptSchema, { ...attempt, response_excerpt: 'x'.repeat(257) })).toBe(false)
  })

  it('requires the response excerpt, null when there was no body', () => {
    const { response_excerpt: _, ...withoutExcerpt } = attempt
    expect(v.is(AttemptSchema, withoutExcerpt)).toBe(false)
    expect(v.is(AttemptSchema, { ...attempt, response_excerpt: null })).toBe(true)
  })

  it('rejects a message id that is not a msg_ id', () => {
    expect(v.is(AttemptSchema, { ...attempt, message_id: attempt.id })).toBe(false)
  })

  it('reads a page of attempts', () => {
    expect(v.is(AttemptPageSchema, { data: [attempt], next_cursor: 'c' })).toBe(true)
  })
})

describe('ListAttemptsQuerySchema', () => {
  it('parses cursor and limit', () => {
    expect(v.parse(ListAttemptsQuerySchema, { cursor: 'c', limit: '5' })).toEqual({
      cursor: 'c',
      limit: 5,
    })
  })

  it('rejects a limit over 100', () => {
    expect(v.is(ListAttemptsQuerySchema, { limit: '500' })).toBe(false)
  })
})
