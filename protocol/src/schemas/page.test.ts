import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { CursorSchema, MAX_CURSOR_LENGTH, PageLimitSchema, pageSchema } from './page'

describe('PageLimitSchema', () => {
  it('parses the decimal text of 1 to 100 into a number', () => {
    expect(v.parse(PageLimitSchema, '1')).toBe(1)
    expect(v.parse(PageLimitSchema, '20')).toBe(20)
    expect(v.parse(PageLimitSchema, '100')).toBe(100)
  })

  it('rejects 0 and 101', () => {
    expect(v.is(PageLimitSchema, '0')).toBe(false)
    expect(v.is(PageLimitSchema, '101')).toBe(false)
  })

  it('rejects a sign, a fraction, an exponent, spaces and hex', () => {
    for (const text of ['-1', '+5', '1.5', '1e2', ' 5', '0x10', '']) {
      expect(v.is(PageLimitSchema, text), text).toBe(false)
    }
  })

  it('rejects a number that is not text, as a query string never holds one', () => {
    expect(v.is(PageLimitSchema, 5)).toBe(false)
  })
})

describe('CursorSchema', () => {
  it('accepts an opaque string', () => {
    expect(v.is(CursorSchema, 'eyJpZCI6InN1Yl8xIn0')).toBe(true)
  })

  it('rejects an empty cursor', () => {
    expect(v.is(CursorSchema, '')).toBe(false)
  })

  it(`rejects a cursor longer than ${MAX_CURSOR_LENGTH} characters`, () => {
    expect(v.is(CursorSchema, 'a'.repeat(MAX_CURSOR_LENGTH))).toBe(true)
    expect(v.is(CursorSchema, 'a'.repeat(MAX_CURSOR_LENGTH + 1))).toBe(false)
  })
})

describe('pageSchema', () => {
  const NumberPage = pageSchema(v.number())

  it('accepts items and a next cursor', () => {
    expect(v.is(NumberPage, { data: [1, 2], next_cursor: 'c2' })).toBe(true)
  })

  it('accepts a null next cursor on the last page', () => {
    expect(v.is(NumberPage, { data: [], next_cursor: null })).toBe(true)
  })

  it('requires next_cursor to be present', () => {
    expect(v.is(NumberPage, { data: [] })).toBe(false)
  })

  it('checks every item', () => {
    expect(v.is(NumberPage, { data: [1, 'two'], next_cursor: null })).toBe(false)
  })
})
