import * as v from 'valibot'
import { ResthooksError } from '../errors'

/**
 * Parses `input` with a valibot schema, or throws `ResthooksError(code)` with one
 * `{ path, message }` per issue (`events.0`, `metadata.team`; empty for the whole input).
 *
 * @example
 * const body = parseInput(CreateSubscriptionSchema, json, 'invalid_request')
 */
export function parseInput<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  code: 'invalid_request' | 'invalid_query',
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const errors = result.issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: issue.message,
  }))
  const what = code === 'invalid_query' ? 'query' : 'request body'
  throw new ResthooksError(code, `the ${what} is invalid: ${errors[0]?.message ?? ''}`.trim(), {
    errors,
  })
}
