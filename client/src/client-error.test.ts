import { describe, expect, it } from 'vitest'
import { isRhClientError, RhClientError } from './client-error'
import { gone, isGone } from './gone'

describe('RhClientError', () => {
  it('carries a stable code, the status, the detail and the cause', () => {
    const cause = new TypeError('fetch failed')
    const error = new RhClientError('network_error', 'the request failed: fetch failed', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'RhClientError', code: 'network_error', status: undefined })
    expect(error.message).toBe('network_error: the request failed: fetch failed')
    expect(error.cause).toBe(cause)
  })

  it('puts the status first in the message when a response arrived', () => {
    expect(new RhClientError('not_found', 'no such subscription', { status: 404 }).message).toBe(
      '404 not_found: no such subscription',
    )
  })

  it('is recognised across copies of the package by its name', () => {
    const foreign = Object.assign(new Error('x'), { name: 'RhClientError', code: 'timeout' })
    expect(isRhClientError(foreign)).toBe(true)
    expect(isRhClientError(new Error('x'))).toBe(false)
    expect(isRhClientError({ name: 'RhClientError', code: 'timeout' })).toBe(false)
  })
})

describe('gone', () => {
  it('makes a 410 RhClientError that isGone recognises', () => {
    const marker = gone('account closed')
    expect(marker).toMatchObject({ code: 'gone', status: 410, detail: 'account closed' })
    expect(isGone(marker)).toBe(true)
    expect(isGone(new RhClientError('not_found', 'x', { status: 404 }))).toBe(false)
    expect(isGone(undefined)).toBe(false)
  })
})
