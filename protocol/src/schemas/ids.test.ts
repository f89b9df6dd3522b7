import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { AttemptIdSchema, MessageIdSchema, SubscriptionIdSchema, TimestampSchema } from './ids'

const ULID = '01JB8X6T3QH6W2Y9V4KZP7M5RC'

describe('ids', () => {
  it('accepts a prefix and a 26-character ULID', () => {
    expect(v.is(SubscriptionIdSchema, `sub_${ULID}`)).toBe(true)
    expect(v.is(MessageIdSchema, `msg_${ULID}`)).toBe(true)
    expect(v.is(AttemptIdSchema, `atm_${ULID}`)).toBe(true)
  })

  it('accepts a lower-case ULID, since base32 is case-insensitive', () => {
    expect(v.is(SubscriptionIdSchema, `sub_${ULID.toLowerCase()}`)).toBe(true)
  })

  it("rejects another kind's prefix", () => {
    expect(v.is(SubscriptionIdSchema, `msg_${ULID}`)).toBe(false)
    expect(v.is(MessageIdSchema, `atm_${ULID}`)).toBe(false)
    expect(v.is(AttemptIdSchema, `sub_${ULID}`)).toBe(false)
  })

  it('rejects a ULID of the wrong length', () => {
    expect(v.is(SubscriptionIdSchema, `sub_${ULID.slice(1)}`)).toBe(false)
    expect(v.is(SubscriptionIdSchema, `sub_${ULID}0`)).toBe(false)
  })

  it('rejects letters outside Crockford base32 (I, L, O, U)', () => {
    for (const letter of 'ILOU') {
      expect(v.is(SubscriptionIdSchema, `sub_${letter}${ULID.slice(1)}`)).toBe(false)
    }
  })

  it('says what a malformed id should look like', () => {
    const result = v.safeParse(SubscriptionIdSchema, 'sub_1')
    expect(result.issues?.[0]?.message).toBe('a subscription id is sub_ and 26 characters')
  })
})

describe('TimestampSchema', () => {
  it('accepts what Date.prototype.toISOString produces', () => {
    expect(v.is(TimestampSchema, new Date(0).toISOString())).toBe(true)
  })

  it('accepts an offset instead of Z', () => {
    expect(v.is(TimestampSchema, '2025-01-31T13:00:00+01:00')).toBe(true)
  })

  it('rejects a date without a time', () => {
    expect(v.is(TimestampSchema, '2025-01-31')).toBe(false)
  })

  it('rejects unix seconds', () => {
    expect(v.is(TimestampSchema, '1738325100')).toBe(false)
  })
})
