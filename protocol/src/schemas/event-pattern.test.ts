import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { EventPatternSchema, eventKeys, eventMatches, isEventPattern } from './event-pattern'

describe('EventPatternSchema', () => {
  it('accepts names, prefix patterns and *', () => {
    for (const entry of ['order.created', 'order.*', 'billing:invoice/paid.*', '*']) {
      expect(v.is(EventPatternSchema, entry), entry).toBe(true)
    }
  })

  it('refuses * anywhere but as the whole last segment', () => {
    for (const entry of ['order*', '*.created', 'order.*.v2', '**', '.*', 'order.**']) {
      expect(v.is(EventPatternSchema, entry), entry).toBe(false)
    }
  })
})

describe('eventMatches', () => {
  it('takes one or more segments below a prefix, never the prefix itself', () => {
    expect(eventMatches('order.*', 'order.created')).toBe(true)
    expect(eventMatches('order.*', 'order.created.v2')).toBe(true)
    expect(eventMatches('order.*', 'order')).toBe(false)
    expect(eventMatches('order.*', 'orders.created')).toBe(false)
  })

  it('takes every event with *, and only the same name without a pattern', () => {
    expect(eventMatches('*', 'anything')).toBe(true)
    expect(eventMatches('order.created', 'order.created')).toBe(true)
    expect(eventMatches('order.created', 'order.created.v2')).toBe(false)
  })
})

describe('eventKeys', () => {
  it('gives the name, then each prefix pattern from the longest, then *', () => {
    expect(eventKeys('order.created.v2')).toEqual([
      'order.created.v2',
      'order.created.*',
      'order.*',
      '*',
    ])
    expect(eventKeys('ping')).toEqual(['ping', '*'])
  })

  it('gives exactly the entries eventMatches takes the event with', () => {
    const entries = ['a', 'a.*', 'a.b', 'a.b.*', 'a.b.c', 'a.b.c.*', 'b.*', '*']
    for (const event of ['a', 'a.b', 'a.b.c', 'b.x']) {
      const taking = entries.filter((entry) => eventMatches(entry, event)).sort()
      expect(
        eventKeys(event)
          .filter((key) => entries.includes(key))
          .sort(),
        event,
      ).toEqual(taking)
    }
  })

  it('tells patterns from names', () => {
    expect(isEventPattern('*')).toBe(true)
    expect(isEventPattern('a.*')).toBe(true)
    expect(isEventPattern('a.b')).toBe(false)
  })
})
