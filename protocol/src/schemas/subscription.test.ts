import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  CreateSubscriptionSchema,
  EventNameSchema,
  LegacySubscribeSchema,
  ListSubscriptionsQuerySchema,
  MAX_EVENTS_PER_SUBSCRIPTION,
  MAX_METADATA_ENTRIES,
  MAX_TARGET_URL_LENGTH,
  MetadataSchema,
  SubscriptionPageSchema,
  SubscriptionSchema,
  SubscriptionSecretSchema,
  TargetUrlSchema,
  UpdateSubscriptionSchema,
} from './subscription'

const target = 'https://consumer.example/hooks'
const secretOf = (bytes: number) =>
  `whsec_${btoa(String.fromCharCode(...new Uint8Array(bytes).fill(7)))}`
const messages = (schema: v.GenericSchema, input: unknown) =>
  v.safeParse(schema, input).issues?.map((issue) => issue.message) ?? []

describe('EventNameSchema', () => {
  it('accepts dotted, namespaced and slashed names', () => {
    for (const name of [
      'post.created',
      'invoice_paid',
      'billing:invoice/paid',
      'v2-order.shipped',
    ]) {
      expect(v.is(EventNameSchema, name), name).toBe(true)
    }
  })

  it('rejects an empty name', () => {
    expect(messages(EventNameSchema, '')).toContain('an event name must not be empty')
  })

  it('rejects a name longer than 128 characters', () => {
    expect(v.is(EventNameSchema, 'a'.repeat(128))).toBe(true)
    expect(v.is(EventNameSchema, 'a'.repeat(129))).toBe(false)
  })

  it('rejects spaces, wildcards and a leading punctuation mark', () => {
    for (const name of ['post created', 'post.*', '*', '.post', '-post', 'pöst']) {
      expect(v.is(EventNameSchema, name), name).toBe(false)
    }
  })
})

describe('TargetUrlSchema', () => {
  it('accepts an absolute URL', () => {
    expect(v.is(TargetUrlSchema, 'https://consumer.example:8443/hooks?x=1')).toBe(true)
  })

  it('rejects a relative URL', () => {
    expect(messages(TargetUrlSchema, '/hooks')).toContain('target_url must be an absolute URL')
  })

  it(`rejects a URL longer than ${MAX_TARGET_URL_LENGTH} characters`, () => {
    const long = `https://consumer.example/${'a'.repeat(MAX_TARGET_URL_LENGTH)}`
    expect(v.is(TargetUrlSchema, long)).toBe(false)
  })

  it("leaves schemes and addresses to the server's SSRF guard", () => {
    expect(v.is(TargetUrlSchema, 'http://127.0.0.1/hooks')).toBe(true)
  })
})

describe('MetadataSchema', () => {
  it('accepts string labels', () => {
    expect(v.is(MetadataSchema, { team: 'billing', env: '' })).toBe(true)
  })

  it('rejects a value that is not a string', () => {
    expect(v.is(MetadataSchema, { retries: 3 })).toBe(false)
  })

  it(`rejects more than ${MAX_METADATA_ENTRIES} entries`, () => {
    const entries = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))
    expect(v.is(MetadataSchema, entries(MAX_METADATA_ENTRIES))).toBe(true)
    expect(messages(MetadataSchema, entries(MAX_METADATA_ENTRIES + 1))).toContain(
      `metadata holds at most ${MAX_METADATA_ENTRIES} entries`,
    )
  })

  it('rejects an empty key, a key over 64 and a value over 512 characters', () => {
    expect(v.is(MetadataSchema, { '': 'v' })).toBe(false)
    expect(v.is(MetadataSchema, { ['k'.repeat(65)]: 'v' })).toBe(false)
    expect(v.is(MetadataSchema, { k: 'v'.repeat(513) })).toBe(false)
  })
})

describe('SubscriptionSecretSchema', () => {
  it('accepts whsec_ and the base64 of 24 to 64 bytes', () => {
    for (let bytes = 24; bytes <= 64; bytes++) {
      expect(v.is(SubscriptionSecretSchema, secretOf(bytes)), `${bytes} bytes`).toBe(true)
    }
  })

  it('rejects a key shorter than 24 or longer than 64 bytes', () => {
    expect(v.is(SubscriptionSecretSchema, secretOf(23))).toBe(false)
    expect(v.is(SubscriptionSecretSchema, secretOf(65))).toBe(false)
  })

  it('rejects a secret without the whsec_ prefix', () => {
    expect(v.is(SubscriptionSecretSchema, secretOf(32).slice('whsec_'.length))).toBe(false)
  })

  it('rejects an Ed25519 key and malformed base64', () => {
    expect(v.is(SubscriptionSecretSchema, secretOf(32).replace('whsec_', 'whsk_'))).toBe(false)
    expect(v.is(SubscriptionSecretSchema, `${secretOf(32).slice(0, -1)}!`)).toBe(false)
  })
})

