import { describe, expect, it } from 'vitest'
import { decodeBase64 } from './base64'
import { generateSecret } from './generate-secret'

describe('generateSecret', () => {
  it('makes a whsec_ secret of 32 random bytes by default', () => {
    const secret = generateSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(decodeBase64(secret.slice(6))).toHaveLength(32)
    expect(generateSecret()).not.toBe(secret)
  })

  it.each([24, 64])('makes a %i-byte secret on request', (length) => {
    expect(decodeBase64(generateSecret(length).slice(6))).toHaveLength(length)
  })

  it.each([0, 23, 65, 32.5, Number.NaN])('refuses %d bytes', (length) => {
    expect(() => generateSecret(length)).toThrow(expect.objectContaining({ code: 'invalid_key' }))
  })
})
