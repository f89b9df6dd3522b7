import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { BODY_BYTES } from '../fast-path'
import { nodeRequest, urlOf } from './node-request'

function message(init: { method?: string; url?: string; headers?: Record<string, unknown> }) {
  return {
    method: init.method ?? 'GET',
    url: init.url ?? '/',
    headers: init.headers ?? { host: 'rh.test' },
    socket: {},
  } as unknown as IncomingMessage
}

const body = (text: string) => new TextEncoder().encode(text)

describe('nodeRequest', () => {
  it('is a Request answering method, url and headers from the message', () => {
    const signal = new AbortController().signal
    const request = nodeRequest(
      message({
        method: 'PATCH',
        url: '/hooks/subscriptions?x=1',
        headers: { host: 'rh.test:8080', 'x-many': ['1', '2'], ':path': '/' },
      }),
      signal,
      null,
    )
    expect(request).toBeInstanceOf(Request)
    expect(request.method).toBe('PATCH')
    expect(request.url).toBe('http://rh.test:8080/hooks/subscriptions?x=1')
    expect(request.headers.get('x-many')).toBe('1, 2')
    expect([...request.headers.keys()]).toEqual(['host', 'x-many'])
    expect(request.signal).toBe(signal)
  })

  it('reads the body once, like a Request', async () => {
    const request = nodeRequest(
      message({ method: 'POST' }),
      new AbortController().signal,
      body('{"a":"ü"}'),
    )
    expect(request.bodyUsed).toBe(false)
    expect(await request.json()).toEqual({ a: 'ü' })
    expect(request.bodyUsed).toBe(true)
    await expect(request.text()).rejects.toThrow(TypeError)
    await expect(request.arrayBuffer()).rejects.toThrow(TypeError)
  })

  it('gives copies of the bytes, never a view of the buffer they came in', async () => {
    const pool = body('xx{"a":1}yy')
    const request = nodeRequest(
      message({ method: 'POST' }),
      new AbortController().signal,
      pool.subarray(2, 9),
    )
    const bytes = new Uint8Array(await request.arrayBuffer())
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}')
    expect(bytes.buffer.byteLength).toBe(7)
  })

  it('offers its bytes once, as they are, for readJson to decode, and none once read', async () => {
    const bytes = body('{"a":1}')
    const take = (request: Request) =>
      (request as unknown as { [BODY_BYTES](): Uint8Array | undefined })[BODY_BYTES]()
    const request = nodeRequest(message({ method: 'POST' }), new AbortController().signal, bytes)
    expect(take(request)).toBe(bytes)
    expect(request.bodyUsed).toBe(true)
    expect(take(request)).toBeUndefined()
    await expect(request.text()).rejects.toThrow(TypeError)
    const read = nodeRequest(message({ method: 'POST' }), new AbortController().signal, bytes)
    await read.text()
    expect(take(read)).toBeUndefined()
  })

  it('builds a real Request for anything else: clone, body, cache', async () => {
    const request = nodeRequest(
      message({ method: 'POST' }),
      new AbortController().signal,
      body('hello'),
    )
    expect(request.cache).toBe('default')
    const copy = request.clone()
    expect(copy.constructor).toBe(Request)
    expect(await new Response(request.body).text()).toBe('hello')
    expect(await copy.text()).toBe('hello')
  })

  it('keeps the body used when a real Request is built after reading it', async () => {
    const request = nodeRequest(
      message({ method: 'POST' }),
      new AbortController().signal,
      body('hello'),
    )
    await request.text()
    expect(() => request.clone()).toThrow(TypeError)
  })

  it('makes its signal on first use when given a function', () => {
    let made = 0
    const controller = new AbortController()
    const make = () => {
      made++
      return controller.signal
    }
    const request = nodeRequest(message({}), make, null)
    expect(made).toBe(0)
    expect(request.signal).toBe(controller.signal)
    expect(request.signal).toBe(controller.signal)
    expect(made).toBe(1)
  })

  it('has no body on a GET', async () => {
    const request = nodeRequest(message({}), new AbortController().signal, null)
    expect(request.body).toBeNull()
  })
})

describe('urlOf', () => {
  it('resolves an absolute-form target, a // path and an odd Host the careful way', () => {
    const at = (url: string, host: string) => urlOf(message({ url, headers: { host } }))
    expect(at('/a/b?c=1', 'rh.test')).toBe('http://rh.test/a/b?c=1')
    expect(at('/a', '[::1]:3000')).toBe('http://[::1]:3000/a')
    expect(at('http://other.test/a', 'rh.test')).toBe('http://other.test/a')
    expect(at('//x/y', 'rh.test')).toBe('http://x/y')
    expect(at('/a', 'rh.test/evil?')).toBe('http://rh.test/a')
  })

  it('takes the path Express kept in originalUrl over the one a mount point shortened', () => {
    const mounted = Object.assign(message({ url: '/?x=1' }), { originalUrl: '/hooks/?x=1' })
    expect(urlOf(mounted)).toBe('http://rh.test/hooks/?x=1')
  })
})
