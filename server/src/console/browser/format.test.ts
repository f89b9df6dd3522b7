import { describe, expect, it } from 'vitest'
import {
  failureStreak,
  formatDuration,
  formatTime,
  isoToLocalInput,
  localInputToIso,
} from './format'

describe('formatTime', () => {
  it('shows UTC to the second, and a dash for none', () => {
    expect(formatTime('2025-01-31T12:05:00.123Z')).toBe('2025-01-31 12:05:00Z')
    expect(formatTime(null)).toBe('—')
  })
})

describe('local time inputs', () => {
  it('round-trip through ISO-8601', () => {
    const iso = '2025-01-31T12:05:00.000Z'
    expect(localInputToIso(isoToLocalInput(iso))).toBe(iso)
    expect(localInputToIso('')).toBeUndefined()
    expect(localInputToIso('not a time')).toBeUndefined()
  })
})

describe('failureStreak', () => {
  it('counts the newest failed attempts until one that did not fail', () => {
    const failed = { outcome: 'failed' }
    expect(failureStreak([failed, failed, { outcome: 'delivered' }, failed], false)).toBe('2')
    expect(failureStreak([], false)).toBe('0')
  })

  it('says + when every attempt read failed and there are more', () => {
    expect(failureStreak([{ outcome: 'failed' }, { outcome: 'failed' }], true)).toBe('2+')
    expect(failureStreak([{ outcome: 'failed' }], false)).toBe('1')
  })
})

describe('formatDuration', () => {
  it('shows ms below a second and seconds above', () => {
    expect(formatDuration(12)).toBe('12 ms')
    expect(formatDuration(1530)).toBe('1.53 s')
  })
})