describe('CreateSubscriptionSchema', () => {
  it('accepts a target and events', () => {
    expect(v.is(CreateSubscriptionSchema, { target_url: target, events: ['post.created'] })).toBe(
      true,
    )
  })

  it('accepts metadata and a subscriber-chosen secret', () => {
    const body = { target_url: target, events: ['a'], metadata: { k: 'v' }, secret: secretOf(32) }
    expect(v.is(CreateSubscriptionSchema, body)).toBe(true)
  })

  it('rejects an empty event list', () => {
    expect(messages(CreateSubscriptionSchema, { target_url: target, events: [] })).toContain(
      'events must name at least one event',
    )
  })

  it(`rejects more than ${MAX_EVENTS_PER_SUBSCRIPTION} events`, () => {
    const events = Array.from({ length: MAX_EVENTS_PER_SUBSCRIPTION + 1 }, (_, i) => `e${i}`)
    expect(v.is(CreateSubscriptionSchema, { target_url: target, events })).toBe(false)
  })

  it('rejects a missing target_url', () => {
    expect(v.is(CreateSubscriptionSchema, { events: ['a'] })).toBe(false)
  })

  it('rejects unknown fields, such as a go-resthooks body', () => {
    expect(v.is(CreateSubscriptionSchema, { target_url: target, events: ['a'], event: 'a' })).toBe(
      false,
    )
  })

  it('names the path of each invalid field', () => {
    const result = v.safeParse(CreateSubscriptionSchema, { target_url: target, events: ['ok', ''] })
    expect(result.issues && v.getDotPath(result.issues[0]!)).toBe('events.1')
  })
})

describe('LegacySubscribeSchema', () => {
  it('accepts one event and a target', () => {
    expect(v.is(LegacySubscribeSchema, { event: 'post.created', target_url: target })).toBe(true)
  })

  it('rejects an events array', () => {
    expect(v.is(LegacySubscribeSchema, { events: ['post.created'], target_url: target })).toBe(
      false,
    )
  })

  it("accepts go-resthooks' own body: user_id and the zero id", () => {
    const body = { id: 0, user_id: 1, event: 'post_created', target_url: target }
    expect(v.is(LegacySubscribeSchema, body)).toBe(true)
    expect(v.is(LegacySubscribeSchema, { ...body, user_id: 'u-1', id: '' })).toBe(true)
    expect(v.is(LegacySubscribeSchema, { ...body, id: 7 })).toBe(false)
    expect(v.is(LegacySubscribeSchema, { ...body, user_id: 1.5 })).toBe(false)
  })
})

describe('UpdateSubscriptionSchema', () => {
  it('accepts any one field', () => {
    for (const patch of [
      { target_url: target },
      { events: ['a'] },
      { status: 'paused' },
      { metadata: {} },
    ]) {
      expect(v.is(UpdateSubscriptionSchema, patch), JSON.stringify(patch)).toBe(true)
    }
  })

  it('rejects an empty patch', () => {
    expect(messages(UpdateSubscriptionSchema, {})).toContain(
      'a patch must change at least one field',
    )
  })

  it('rejects setting the status to disabled, which only the server does', () => {
    expect(v.is(UpdateSubscriptionSchema, { status: 'disabled' })).toBe(false)
  })

  it('rejects changing the id, the secret or the timestamps', () => {
    for (const key of ['id', 'secret', 'created_at', 'updated_at']) {
      expect(v.is(UpdateSubscriptionSchema, { [key]: 'x' }), key).toBe(false)
    }
  })
})

describe('ListSubscriptionsQuerySchema', () => {
  it('accepts no parameters', () => {
    expect(v.parse(ListSubscriptionsQuerySchema, {})).toEqual({})
  })

  it('parses the limit and keeps the event and cursor', () => {
    expect(
      v.parse(ListSubscriptionsQuerySchema, { event: 'a.b', cursor: 'c', limit: '10' }),
    ).toEqual({
      event: 'a.b',
      cursor: 'c',
      limit: 10,
    })
  })

  it('rejects an invalid event filter', () => {
    expect(v.is(ListSubscriptionsQuerySchema, { event: 'a b' })).toBe(false)
  })
})

describe('SubscriptionSchema', () => {
  const subscription = {
    id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC',
    events: ['post.created'],
    target_url: target,
    status: 'active',
    metadata: {},
    created_at: '2025-01-31T12:00:00.000Z',
    updated_at: '2025-01-31T12:00:00.000Z',
  }

  it('accepts a subscription with and without its secret', () => {
    expect(v.is(SubscriptionSchema, subscription)).toBe(true)
    expect(v.is(SubscriptionSchema, { ...subscription, secret: secretOf(32) })).toBe(true)
  })

  it('accepts every status, including disabled', () => {
    for (const status of ['active', 'paused', 'disabled']) {
      expect(v.is(SubscriptionSchema, { ...subscription, status })).toBe(true)
    }
  })

  it('rejects an unknown status', () => {
    expect(v.is(SubscriptionSchema, { ...subscription, status: 'deleted' })).toBe(false)
  })

  it('rejects a missing timestamp', () => {
    const { updated_at: _, ...rest } = subscription
    expect(v.is(SubscriptionSchema, rest)).toBe(false)
  })

  it('reads a page of subscriptions', () => {
    expect(v.is(SubscriptionPageSchema, { data: [subscription], next_cursor: null })).toBe(true)
  })
})
