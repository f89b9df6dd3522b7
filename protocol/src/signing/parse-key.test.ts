import { describe, expect, it } from 'vitest'
import { encodeBase64 } from './base64'
import { parseKey, parseKeys } from './parse-key'

const key = (prefix: string, length: number) =>
  `${prefix}${encodeBase64(new Uint8Array(length).fill(7))}`

describe('parseKey', () => {
  it('reads a whsec_ secret as HMAC key bytes', () => {
    const parsed = parseKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
    expect(parsed.kind).toBe('hmac')
    expect(parsed.kind === 'hmac' && parsed.secret.length).toBe(24)
  })

  it.each([24, 32, 64])('accepts a %i-byte whsec_ secret', (length) => {
    expect(parseKey(key('whsec_', length))).toMatchObject({ kind: 'hmac' })
  })

  it.each([0, 16, 23, 65])('rejects a %i-byte whsec_ secret', (length) => {
    expect(() => parseKey(key('whsec_', length))).toThrow(
      expect.objectContaining({ code: 'invalid_key' }),
    )
  })

  it('reads a whsk_ key as a 32-byte seed, or a 64-byte seed and public key', () => {
    expect(parseKey(key('whsk_', 32))).toMatchObject({ kind: 'ed25519-secret' })
    const long = parseKey(key('whsk_', 64))
    expect(long.kind === 'ed25519-secret' && long.seed.length).toBe(32)
    expect(long.kind === 'ed25519-secret' && long.publicKey?.length).toBe(32)
  })

  it('reads a whpk_ key as a 32-byte public key', () => {
    expect(parseKey(key('whpk_', 32))).toMatchObject({ kind: 'ed25519-public' })
  })

  it.each([
    ['no prefix', encodeBase64(new Uint8Array(32))],
    ['an unknown prefix', key('whatever_', 32)],
    ['bad base64', 'whsec_not*base64*at*all*'],
    ['url-safe base64', 'whsec_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_'],
    ['a short whsk_ key', key('whsk_', 31)],
    ['a short whpk_ key', key('whpk_', 16)],
    ['a non-string', 42 as unknown as string],
  ])('rejects %s', (_, value) => {
    expect(() => parseKey(value)).toThrow(expect.objectContaining({ code: 'invalid_key' }))
  })

  it('never puts key material in the message', () => {
    const secret = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ='
    try {
      parseKey(secret)
      expect.unreachable()
    } catch (error) {
      expect((error as Error).message).not.toContain(secret.slice(6))
    }
  })
})

describe('parseKeys', () => {
  it('takes one key or a list', () => {
    expect(parseKeys(key('whsec_', 32))).toHaveLength(1)
    expect(parseKeys([key('whsec_', 32), key('whpk_', 32)])).toHaveLength(2)
  })

  it('rejects an empty list', () => {
    expect(() => parseKeys([])).toThrow(expect.objectContaining({ code: 'invalid_key' }))
  })
})
