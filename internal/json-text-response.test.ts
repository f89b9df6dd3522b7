import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8Length } from './json-text-response'

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
