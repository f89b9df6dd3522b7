import { toFieldIssues } from '@rh/protocol'
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
  if (result.success) {
    if (!hasNul(result.output)) return result.output
    const nul = findNul(result.output, '') ?? ''
    const message = 'text must not contain the NUL character'
    throw new ResthooksError(code, `${nul || 'the input'}: ${message}`, {
      errors: [{ path: nul, message }],
    })
  }
  const errors = toFieldIssues(result.issues)
  const what = code === 'invalid_query' ? 'query' : 'request body'
  throw new ResthooksError(code, `the ${what} is invalid: ${errors[0]?.message ?? ''}`.trim(), {
    errors,
  })
}

/** Whether any string or key in `value` holds U+0000: the usual answer, no, without a path built. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNul(value[i])) return true
    return false
  }
  // Object.keys, not for-in: for-in is slow on the dictionary-like objects JSON.parse makes.
  const keys = Object.keys(value)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    if (key.includes('\u0000') || hasNul((value as Record<string, unknown>)[key])) return true
  }
  return false
}

/**
 * The dot path of the first string holding U+0000, or `null`. Valid JSON and valid for the
 * schemas, but no text column (PostgreSQL) can store it: refused here as input, not a 500 later.
 */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (typeof value !== 'object' || value === null) return null
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`
    if (key.includes('\u0000')) return at
    const found = findNul(item, at)
    if (found !== null) return found
  }
  return null
}
