import * as v from 'valibot'

/** Deepest nesting of `and` / `or` / `not` in a filter (a lone condition is depth 1). */
export const MAX_FILTER_DEPTH = 8
/** Most clauses (conditions and `and` / `or` / `not` nodes together) in one filter. */
export const MAX_FILTER_CLAUSES = 64
/** Most values in one `in` list, and most clauses in one `and` / `or`. */
export const MAX_FILTER_LIST = 100
/** Longest path, in characters; at most {@link MAX_FILTER_PATH_SEGMENTS} segments. */
export const MAX_FILTER_PATH_LENGTH = 256
/** Most dot-separated segments in a path. */
export const MAX_FILTER_PATH_SEGMENTS = 16
/** Longest string value a condition compares with, in characters. */
export const MAX_FILTER_STRING_LENGTH = 1024

/** A value `eq` and `in` compare with: a JSON scalar. */
export type FilterScalar = string | number | boolean | null

/**
 * One test of the value at `path` in the message `data`. Every operator given must hold:
 * `eq` (strictly equal; numbers, strings, booleans, `null`), `in` (equal to one of the list),
 * `gt` / `gte` / `lt` / `lte` (a number with a number, a string with a string by code points, so
 * ISO-8601 times compare as times; any other pairing is false), `exists` (`true`: the path has
 * a value, `null` included; `false`: it does not).
 */
export interface FilterCondition {
  /** Dot-separated field names into `data` (`customer.country`); a segment of digits indexes an array. */
  path: string
  eq?: FilterScalar | undefined
  in?: FilterScalar[] | undefined
  gt?: number | string | undefined
  gte?: number | string | undefined
  lt?: number | string | undefined
  lte?: number | string | undefined
  exists?: boolean | undefined
}

/** A filter: a condition, or `and` / `or` of filters, or `not` of one. */
export type Filter = FilterCondition | { and: Filter[] } | { or: Filter[] } | { not: Filter }

const PathSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_FILTER_PATH_LENGTH, `a path is at most ${MAX_FILTER_PATH_LENGTH} characters`),
  v.regex(
    new RegExp(`^[^.]+(?:\\.[^.]+){0,${MAX_FILTER_PATH_SEGMENTS - 1}}$`),
    `a path is 1 to ${MAX_FILTER_PATH_SEGMENTS} field names separated by dots, none empty`,
  ),
  v.description('Dot-separated field names into the message data: `customer.country`.'),
)

const StringValueSchema = v.pipe(
  v.string(),
  v.maxLength(
    MAX_FILTER_STRING_LENGTH,
    `a value is at most ${MAX_FILTER_STRING_LENGTH} characters`,
  ),
)
// JSON has no NaN or Infinity: a parsed body's numbers are finite.
const NumberValueSchema = v.number()
const ScalarSchema = v.union(
  [StringValueSchema, NumberValueSchema, v.boolean(), v.null()],
  'a value is a string, a finite number, true, false or null',
)
const BoundSchema = v.union(
  [StringValueSchema, NumberValueSchema],
  'a bound is a number or a string',
)

