import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { describeIssues } from './describe-issues'

const issuesOf = (schema: v.GenericSchema, input: unknown) => {
  const result = v.safeParse(schema, input, { abortEarly: false })
  if (result.success) throw new Error('expected the input to be invalid')
  return result.issues
}

describe('describeIssues', () => {
  it('names each issue by its dot path, or (body) for the whole body', () => {
    expect(describeIssues(issuesOf(v.object({ data: v.object({ id: v.string() }) }), {}))).toBe(
      'data: Invalid key: Expected "data" but received undefined',
    )
    expect(describeIssues(issuesOf(v.object({}), 'text'))).toMatch(/^\(body\): Invalid type/)
  })

  it('keeps the first three issues, joined by semicolons', () => {
    const schema = v.object({ a: v.string(), b: v.string(), c: v.string(), d: v.string() })
    const text = describeIssues(issuesOf(schema, { a: 1, b: 2, c: 3, d: 4 }))
    expect(text.split('; ').map((part) => part.split(':')[0])).toEqual(['a', 'b', 'c'])
  })
})
