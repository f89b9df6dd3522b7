import type { IncomingMessage } from 'node:http'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { headersOf, nodeHeaders, realHeaders } from './node-headers'

const message = (headers: Record<string, string | string[]>) =>
  ({ headers }) as unknown as IncomingMessage

const raw = {
  host: 'rh.test',
  'content-type': ' application/json\t',
  'set-cookie': ['a=1', 'b=2'],
  'x-empty': '',
  ':path': '/',
}

describe('nodeHeaders', () => {
  it('answers get and has as the real Headers does, by any case', () => {
    const headers = nodeHeaders(message(raw))
    const real = headersOf(message(raw))
    expect(headers).toBeInstanceOf(Headers)
    for (const name of [
      'host',
      'Content-Type',
      'SET-COOKIE',
      'x-empty',
      'x-missing',
      'constructor',
      'toString',
      '__proto__',
    ]) {
      expect(headers.get(name), name).toBe(real.get(name))
      expect(headers.has(name), name).toBe(real.has(name))
    }
  })

  it('throws for a name that is no header name, as Headers does', () => {
    const headers = nodeHeaders(message(raw))
    for (const name of [':path', '', 'a b', 'ü']) {
      expect(() => headers.get(name), name).toThrow(TypeError)
      expect(() => headers.has(name), name).toThrow(TypeError)
    }
  })

  it('builds the real Headers for anything else, and answers from it from then on', () => {
    const headers = nodeHeaders(message(raw))
    expect([...headers.keys()]).toEqual([...headersOf(message(raw)).keys()])
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    headers.set('host', 'other.test')
    headers.delete('x-empty')
    expect(headers.get('host')).toBe('other.test')
    expect(headers.has('x-empty')).toBe(false)
    expect(realHeaders(headers).get('host')).toBe('other.test')
    expect(new Headers(headers).get('host')).toBe('other.test')
  })

  it('reads any value as the real Headers does', () => {
    const value = fc.string({ unit: fc.constantFrom('a', ' ', '\t', ',', 'é', '=') })
    fc.assert(
      fc.property(fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })), (item) => {
        const incoming = message({ 'x-v': item })
        expect(nodeHeaders(incoming).get('x-v')).toBe(headersOf(incoming).get('x-v'))
      }),
    )
  })
})

describe('realHeaders', () => {
  it('passes any other Headers through as it is', () => {
    const headers = new Headers({ a: '1' })
    expect(realHeaders(headers)).toBe(headers)
  })
})
