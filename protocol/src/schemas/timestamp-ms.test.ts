import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { TimestampSchema } from './ids'
import { timestampToMs } from './timestamp-ms'

describe('timestampToMs', () => {
  it('reads what toISOString writes', () => {
    const ms = Date.UTC(2025, 0, 31, 12, 5, 0, 123)
    expect(timestampToMs(new Date(ms).toISOString())).toBe(ms)
  })

  it('applies the offset, in every form TimestampSchema accepts', () => {
    const noon = Date.UTC(2025, 0, 31, 12)
    for (const text of [
      '2025-01-31T13:00:00+01:00',
      '2025-01-31T13:00:00+0100',
      '2025-01-31 13:00:00+01',
      '2025-01-31T10:30:00-01:30',
      '2025-01-31T12:00:00.000000000Z',
      '2025-01-31 13:00:00 +01:00',
    ]) {
      expect(v.is(TimestampSchema, text), text).toBe(true)
      expect(timestampToMs(text), text).toBe(noon)
    }
  })

  it('drops digits past the millisecond', () => {
    expect(timestampToMs('2025-01-31T12:00:00.123987Z')).toBe(Date.UTC(2025, 0, 31, 12, 0, 0, 123))
    expect(timestampToMs('2025-01-31T12:00:00.5Z')).toBe(Date.UTC(2025, 0, 31, 12, 0, 0, 500))
  })

  it('is NaN for a day the month does not have, and for text that is no timestamp', () => {
    for (const text of ['2025-02-29T00:00:00Z', '2025-04-31T00:00:00Z', 'yesterday', '']) {
      expect(timestampToMs(text), text).toBeNaN()
    }
    expect(timestampToMs('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29))
  })

  it('reads years before 100 as written', () => {
    expect(new Date(timestampToMs('0050-06-01T00:00:00Z')).getUTCFullYear()).toBe(50)
  })
})
