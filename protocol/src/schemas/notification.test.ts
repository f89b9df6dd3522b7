import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  ChallengeSchema,
  HANDSHAKE_EVENT,
  HandshakeResponseSchema,
  HandshakeSchema,
  NotificationSchema,
} from './notification'

const timestamp = '2025-01-31T12:05:00.000Z'

describe('NotificationSchema', () => {
  it('accepts an envelope with any JSON data', () => {
    for (const data of [{ id: 42 }, [1, 2], 'text', 0, null]) {
      expect(v.is(NotificationSchema, { type: 'post.created', timestamp, data })).toBe(true)
    }
  })

  it('requires data to be present, even if null', () => {
    expect(v.is(NotificationSchema, { type: 'post.created', timestamp })).toBe(false)
  })

  it('rejects a type that is not an event name', () => {
    expect(v.is(NotificationSchema, { type: 'post created', timestamp, data: {} })).toBe(false)
  })

  it('rejects a timestamp in unix seconds, which belongs in webhook-timestamp', () => {
    expect(v.is(NotificationSchema, { type: 'a', timestamp: 1738325100, data: {} })).toBe(false)
  })

  it('accepts the handshake envelope too', () => {
    const handshake = {
      type: HANDSHAKE_EVENT,
      timestamp,
      data: { challenge: 'b3Vc8JZr0kq2Yw5F1xN7tA', events: ['a'] },
    }
    expect(v.is(NotificationSchema, handshake)).toBe(true)
  })
})

describe('ChallengeSchema', () => {
  it('accepts 22 to 128 URL-safe base64 characters', () => {
    expect(v.is(ChallengeSchema, 'A'.repeat(22))).toBe(true)
    expect(v.is(ChallengeSchema, `${'a'.repeat(126)}-_`)).toBe(true)
  })

  it('rejects fewer than 128 bits', () => {
    expect(v.is(ChallengeSchema, 'A'.repeat(21))).toBe(false)
  })

  it('rejects characters outside URL-safe base64', () => {
    expect(v.is(ChallengeSchema, `${'A'.repeat(22)}+/=`)).toBe(false)
  })
})

describe('HandshakeSchema', () => {
  const handshake = {
    type: 'rh.handshake',
    timestamp,
    data: { challenge: 'b3Vc8JZr0kq2Yw5F1xN7tA', events: ['post.created'] },
  }

  it('accepts a challenge and the events asked for', () => {
    expect(v.is(HandshakeSchema, handshake)).toBe(true)
  })

  it('rejects another type', () => {
    expect(v.is(HandshakeSchema, { ...handshake, type: 'post.created' })).toBe(false)
  })

  it('rejects a handshake without events', () => {
    expect(v.is(HandshakeSchema, { ...handshake, data: { ...handshake.data, events: [] } })).toBe(
      false,
    )
  })
})

describe('HandshakeResponseSchema', () => {
  it('accepts the echoed challenge, ignoring other members', () => {
    expect(v.parse(HandshakeResponseSchema, { challenge: 'abc', ok: true })).toEqual({
      challenge: 'abc',
    })
  })

  it('rejects a missing or non-string challenge', () => {
    expect(v.is(HandshakeResponseSchema, {})).toBe(false)
    expect(v.is(HandshakeResponseSchema, { challenge: 1 })).toBe(false)
  })
})
