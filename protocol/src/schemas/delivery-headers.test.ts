import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  WebhookHeadersSchema,
  WebhookIdSchema,
  WebhookSignatureSchema,
  WebhookTimestampSchema,
} from './delivery-headers'

const v1 = 'v1,rgBxhxdJ604nxBswcH0SORJHY6zS3QmMaH5qYvgm7js='
const v1a =
  'v1a,aF5DjDb8PG73iWwF39GzmbsdZN3tckn1jCTQ+8/yWG+rNJ+rcVcuhpaTdPTLKhzvNSdLRBOq0tpNtlqN6rCNBw=='
const headers = {
  'content-type': 'application/json',
  'webhook-id': 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J',
  'webhook-timestamp': '1738325100',
  'webhook-signature': v1,
}

describe('WebhookSignatureSchema', () => {
  it('accepts one v1 or one v1a signature', () => {
    expect(v.is(WebhookSignatureSchema, v1)).toBe(true)
    expect(v.is(WebhookSignatureSchema, v1a)).toBe(true)
  })

  it('accepts several signatures separated by single spaces, as during key rotation', () => {
    expect(v.is(WebhookSignatureSchema, `${v1} ${v1a} ${v1}`)).toBe(true)
  })

  it('rejects a signature without its version', () => {
    expect(v.is(WebhookSignatureSchema, v1.slice(3))).toBe(false)
  })

  it('rejects a signature of the wrong length for its version', () => {
    expect(v.is(WebhookSignatureSchema, `v1a,${v1.slice(3)}`)).toBe(false)
    expect(v.is(WebhookSignatureSchema, `v1,${v1a.slice(4)}`)).toBe(false)
  })

  it('rejects comma-separated lists and stray spaces', () => {
    expect(v.is(WebhookSignatureSchema, `${v1},${v1}`)).toBe(false)
    expect(v.is(WebhookSignatureSchema, `${v1}  ${v1}`)).toBe(false)
    expect(v.is(WebhookSignatureSchema, ` ${v1}`)).toBe(false)
  })
})

describe('WebhookTimestampSchema', () => {
  it('accepts unix seconds', () => {
    expect(v.is(WebhookTimestampSchema, '1738325100')).toBe(true)
  })

  it('rejects milliseconds written as a fraction, a sign and ISO dates', () => {
    for (const text of ['1738325100.5', '-1738325100', '2025-01-31T12:05:00Z', '']) {
      expect(v.is(WebhookTimestampSchema, text), text).toBe(false)
    }
  })
})

describe('WebhookIdSchema', () => {
  it('accepts an rh message id and other providers’ ids', () => {
    expect(v.is(WebhookIdSchema, 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J')).toBe(true)
    expect(v.is(WebhookIdSchema, 'msg_p5jXN8AQM9LWM0D4loKWxJek')).toBe(true)
  })

  it('rejects an empty id and one with spaces', () => {
    expect(v.is(WebhookIdSchema, '')).toBe(false)
    expect(v.is(WebhookIdSchema, 'msg 1')).toBe(false)
  })
})

describe('WebhookHeadersSchema', () => {
  it('accepts the delivery headers with other headers beside them', () => {
    expect(v.is(WebhookHeadersSchema, { ...headers, 'user-agent': 'rh/0.1' })).toBe(true)
  })

  it('reads the headers of a Fetch request', () => {
    const request = new Request('http://127.0.0.1/', { method: 'POST', headers })
    expect(v.is(WebhookHeadersSchema, Object.fromEntries(request.headers))).toBe(true)
  })

  it('accepts a charset parameter on the content type', () => {
    const withCharset = { ...headers, 'content-type': 'application/json; charset=utf-8' }
    expect(v.is(WebhookHeadersSchema, withCharset)).toBe(true)
  })

  it('rejects a body that is not JSON', () => {
    expect(v.is(WebhookHeadersSchema, { ...headers, 'content-type': 'text/plain' })).toBe(false)
  })

  it('requires each of the three webhook headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name as keyof typeof headers]: _, ...rest } = headers
      expect(v.is(WebhookHeadersSchema, rest), name).toBe(false)
    }
  })
})
