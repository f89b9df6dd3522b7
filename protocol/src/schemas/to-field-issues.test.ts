import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { toFieldIssues } from './to-field-issues'

const Schema = v.object({ events: v.array(v.string()), metadata: v.object({ team: v.string() }) })

const issuesOf = (input: unknown) => {
  const result = v.safeParse(Schema, input)
  if (result.success) throw new Error('expected the input to be invalid')
  return result.issues
}

describe('toFieldIssues', () => {
  it('gives one dot path and message per issue', () => {
    const issues = toFieldIssues(issuesOf({ events: ['a', 1], metadata: { team: 2 } }))
    expect(issues).toEqual([
      { path: 'events.1', message: expect.stringContaining('string') },
      { path: 'metadata.team', message: expect.stringContaining('string') },
    ])
  })

  it('gives an empty path for the whole input', () => {
    expect(toFieldIssues(issuesOf('not an object'))).toEqual([
      { path: '', message: expect.stringContaining('Object') },
    ])
  })
})
