import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, securityHeaders } from './content-security-policy'

describe('contentSecurityPolicy', () => {
  it('allows only the console’s own script, style and API, no framing and no base', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
  })

  it('adds an API origin to connect-src only', () => {
    const policy = contentSecurityPolicy(['https://api.example'])
    expect(policy).toContain("connect-src 'self' https://api.example;")
    expect(policy).toContain("script-src 'self';")
  })

  it('never allows inline code', () => {
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-inline|unsafe-eval/)
  })
})

describe('securityHeaders', () => {
  it('carries the policy, no sniffing, no referrer and no caching', () => {
    expect(securityHeaders('x')).toEqual({
      'content-security-policy': 'x',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
  })
})
