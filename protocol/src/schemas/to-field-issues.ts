import * as v from 'valibot'
import type { FieldIssue } from './problem'

/**
 * valibot issues as rh's field issues: one `{ path, message }` per issue, `path` the dot path
 * (`events.0`, `metadata.team`) or empty for the whole input. The one place the server and the
 * client turn a failed `safeParse` into words.
 *
 * @example
 * const result = v.safeParse(CreateSubscriptionSchema, body)
 * if (!result.success) toFieldIssues(result.issues) // [{ path: 'events.0', message: '...' }]
 */
export function toFieldIssues(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }))
}
