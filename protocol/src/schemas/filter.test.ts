import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { FilterSchema, MAX_FILTER_CLAUSES, MAX_FILTER_DEPTH } from './filter'

const issues = (input: unknown) =>
  v.safeParse(FilterSchema, input).issues?.map((issue) => [v.getDotPath(issue), issue.message])

describe('FilterSchema', () => {
  it('accepts conditions and and / or / not trees', () => {
    for (const filter of [
      { path: 'amount', gte: 100 },
      { path: 'amount', gte: 100, lt: 1000 },
      { path: 'customer.country', in: ['DE', 'FR', null] },
      { path: 'test', exists: false },
      {
        and: [
          { path: 'a', eq: 'x' },
          { or: [{ path: 'b', eq: true }, { not: { path: 'c', eq: null } }] },
        ],
      },
    ]) {
      expect(issues(filter), JSON.stringify(filter)).toBeUndefined()
    }
  })

  it('names the bad clause by its path', () => {
    expect(
      issues({
        and: [
          { path: 'a', eq: 1 },
          { path: 'b', gt: true },
        ],
      })?.[0]?.[0],
    ).toBe('and.1.gt')
    expect(issues({ not: { path: '', eq: 1 } })?.[0]?.[0]).toBe('not.path')
    expect(issues({ or: [{ path: 'a', eq: 1, code: 'x' }] })?.[0]?.[0]).toBe('or.0.code')
  })

  it('refuses a condition without an operator, and what is no clause at all', () => {
    expect(issues({ path: 'a' })?.[0]?.[1]).toMatch(/at least one of eq, in/)
    expect(issues([])?.[0]?.[1]).toMatch(/is an object with path, and, or or not/)
    expect(issues('amount > 5')?.[0]?.[1]).toMatch(/is an object/)
  })

  it('refuses paths with empty segments or too many of them', () => {
    for (const path of ['a..b', '.a', 'a.', Array.from({ length: 17 }, () => 'x').join('.')]) {
      expect(issues({ path, eq: 1 })?.[0]?.[0], path).toBe('path')
    }
  })

  it('limits depth and clauses', () => {
    let deep: unknown = { path: 'a', eq: 1 }
    for (let i = 1; i < MAX_FILTER_DEPTH; i++) deep = { not: deep }
    expect(issues(deep)).toBeUndefined()
    expect(issues({ not: deep })?.[0]).toEqual([
      null,
      `a filter nests at most ${MAX_FILTER_DEPTH} levels`,
    ])
    const clauses = (n: number) => ({ or: Array.from({ length: n }, () => ({ path: 'a', eq: 1 })) })
    expect(issues(clauses(MAX_FILTER_CLAUSES - 1))).toBeUndefined()
    expect(issues(clauses(MAX_FILTER_CLAUSES))?.[0]?.[1]).toMatch(/at most 64 clauses/)
  })
})
