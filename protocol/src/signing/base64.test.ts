import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64 } from './base64'

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

describe('encodeBase64', () => {
  it('matches the RFC 4648 test vectors', () => {
    const vectors = {
      '': '',
      f: 'Zg==',
      fo: 'Zm8=',
      foo: 'Zm9v',
      foob: 'Zm9vYg==',
      fooba: 'Zm9vYmE=',
    }
    for (const [plain, encoded] of Object.entries(vectors)) {
      expect(encodeBase64(bytesOf(plain))).toBe(encoded)
    }
  })

  it('round-trips any bytes through decodeBase64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes)
      }),
    )
  })

  it('agrees with btoa', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(btoa(String.fromCharCode(...bytes)))
      }),
    )
  })
})

describe('decodeBase64', () => {
  it('decodes padded input', () => {
    expect(decodeBase64('Zm9vYmFy')).toEqual(bytesOf('foobar'))
    expect(decodeBase64('Zm9vYg==')).toEqual(bytesOf('foob'))
    expect(decodeBase64('Zm9vYmE=')).toEqual(bytesOf('fooba'))
  })

  it.each([
    ['missing padding', 'Zm9vYg'],
    ['url-safe alphabet', 'ab-_'],
    ['whitespace', 'Zm9v Yg=='],
    ['a newline', 'Zm9v\nYmFy'],
    ['padding in the middle', 'Zg==Zm9v'],
    ['three padding characters', 'Z==='],
    ['non-zero bits under one padding character', 'Zm9='],
    ['non-zero bits under two padding characters', 'Zh=='],
    ['a character outside ASCII', 'Zm9\u00e9'],
  ])('rejects %s', (_, text) => {
    expect(decodeBase64(text)).toBeUndefined()
  })
})
