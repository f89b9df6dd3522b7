import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { testEventResponse } from '../../scripts/examples'
import {
  MAX_ROTATION_GRACE_SECONDS,
  RedeliverRequestSchema,
  ReplayRequestSchema,
  RotateSecretRequestSchema,
  RotateSecretResponseSchema,
  TestEventResponseSchema,
} from './recovery'

const pathsOf = (result: { issues?: readonly v.BaseIssue<unknown>[] | undefined }) =>
  result.issues?.map((issue) => v.getDotPath(issue))

describe('RedeliverRequestSchema', () => {
  it('takes an empty body or a subscription id', () => {
    expect(v.is(RedeliverRequestSchema, {})).toBe(true)
    expect(
      v.is(RedeliverRequestSchema, { subscription_id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC' }),
    ).toBe(true)
  })

  it('refuses a malformed id and unknown fields', () => {
    expect(pathsOf(v.safeParse(RedeliverRequestSchema, { subscription_id: 'sub_1' }))).toEqual([
      'subscription_id',
    ])
    expect(v.is(RedeliverRequestSchema, { subscriptions: [] })).toBe(false)
  })
})

describe('ReplayRequestSchema', () => {
  it('needs since; until and status are optional', () => {
    expect(v.is(ReplayRequestSchema, { since: '2025-01-31T12:00:00Z' })).toBe(true)
    expect(
      v.is(ReplayRequestSchema, {
        since: '2025-01-31T12:00:00Z',
        until: '2025-01-31T12:00:00Z',
        status: 'all',
      }),
    ).toBe(true)
    expect(pathsOf(v.safeParse(ReplayRequestSchema, {}))).toEqual(['since'])
  })

  it('refuses an until before since, at until', () => {
    const result = v.safeParse(ReplayRequestSchema, {
      since: '2025-01-31T12:00:00Z',
      until: '2025-01-31T11:59:59.999Z',
    })
    expect(pathsOf(result)).toEqual(['until'])
  })

  it('compares times, not text, across offsets', () => {
    const result = v.safeParse(ReplayRequestSchema, {
      since: '2025-01-31T12:00:00Z',
      until: '2025-01-31T12:30:00+01:00',
    })
    expect(pathsOf(result)).toEqual(['until'])
  })

  it('refuses a status other than failed or all, and unknown fields', () => {
    const since = '2025-01-31T12:00:00Z'
    expect(pathsOf(v.safeParse(ReplayRequestSchema, { since, status: 'pending' }))).toEqual([
      'status',
    ])
    expect(v.is(ReplayRequestSchema, { since, event: 'a' })).toBe(false)
  })
})

describe('RotateSecretRequestSchema', () => {
  it('takes a grace period of 0 to 7 days in whole seconds', () => {
    for (const grace_seconds of [0, 3600, MAX_ROTATION_GRACE_SECONDS]) {
      expect(v.is(RotateSecretRequestSchema, { grace_seconds }), String(grace_seconds)).toBe(true)
    }
    expect(v.is(RotateSecretRequestSchema, {})).toBe(true)
  })

  it('refuses a negative, fractional or longer grace period', () => {
    for (const grace_seconds of [-1, 1.5, MAX_ROTATION_GRACE_SECONDS + 1, '60']) {
      const result = v.safeParse(RotateSecretRequestSchema, { grace_seconds })
      expect(pathsOf(result), String(grace_seconds)).toEqual(['grace_seconds'])
    }
  })
})

describe('RotateSecretResponseSchema', () => {
  it('holds the new secret and when the previous one stops signing', () => {
    const answer = {
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5mUmNDA4ZCw=',
      previous_secret_expires_at: '2025-02-01T12:00:00.000Z',
    }
    expect(v.is(RotateSecretResponseSchema, answer)).toBe(true)
    expect(v.is(RotateSecretResponseSchema, { ...answer, previous_secret_expires_at: 1 })).toBe(
      false,
    )
  })
})

describe('TestEventResponseSchema', () => {
  it('is an attempt without next_attempt_at', () => {
    const attempt = testEventResponse
    expect(v.parse(TestEventResponseSchema, { ...attempt, next_attempt_at: null })).toEqual(attempt)
    expect(v.is(TestEventResponseSchema, { ...attempt, outcome: undefined })).toBe(false)
  })
})
