import type { Filter, FilterCondition, FilterScalar } from './filter'

/**
 * Whether a message's `data` passes `filter` (a {@link Filter} already validated by
 * `FilterSchema`). Data, not code: conditions only read own fields of plain JSON values, so a
 * path like `__proto__.x` or `constructor` finds nothing. Evaluate it on the data as it is sent
 * (parsed back from the JSON the receivers get), so a `Date` compares as its ISO string.
 *
 * @example
 * matchesFilter({ path: 'amount', gte: 100 }, { amount: 250 }) // true
 * matchesFilter({ not: { path: 'customer.country', in: ['DE', 'FR'] } }, { customer: { country: 'DE' } }) // false
 */
export function matchesFilter(filter: Filter, data: unknown): boolean {
  if ('and' in filter) return filter.and.every((clause) => matchesFilter(clause, data))
  if ('or' in filter) return filter.or.some((clause) => matchesFilter(clause, data))
  if ('not' in filter) return !matchesFilter(filter.not, data)
  return holds(filter, valueAt(data, filter.path))
}

/** The value at a dot path, or `undefined` when any step is missing. */
function valueAt(data: unknown, path: string): unknown {
  let value = data
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    if (!Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

function holds(condition: FilterCondition, value: unknown): boolean {
  if (condition.exists !== undefined && condition.exists !== (value !== undefined)) return false
  if (condition.eq !== undefined && value !== condition.eq) return false
  if (condition.in !== undefined && !condition.in.includes(value as FilterScalar)) return false
  if (condition.gt !== undefined && !(compare(value, condition.gt) > 0)) return false
  if (condition.gte !== undefined && !(compare(value, condition.gte) >= 0)) return false
  if (condition.lt !== undefined && !(compare(value, condition.lt) < 0)) return false
  if (condition.lte !== undefined && !(compare(value, condition.lte) <= 0)) return false
  return true
}

/** `value` against `bound`: negative, zero, positive; `NaN` when they are not comparable. */
function compare(value: unknown, bound: number | string): number {
  if (typeof value !== typeof bound) return Number.NaN
  if (typeof bound === 'number') return (value as number) - bound
  return value === bound ? 0 : (value as string) < bound ? -1 : 1
}
