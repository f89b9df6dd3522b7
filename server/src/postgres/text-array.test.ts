import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testSchema } from '../../../test/postgres'
import { parseTextArray, textArray } from './text-array'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
})
afterAll(() => db.drop())

const awkward = ['invoice.paid', '', 'NULL', 'a b', 'a,b', '{x}', 'say "hi"', 'back\\slash', 'é ☃']

describe('textArray and parseTextArray', () => {
  it('writes literals PostgreSQL reads back as the same elements, empty included', async () => {
    for (const values of [[], ['one'], awkward]) {
      const [row] = await db.sql`select ${textArray(values)}::text[] as a`
      expect(row?.a).toEqual(values)
    }
  })

  it('reads the text PostgreSQL writes for a text[]', async () => {
    for (const values of [[], ['one'], ['a', 'b'], awkward]) {
      const [row] = await db.sql`select (${textArray(values)}::text[])::text as t`
      expect(parseTextArray(String(row?.t))).toEqual(values)
    }
  })

  it('quotes every element, so none is read as NULL', () => {
    expect(textArray(['NULL', 'a"b'])).toBe('{"NULL","a\\"b"}')
    expect(textArray(new Set<string>())).toBe('{}')
  })
})
