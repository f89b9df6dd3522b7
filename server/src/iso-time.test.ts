import { describe, expect, it } from 'vitest'
import { isoTime } from './iso-time'

describe('isoTime', () => {
  it('formats exactly as toISOString, within a second and across seconds', () => {
    const times = [
      0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1_764_406_521_000, 1_764_406_521_007,
      1_764_406_521_070, 1_764_406_521_999, 1_764_406_522_000, 1_764_406_521_500, -1, -999, -1000,
      -1001, 1.9, -1.5, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_001, 8.64e15,
      -8.64e15,
    ]
    for (const time of times) expect(isoTime(time)).toBe(new Date(time).toISOString())
  })

  it('agrees with toISOString over a run of consecutive milliseconds', () => {
    for (let time = 1_764_406_520_990; time < 1_764_406_523_010; time++) {
      expect(isoTime(time)).toBe(new Date(time).toISOString())
    }
  })

  it('formats the same millisecond again, and after another, alike', () => {
    for (const time of [5, 5, 5.7, -0.5, 0, 1000, 5, 1_764_406_521_007, 1_764_406_521_007]) {
      expect(isoTime(time)).toBe(new Date(time).toISOString())
    }
  })

  it('throws a RangeError for an invalid time, as toISOString does', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError)
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError)
  })
})
