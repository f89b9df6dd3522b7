import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { protocolErrorCodes } from '../signing/protocol-error'
import { ProblemCodeSchema, ProblemSchema, problemCodes, problemType } from './problem'

describe('problemCodes', () => {
  it('maps every code to a 4xx or 5xx status and a title', () => {
    for (const [code, { status, title }] of Object.entries(problemCodes)) {
      expect(status, code).toBeGreaterThanOrEqual(400)
      expect(status, code).toBeLessThan(600)
      expect(title.length, code).toBeGreaterThan(0)
    }
  })

  it('answers bad input with a 4xx: only internal is a 500', () => {
    const fiveHundreds = Object.entries(problemCodes).filter(([, { status }]) => status === 500)
    expect(fiveHundreds.map(([code]) => code)).toEqual(['internal'])
  })

  it('holds every ProtocolError code, which a receiver answers with: 400 or 401', () => {
    for (const code of Object.keys(protocolErrorCodes)) {
      expect([400, 401], code).toContain(problemCodes[code as keyof typeof problemCodes]?.status)
    }
  })

  it('spells codes in snake_case', () => {
    for (const code of Object.keys(problemCodes)) expect(code).toMatch(/^[a-z]+(?:_[a-z]+)*$/)
  })
})

describe('problemType', () => {
  it('makes a urn:rh:problem URI', () => {
    expect(problemType('not_found')).toBe('urn:rh:problem:not_found')
  })
})

describe('ProblemCodeSchema', () => {
  it('accepts every code of the table and nothing else', () => {
    for (const code of Object.keys(problemCodes)) expect(v.is(ProblemCodeSchema, code)).toBe(true)
    expect(v.is(ProblemCodeSchema, 'teapot')).toBe(false)
  })
})

describe('ProblemSchema', () => {
  const problem = {
    type: problemType('invalid_request'),
    title: 'Invalid request',
    status: 422,
    detail: 'The request body is invalid.',
    code: 'invalid_request',
    errors: [{ path: 'events.0', message: 'an event name must not be empty' }],
  }

  it('accepts a problem with field errors', () => {
    expect(v.is(ProblemSchema, problem)).toBe(true)
  })

  it('keeps extension members, as RFC 9457 allows', () => {
    expect(v.parse(ProblemSchema, { ...problem, trace_id: 't1' })).toHaveProperty('trace_id', 't1')
  })

  it('accepts a code a newer server added', () => {
    expect(v.is(ProblemSchema, { ...problem, code: 'quota_exceeded' })).toBe(true)
  })

  it('rejects a status that is not an error status', () => {
    expect(v.is(ProblemSchema, { ...problem, status: 200 })).toBe(false)
  })

  it('rejects a problem without a code', () => {
    const { code: _, ...rest } = problem
    expect(v.is(ProblemSchema, rest)).toBe(false)
  })

  it('rejects a field error without a message', () => {
    expect(v.is(ProblemSchema, { ...problem, errors: [{ path: 'events' }] })).toBe(false)
  })
})
