/**
 * A PostgreSQL array literal of `values` (`{"a","b\"c"}`), passed as a string parameter cast to
 * `text[]`. The `postgres` driver serializes a JS array with array types it reads as each
 * connection opens; a statement bound on a fresh connection before they were registered sent an
 * empty array as `''` ("malformed array literal", seen on Deno). A literal needs no type: the
 * driver passes a string through whether or not it knows `text[]`. Every element is quoted, so
 * none is read as NULL, and `"` and `\` are escaped.
 *
 * @example
 * await sql`delete from rh_jobs where id = any(${textArray(ids)}::text[])`
 */
export function textArray(values: Iterable<string>): string {
  let literal = '{'
  for (const value of values) {
    if (literal.length > 1) literal += ','
    literal += `"${value.replace(/["\\]/g, '\\$&')}"`
  }
  return `${literal}}`
}

/**
 * The elements of a `text[]` as PostgreSQL writes it (`{a,"b c","d\"e"}`): what the driver hands
 * over instead of an array when it read the row before it knew `text[]` (see {@link textArray}).
 *
 * @example
 * parseTextArray('{invoice.paid,"a b"}') // ['invoice.paid', 'a b']
 */
export function parseTextArray(literal: string): string[] {
  const values: string[] = []
  const end = literal.length - 1 // the closing brace
  let i = 1
  while (i < end) {
    if (literal[i] === '"') {
      let value = ''
      for (i++; literal[i] !== '"'; i++) {
        if (literal[i] === '\\') i++
        value += literal[i]
      }
      values.push(value)
      i += 2 // the closing quote and the comma
    } else {
      const comma = literal.indexOf(',', i)
      const stop = comma === -1 || comma > end ? end : comma
      values.push(literal.slice(i, stop))
      i = stop + 1
    }
  }
  return values
}
