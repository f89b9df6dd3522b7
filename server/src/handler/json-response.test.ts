import { describe, expect, it } from 'vitest'
import { jsonResponse } from './json-response'

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
