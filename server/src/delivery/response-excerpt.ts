import { RESPONSE_EXCERPT_MAX_LENGTH } from '@rh/protocol'

/**
 * What an attempt keeps of the receiver's response body for a person to read: its start,
 * trimmed, at most `RESPONSE_EXCERPT_MAX_LENGTH` (256) characters, or `null` when the body is
 * empty or only whitespace. Cheap on the delivery path: an empty body costs nothing and a short
 * one is kept as it is; a pair of UTF-16 halves is never cut in two, and a NUL (which PostgreSQL
 * cannot store in `text`) becomes U+FFFD.
 *
 * @example
 * responseExcerpt('  {"error":"db down"}\n') // '{"error":"db down"}'
 * responseExcerpt('') // null
 */
export function responseExcerpt(body: string): string | null {
  if (body.length === 0) return null
  let excerpt = body.trimStart().slice(0, RESPONSE_EXCERPT_MAX_LENGTH)
  if (
    excerpt.length === RESPONSE_EXCERPT_MAX_LENGTH &&
    isHighSurrogate(excerpt.charCodeAt(excerpt.length - 1))
  ) {
    excerpt = excerpt.slice(0, -1)
  }
  excerpt = excerpt.trimEnd()
  if (excerpt.length === 0) return null
  if (excerpt.includes('\0')) return excerpt.replaceAll('\0', '\uFFFD')
  // A part of a longer body is a view of the whole body in V8 and JavaScriptCore: kept in the
  // attempt log (the memory queue holds 100 per subscription), it would keep up to 64 KiB alive
  // for 256 characters. Joined to a character and sliced again, it is a string of its own.
  return excerpt.length < body.length ? ` ${excerpt}`.slice(1) : excerpt
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}
