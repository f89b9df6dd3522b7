import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonResponse, utf8Length } from './json-response'

describe('jsonResponse', () => {
  it('answers JSON with the status, headers and the exact Content-Length', async () => {
    const response = jsonResponse({ a: 'ü😀' }, 201, { location: 'subscriptions/x' })
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(response.status).toBe(201)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('location')).toBe('subscriptions/x')
    expect(response.headers.get('content-length')).toBe(String(bytes.byteLength))
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ a: 'ü😀' })
  })
})

describe('utf8Length', () => {
  it('counts the bytes TextEncoder writes, for any string', () => {
    const encoder = new TextEncoder()
    for (const text of ['', 'abc', 'ü', '€', '😀', '\ud800', 'a\udc00b', '\ud800\ud800']) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(encoder.encode(text).byteLength)
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).byteLength)
      }),
    )
  })
})
