import { describe, expect, it } from 'vitest'
import { readWebhookHeaders } from './read-headers'

const values = { id: 'msg_1', timestamp: '1700000000', signature: 'v1,abc' }

describe('readWebhookHeaders', () => {
  it('reads Fetch Headers', () => {
    const headers = new Headers({
      'Webhook-Id': 'msg_1',
      'Webhook-Timestamp': '1700000000',
      'Webhook-Signature': 'v1,abc',
    })
    expect(readWebhookHeaders(headers)).toEqual(values)
  })

  it('reads a record whatever the case of its names, ignoring other headers', () => {
    const record = {
      host: 'example.test',
      'WEBHOOK-ID': 'msg_1',
      'webhook-Timestamp': '1700000000',
      'Webhook-signature': 'v1,abc',
      'webhook-other': 'x',
    }
    expect(readWebhookHeaders(record)).toEqual(values)
  })

  it('reads arrays, joining signature values into one list', () => {
    const record = {
      'webhook-id': ['msg_1', 'msg_1'],
      'webhook-timestamp': ['1700000000'],
      'webhook-signature': ['v1,abc', 'v1,def'],
    }
    expect(readWebhookHeaders(record)).toEqual({ ...values, signature: 'v1,abc v1,def' })
  })

  it('joins the same header given under two spellings', () => {
    const record = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,abc',
      'Webhook-Signature': 'v1,def',
    }
    expect(readWebhookHeaders(record).signature).toBe('v1,abc v1,def')
  })

  it('trims values and treats empty ones as absent', () => {
    const record = {
      'webhook-id': ' msg_1 ',
      'webhook-timestamp': ['', '1700000000'],
      'webhook-signature': 'v1,abc',
    }
    expect(readWebhookHeaders(record)).toEqual(values)
  })

  it.each([
    ['webhook-id', { 'webhook-timestamp': '1', 'webhook-signature': 's' }],
    ['webhook-timestamp', { 'webhook-id': 'i', 'webhook-signature': 's' }],
    [
      'webhook-signature',
      { 'webhook-id': 'i', 'webhook-timestamp': '1', 'webhook-signature': ' ' },
    ],
  ])('reports a missing %s', (name, record) => {
    expect(() => readWebhookHeaders(record)).toThrow(
      expect.objectContaining({ code: 'missing_header', message: expect.stringContaining(name) }),
    )
  })

  it.each([
    ['no headers at all', {}],
    ['only empty ones', { 'webhook-id': '', 'webhook-signature': ' ' }],
  ])('says the sender does not sign when it finds %s', (_, record) => {
    expect(() => readWebhookHeaders(record)).toThrow(
      expect.objectContaining({
        code: 'unsigned_sender',
        message: expect.stringContaining('does not sign'),
      }),
    )
  })

  it('rejects two different ids or timestamps', () => {
    const record = {
      'webhook-id': 'a',
      'Webhook-Id': 'b',
      'webhook-timestamp': '1',
      'webhook-signature': 's',
    }
    expect(() => readWebhookHeaders(record)).toThrow(
      expect.objectContaining({ code: 'invalid_header' }),
    )
  })

  it('rejects a value that is not a string', () => {
    const record = {
      'webhook-id': 'a',
      'webhook-timestamp': 1 as unknown as string,
      'webhook-signature': 's',
    }
    expect(() => readWebhookHeaders(record)).toThrow(
      expect.objectContaining({ code: 'invalid_header' }),
    )
  })

  it('rejects something that is not headers with a TypeError', () => {
    expect(() => readWebhookHeaders(null as unknown as Headers)).toThrow(TypeError)
  })
})
