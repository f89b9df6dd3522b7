import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  ListMessagesQuerySchema,
  ListSubscriptionMessagesQuerySchema,
  MessagePageSchema,
  MessageSchema,
  MessageWithDeliveriesSchema,
  SubscriptionMessagePageSchema,
} from './message'

const message = {
  id: 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J',
  event: 'post.created',
  created_at: '2025-01-31T12:05:00.000Z',
  payload: { type: 'post.created', timestamp: '2025-01-31T12:05:00.000Z', data: { id: 42 } },
}
const delivery = {
  subscription_id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC',
  status: 'failed',
  attempts: 4,
  updated_at: '2025-01-31T12:06:05.000Z',
}

describe('MessageSchema', () => {
  it('accepts a message with or without deliveries', () => {
    expect(v.is(MessageSchema, message)).toBe(true)
    expect(v.is(MessageSchema, { ...message, deliveries: [delivery] })).toBe(true)
  })

  it('requires the payload to be an envelope', () => {
    expect(v.is(MessageSchema, { ...message, payload: { id: 42 } })).toBe(false)
  })

  it('refuses an id that is not a message id', () => {
    expect(v.is(MessageSchema, { ...message, id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC' })).toBe(false)
  })
})

describe('MessageWithDeliveriesSchema', () => {
  it('requires deliveries, each with a known status', () => {
    expect(v.is(MessageWithDeliveriesSchema, { ...message, deliveries: [] })).toBe(true)
    expect(v.is(MessageWithDeliveriesSchema, message)).toBe(false)
    for (const status of ['pending', 'delivered', 'failed', 'gone', 'cancelled']) {
      const one = { ...message, deliveries: [{ ...delivery, status }] }
      expect(v.is(MessageWithDeliveriesSchema, one), status).toBe(true)
    }
    const retrying = { ...message, deliveries: [{ ...delivery, status: 'retrying' }] }
    expect(v.is(MessageWithDeliveriesSchema, retrying)).toBe(false)
  })

  it('refuses a negative or fractional attempt count', () => {
    for (const attempts of [-1, 1.5]) {
      const bad = { ...message, deliveries: [{ ...delivery, attempts }] }
      expect(v.is(MessageWithDeliveriesSchema, bad), String(attempts)).toBe(false)
    }
  })
})

describe('the message pages', () => {
  it('hold messages and a cursor', () => {
    expect(v.is(MessagePageSchema, { data: [message], next_cursor: 'abc' })).toBe(true)
    const page = { data: [{ ...message, deliveries: [delivery] }], next_cursor: null }
    expect(v.is(SubscriptionMessagePageSchema, page)).toBe(true)
    expect(v.is(SubscriptionMessagePageSchema, { data: [message], next_cursor: null })).toBe(false)
  })
})

describe('ListMessagesQuerySchema', () => {
  it('reads event, since, until, cursor and limit from the query', () => {
    const query = {
      event: 'post.created',
      since: '2025-01-31T12:00:00Z',
      until: '2025-01-31T13:00:00Z',
      cursor: 'abc',
      limit: '20',
    }
    expect(v.parse(ListMessagesQuerySchema, query)).toEqual({ ...query, limit: 20 })
  })

  it('refuses an until before since, at until', () => {
    const result = v.safeParse(ListMessagesQuerySchema, {
      since: '2025-01-31T13:00:00Z',
      until: '2025-01-31T12:00:00Z',
    })
    expect(result.issues?.map((issue) => v.getDotPath(issue))).toEqual(['until'])
  })

  it('takes an until equal to since (an empty range)', () => {
    const at = '2025-01-31T12:00:00Z'
    expect(v.is(ListMessagesQuerySchema, { since: at, until: at })).toBe(true)
  })

  it('refuses a since that is no timestamp', () => {
    expect(v.is(ListMessagesQuerySchema, { since: 'yesterday' })).toBe(false)
    expect(v.is(ListMessagesQuerySchema, { since: '1738324800' })).toBe(false)
  })
})

describe('ListSubscriptionMessagesQuerySchema', () => {
  it('filters by a delivery status', () => {
    expect(v.parse(ListSubscriptionMessagesQuerySchema, { status: 'failed' })).toEqual({
      status: 'failed',
    })
    expect(v.is(ListSubscriptionMessagesQuerySchema, { status: 'lost' })).toBe(false)
  })
})
