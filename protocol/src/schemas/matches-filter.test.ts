import { describe, expect, it } from 'vitest'
import { matchesFilter } from './matches-filter'

const data = {
  amount: 150,
  currency: 'EUR',
  at: '2025-02-01T00:00:00.000Z',
  customer: { country: 'DE', test: false, note: null },
  items: [{ sku: 'a' }],
}

describe('matchesFilter', () => {
  it('compares numbers with numbers and strings with strings, nothing across', () => {
    expect(matchesFilter({ path: 'amount', gte: 150, lt: 151 }, data)).toBe(true)
    expect(matchesFilter({ path: 'amount', gt: 150 }, data)).toBe(false)
    expect(matchesFilter({ path: 'at', gte: '2025-01-01' }, data)).toBe(true)
    expect(matchesFilter({ path: 'amount', gte: '100' }, data)).toBe(false)
    expect(matchesFilter({ path: 'currency', lt: 1 }, data)).toBe(false)
  })

  it('tests equality, membership and existence, null included', () => {
    expect(matchesFilter({ path: 'customer.country', eq: 'DE' }, data)).toBe(true)
    expect(matchesFilter({ path: 'currency', in: ['USD', 'EUR'] }, data)).toBe(true)
    expect(matchesFilter({ path: 'customer.note', eq: null }, data)).toBe(true)
    expect(matchesFilter({ path: 'customer.note', exists: true }, data)).toBe(true)
    expect(matchesFilter({ path: 'customer.missing', exists: false }, data)).toBe(true)
    expect(matchesFilter({ path: 'customer.missing', eq: null }, data)).toBe(false)
    expect(matchesFilter({ path: 'items.0.sku', eq: 'a' }, data)).toBe(true)
  })

  it('combines with and, or and not', () => {
    const filter = {
      and: [{ path: 'amount', gte: 100 }, { not: { path: 'customer.test', eq: true } }],
    }
    expect(matchesFilter(filter, data)).toBe(true)
    expect(matchesFilter({ or: [{ path: 'a', exists: true }, filter] }, data)).toBe(true)
    expect(matchesFilter({ not: filter }, data)).toBe(false)
  })

  it('reads own fields only, never the prototype', () => {
    for (const path of ['constructor', '__proto__', 'currency.length', 'toString']) {
      expect(matchesFilter({ path, exists: true }, data), path).toBe(false)
    }
  })

  it('finds nothing in data that is not an object', () => {
    expect(matchesFilter({ path: 'a', exists: false }, 'text')).toBe(true)
    expect(matchesFilter({ path: 'a', eq: 1 }, null)).toBe(false)
  })
})