const OPERATORS = ['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const

/**
 * A condition: `path` and at least one operator (the one rule JSON Schema is not told: a
 * condition without an operator is refused by the server).
 *
 * @example
 * v.parse(FilterConditionSchema, { path: 'amount', gte: 100 })
 */
export const FilterConditionSchema = v.strictObject({
  path: PathSchema,
  eq: v.optional(ScalarSchema),
  in: v.optional(
    v.pipe(
      v.array(ScalarSchema),
      v.minLength(1, 'in lists at least one value'),
      v.maxLength(MAX_FILTER_LIST, `in lists at most ${MAX_FILTER_LIST} values`),
    ),
  ),
  gt: v.optional(BoundSchema),
  gte: v.optional(BoundSchema),
  lt: v.optional(BoundSchema),
  lte: v.optional(BoundSchema),
  exists: v.optional(v.boolean()),
})

const clauses = (name: 'and' | 'or') =>
  v.pipe(
    v.array(v.lazy(filterNode)),
    v.minLength(1, `${name} holds at least one clause`),
    v.maxLength(MAX_FILTER_LIST, `${name} holds at most ${MAX_FILTER_LIST} clauses`),
  )

const AndSchema = v.strictObject({ and: clauses('and') })
const OrSchema = v.strictObject({ or: clauses('or') })
const NotSchema = v.strictObject({ not: v.lazy(filterNode) })

/**
 * Any node of a filter, as one schema: what the JSON Schema documents (`Filter`).
 *
 * @example
 * v.parse(FilterNodeSchema, { not: { path: 'test', eq: true } })
 */
export const FilterNodeSchema: v.GenericSchema<Filter> = v.union(
  [FilterConditionSchema, AndSchema, OrSchema, NotSchema],
  'a filter clause is an object with path, and, or or not',
)

/** A schema every input fails with `message` (a rule the lazy schemas decide themselves). */
const refuse = (message: string) =>
  v.pipe(
    v.unknown(),
    v.check(() => false, message),
  ) as unknown as v.GenericSchema<Filter>

const NOT_A_CLAUSE = refuse('a filter clause is an object with path, and, or or not')
const NO_OPERATOR = refuse(`a condition names at least one of ${OPERATORS.join(', ')}`)

/**
 * The schema for one node, chosen by its keys so an error names the clause it is in
 * (`filter.and.1.gt`) instead of every alternative of a union.
 */
function filterNode(input: unknown): v.GenericSchema<Filter> {
  // Without input (the JSON Schema converter asks so) the whole union is documented.
  if (input === undefined) return FilterNodeSchema
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return NOT_A_CLAUSE
  if ('and' in input) return AndSchema as v.GenericSchema<Filter>
  if ('or' in input) return OrSchema as v.GenericSchema<Filter>
  if ('not' in input) return NotSchema as v.GenericSchema<Filter>
  if ('path' in input && !OPERATORS.some((name) => name in input)) return NO_OPERATOR
  return FilterConditionSchema as v.GenericSchema<Filter>
}

/**
 * Why `input` is too big a filter (`MAX_FILTER_DEPTH`, `MAX_FILTER_CLAUSES`), or `null`. Walks at
 * most a little past the limits, so a hostile body cannot make the check itself expensive or
 * recurse deeply.
 */
function tooBig(input: unknown): string | null {
  let clauseCount = 0
  const stack: Array<[unknown, number]> = [[input, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number]
    if (node === null || typeof node !== 'object') continue
    if (depth > MAX_FILTER_DEPTH) return `a filter nests at most ${MAX_FILTER_DEPTH} levels`
    if (++clauseCount > MAX_FILTER_CLAUSES) {
      return `a filter holds at most ${MAX_FILTER_CLAUSES} clauses`
    }
    const record = node as Record<string, unknown>
    for (const key of ['and', 'or'] as const) {
      const list = record[key]
      if (Array.isArray(list))
        for (const child of list.slice(0, MAX_FILTER_CLAUSES + 1)) {
          stack.push([child, depth + 1])
        }
    }
    if ('not' in record) stack.push([record.not, depth + 1])
  }
  return null
}

/**
 * A subscription's payload filter, checked whole: the shape of every clause, and the limits
 * (depth {@link MAX_FILTER_DEPTH}, {@link MAX_FILTER_CLAUSES} clauses). Issues name the bad
 * clause: `and.1.gt`. A server evaluates it on each message's `data`, once per subscription; it is
 * data, never code.
 *
 * @example
 * v.parse(FilterSchema, { and: [{ path: 'amount', gte: 100 }, { path: 'currency', in: ['EUR', 'USD'] }] })
 */
export const FilterSchema: v.GenericSchema<Filter> = v.lazy((input) => {
  if (input === undefined) return FilterNodeSchema
  const problem = tooBig(input)
  return problem === null ? filterNode(input) : refuse(problem)
})
