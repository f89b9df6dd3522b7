import { describe, expect, it } from 'vitest'
import { lightJsonResponse, lightParts, realResponse } from './light-response'

const headers = { 'content-type': 'application/json', location: 'subscriptions/x' }

describe('lightJsonResponse', () => {
  it('is a Response whose parts an adapter reads without building one', () => {
    const response = lightJsonResponse({ a: 'ü😀' }, 201, headers)
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(201)
    expect(lightParts(response)).toEqual({ status: 201, headers, text: '{"a":"ü😀"}' })
  })

  it('answers everything else from the real response, as jsonResponse makes it', async () => {
    const response = lightJsonResponse({ a: 'ü😀' }, 201, headers)
    expect(response.ok).toBe(true)
    expect(response.headers.get('location')).toBe('subscriptions/x')
    expect(response.headers.get('content-length')).toBe('14')
    expect(await response.clone().json()).toEqual({ a: 'ü😀' })
    expect(await response.text()).toBe('{"a":"ü😀"}')
    expect(response.bodyUsed).toBe(true)
  })

  it('has no parts to write once it was made real: it may have been changed or read', () => {
    const response = lightJsonResponse({}, 200)
    response.headers.set('x-more', '1')
    expect(lightParts(response)).toBeUndefined()
    expect(realResponse(response).headers.get('x-more')).toBe('1')
  })

  it('is application/json alone by default', () => {
    expect(lightParts(lightJsonResponse([1]))?.headers).toEqual({
      'content-type': 'application/json',
    })
  })
})

describe('realResponse', () => {
  it('gives a platform Response for a light one, and any other response as it is', async () => {
    const real = realResponse(lightJsonResponse({ id: 1 }, 201, headers))
    expect(real.constructor).toBe(Response)
    expect(lightParts(real)).toBeUndefined()
    expect(real.status).toBe(201)
    expect(await real.json()).toEqual({ id: 1 })
    const other = new Response(null, { status: 204 })
    expect(realResponse(other)).toBe(other)
  })
})
