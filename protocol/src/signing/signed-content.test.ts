import { describe, expect, it } from 'vitest'
import { assertBody, isValidId, isValidTimestamp, signedBytes } from './signed-content'

describe('isValidId', () => {
  it('accepts printable ASCII ids without "." up to 256 characters', () => {
    expect(isValidId('msg_p5jXN8AQM9LWM0D4loKWxJek')).toBe(true)
    expect(isValidId('a-b_c:d/e+f=g~!')).toBe(true)
    expect(isValidId('m'.repeat(256))).toBe(true)
  })

  it.each(['', 'a.b', 'a b', 'a\tb', 'é', 'm'.repeat(257)])('rejects %j', (id) => {
    expect(isValidId(id)).toBe(false)
  })
})

describe('isValidTimestamp', () => {
  it.each(['0', '1', '1614265330', '999999999999'])('accepts %s', (value) => {
    expect(isValidTimestamp(value)).toBe(true)
  })

  it.each(['', '01', '-1', '+1', '1.5', '1e9', ' 1', '1000000000000', 'NaN'])(
    'rejects %j',
    (value) => {
      expect(isValidTimestamp(value)).toBe(false)
    },
  )
})

describe('assertBody', () => {
  it('accepts strings and bytes', () => {
    expect(() => assertBody('{}')).not.toThrow()
    expect(() => assertBody(new Uint8Array([0xff]))).not.toThrow()
    expect(() => assertBody('😀')).not.toThrow()
  })

  it.each([
    ['a lone high surrogate', '\uD83D'],
    ['a lone low surrogate', 'a\uDE00'],
    ['reversed surrogates', '\uDE00\uD83D'],
  ])('rejects a string with %s as invalid_body', (_, body) => {
    expect(() => assertBody(body)).toThrow(expect.objectContaining({ code: 'invalid_body' }))
  })

  it.each([
    ['an object', { a: 1 }],
    ['null', null],
    ['a number', 1],
    ['an ArrayBuffer', new ArrayBuffer(1)],
  ])('rejects %s with a TypeError', (_, body) => {
    expect(() => assertBody(body)).toThrow(TypeError)
  })
})

describe('signedBytes', () => {
  it('concatenates the prefix and a string body as UTF-8', () => {
    expect(new TextDecoder().decode(signedBytes('msg_1.1.', 'é'))).toBe('msg_1.1.é')
  })

  it('concatenates the prefix and byte bodies unchanged', () => {
    expect([...signedBytes('a.', new Uint8Array([0xff, 0x00]))]).toEqual([0x61, 0x2e, 0xff, 0x00])
  })
})
