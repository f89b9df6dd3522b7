import { toFieldIssues } from '@rh/protocol'
import type * as v from 'valibot'

/**
 * @internal The first few valibot issues as one line for an error message:
 * `data.id: Invalid type; (body): Invalid key`.
 *
 * @example
 * throw new Error(`unexpected body (${describeIssues(result.issues)})`)
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], max = 3): string {
  return toFieldIssues(issues.slice(0, max))
    .map(({ path, message }) => `${path || '(body)'}: ${message}`)
    .join('; ')
}
