import { describe, expect, it } from 'vitest'
import { newId } from '../ids'
import { TimeBucketedMap } from './time-bucketed-map'

describe('TimeBucketedMap', () => {
  it('finds every id it was given, across milliseconds and buckets', () => {
    const map = new TimeBucketedMap<number>()
    const ids = Array.from({ length: 300 }, (_, i) => newId('sub', 1_700_000_000_000 + i * 7))
    for (const [i, id] of ids.entries()) map.set(id, i)
    for (const [i, id] of ids.entries()) expect(map.get(id)).toBe(i)
    // The next id (in the last bucket) was never set.
    expect(map.get(newId('sub', 1_700_000_000_000 + 299 * 7))).toBeUndefined()
  })

  it('takes any string as a key, short ones and ones that share a prefix', () => {
    const map = new TimeBucketedMap<string>()
    const keys = [
      'x'.repeat(17),
      'y'.repeat(17),
      `a${'x'.repeat(17)}`,
      `b${'x'.repeat(17)}`,
      '',
      'a',
      'sub_1',
      'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC',
      'sub_01JB8X6T3QH6W2Y9V4KZP7M5RD',
    ]
    for (const key of keys) map.set(key, `value of ${key}`)
    for (const key of keys) expect(map.get(key)).toBe(`value of ${key}`)
    expect(map.has('sub_01JB8X6T3QH6W2Y9V4KZP7M5RE')).toBe(false)
  })

  it('adds only what is absent, and replaces on set', () => {
    const map = new TimeBucketedMap<number>()
    expect(map.add('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC', 1)).toBe(true)
    expect(map.add('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC', 2)).toBe(false)
    expect(map.get('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC')).toBe(1)
    map.set('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC', 3)
    expect(map.get('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC')).toBe(3)
  })

  it('deletes ids, answering whether each was there, and clears', () => {
    const map = new TimeBucketedMap<number>()
    const a = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'
    const b = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RD'
    map.set(a, 1)
    map.set(b, 2)
    expect(map.delete(a)).toBe(true)
    expect(map.delete(a)).toBe(false)
    expect(map.has(a)).toBe(false)
    expect(map.get(b)).toBe(2)
    expect(map.delete(b)).toBe(true)
    // The emptied bucket is gone, and a new id in it is found again.
    map.set(a, 4)
    expect(map.get(a)).toBe(4)
    map.clear()
    expect(map.has(a)).toBe(false)
  })
})
