import { describe, expect, it } from 'vitest'
import { apiKeyAuthenticator, parseApiKeys } from './api-keys'

describe('parseApiKeys', () => {
  it('reads owner:key pairs, keeping colons inside the key', () => {
    expect(parseApiKeys(' acme:k1 , globex:k:2,')).toEqual([
      { owner: 'acme', key: 'k1' },
      { owner: 'globex', key: 'k:2' },
    ])
  })

  it('rejects an entry without an owner or key, without echoing the key', () => {
    expect(() => parseApiKeys(':secret')).toThrow(/<hidden>/)
    expect(() => parseApiKeys(':secret')).not.toThrow(/secret/)
    expect(() => parseApiKeys('acme:')).toThrow(/owner:key/)
    expect(() => parseApiKeys('nocolon')).toThrow(/owner:key/)
  })
})

describe('apiKeyAuthenticator', () => {
  const authenticate = apiKeyAuthenticator(parseApiKeys('acme:key-a,globex:key-b'))

  it('returns the owner of a bearer key', () => {
    expect(authenticate('Bearer key-a')).toBe('acme')
    expect(authenticate('bearer key-b')).toBe('globex')
  })

  it('refuses a missing, malformed or unknown key', () => {
    expect(authenticate(null)).toBeNull()
    expect(authenticate('')).toBeNull()
    expect(authenticate('Basic key-a')).toBeNull()
    expect(authenticate('Bearer key-')).toBeNull()
    expect(authenticate('Bearer key-a extra')).toBeNull()
    expect(authenticate('Bearer KEY-A')).toBeNull()
  })
})
