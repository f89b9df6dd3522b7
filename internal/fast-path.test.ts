import { describe, expect, it } from 'vitest'
import {
  BODY_BYTES,
  forwardToReal,
  lightJsonResponse,
  lightParts,
  offeredBytes,
  realResponse,
  TAKES_LIGHT_RESPONSE,
  takesLightResponse,
} from './fast-path'

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

describe('takesLightResponse', () => {
  it('is true only for a request carrying TAKES_LIGHT_RESPONSE set to true', () => {
    const request = new Request('http://rh.test/')
    expect(takesLightResponse(request)).toBe(false)
    Object.defineProperty(request, TAKES_LIGHT_RESPONSE, { value: true })
    expect(takesLightResponse(request)).toBe(true)
  })
})

describe('offeredBytes', () => {
  it('takes the bytes a request offers, and is undefined for one that offers none', () => {
    const bytes = new Uint8Array([1])
    const offering = { [BODY_BYTES]: () => bytes } as unknown as Request
    expect(offeredBytes(offering)).toBe(bytes)
    expect(offeredBytes(new Request('http://rh.test/', { method: 'POST', body: 'x' }))).toBe(
      undefined,
    )
  })
})

describe('forwardToReal', () => {
  it('makes a stand-in an instance of the platform class, answering the rest from the real one', async () => {
    let built = 0
    class LazyResponse {
      #real: Response | undefined
      get status() {
        return 299
      }
      materialise() {
        if (!this.#real) built++
        this.#real ??= new Response('real', { status: 299 })
        return this.#real
      }
    }
    forwardToReal(LazyResponse, Response)
    const response = new LazyResponse() as unknown as Response
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(299)
    expect(built).toBe(0)
    expect(response.ok).toBe(true)
    expect(await response.text()).toBe('real')
    expect(built).toBe(1)
  })
})
