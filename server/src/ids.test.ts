import { SubscriptionIdSchema } from '@rh/protocol'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { newId } from './ids'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

describe('newId', () => {
  it('writes the prefix and a 26-character ULID', () => {
    const id = newId('sub')
    expect(v.is(SubscriptionIdSchema, id)).toBe(true)
    expect(id).toMatch(/^sub_[0-9A-HJKMNP-TV-Z]{26}$/)
  })

  it('sorts ids made in the same millisecond in the order they were made', () => {
    const ids = Array.from({ length: 1000 }, () => newId('sub', 1_700_000_000_000))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('mints ids in one millisecond whose random parts are not consecutive', () => {
    const low = (id: string) =>
      [...id.slice(-10)].reduce((n, c) => n * 32n + BigInt(ALPHABET.indexOf(c)), 0n)
    const ids = Array.from({ length: 100 }, () => newId('msg', 1_750_000_000_000))
    const steps = ids.slice(1).map((id, i) => low(id) - low(ids[i] as string))
    // A step of 1 (or any small one) would let an owner guess the ids minted next to its own.
    expect(steps.filter((step) => step > 0n && step < 2n ** 20n)).toEqual([])
  })

  it('stays monotonic when the clock goes back', () => {
    const later = newId('sub', 1_800_000_000_000)
    const earlier = newId('sub', 1_700_000_000_000)
    expect(earlier > later).toBe(true)
  })

  it('re-encodes the time digits when the millisecond changes', () => {
    const first = newId('sub', 1_900_000_000_000)
    const next = newId('sub', 1_900_000_000_001)
    const later = newId('sub', 1_900_000_086_400)
    expect(first.slice(4, 14)).toBe(crockford(1_900_000_000_000))
    expect(next.slice(4, 14)).toBe(crockford(1_900_000_000_001))
    expect(later.slice(4, 14)).toBe(crockford(1_900_000_086_400))
  })

  it('writes prefixes of any length, the time included', () => {
    for (const prefix of ['x', 'ab', 'evt', 'test', 'longer']) {
      const id = newId(prefix, 1_900_000_100_000)
      expect(id).toMatch(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`))
      expect(id.slice(prefix.length + 1, prefix.length + 11)).toBe(crockford(1_900_000_100_000))
    }
  })

  // Last: ids are monotonic within the process, so this moves every later id to the end of time.
  it('encodes the time in the first ten characters', () => {
    expect(newId('msg', 2 ** 48 - 1).slice(4, 14)).toBe('7ZZZZZZZZZ')
  })
})

/** The ten-digit Crockford base32 of a time, written out independently of `newId`. */
function crockford(time: number): string {
  return time
    .toString(32)
    .toUpperCase()
    .padStart(10, '0')
    .replace(/[A-V]/g, (digit) => {
      return '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[Number.parseInt(digit, 32)] as string
    })
}
