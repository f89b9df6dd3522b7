import * as v from 'valibot'

/** Longest event name or pattern, in characters (as {@link MAX_EVENT_NAME_LENGTH}). */
const MAX_PATTERN_LENGTH = 128

/** The wildcard segment: alone it is every event; last after a prefix, every event below it. */
export const EVENT_WILDCARD = '*'

/**
 * What a subscription's `events` may name: an event name (`order.created`), a prefix pattern
 * (`order.*`: `*` as the whole last dot-separated segment, matching ONE OR MORE remaining
 * segments, so `order.created` and `order.created.v2`, never `order` itself) or `*` (every event).
 * A `*` anywhere else (`order*`, `*.created`, `order.*.v2`) is refused.
 *
 * @example
 * v.parse(EventPatternSchema, 'order.*')
 */
export const EventPatternSchema = v.pipe(
  v.string(),
  v.minLength(1, 'an event name must not be empty'),
  v.maxLength(MAX_PATTERN_LENGTH, `an event name is at most ${MAX_PATTERN_LENGTH} characters`),
  v.regex(
    /^(?:\*|[A-Za-z0-9][A-Za-z0-9._:/-]*\.\*|[A-Za-z0-9][A-Za-z0-9._:/-]*)$/,
    'an event name has letters, digits and . _ : / -; a pattern is * or ends in .* (order.*)',
  ),
  v.examples(['order.created', 'order.*', '*']),
)

/**
 * Whether `name` is a pattern (`*` or `prefix.*`) rather than one event name.
 *
 * @example
 * isEventPattern('order.*') // true
 * isEventPattern('order.created') // false
 */
export function isEventPattern(name: string): boolean {
  return name === EVENT_WILDCARD || name.endsWith('.*')
}

/**
 * Every entry of a subscription's `events` that would take `event`, most specific first: the
 * name itself, then `*` after each shorter prefix, then `*`. A store looks these few keys up in
 * its (owner, event) index, so patterns cost no scan.
 *
 * @example
 * eventKeys('order.created.v2') // ['order.created.v2', 'order.created.*', 'order.*', '*']
 */
export function eventKeys(event: string): string[] {
  const keys = [event]
  for (let dot = event.lastIndexOf('.'); dot > 0; dot = event.lastIndexOf('.', dot - 1)) {
    keys.push(`${event.slice(0, dot)}.*`)
  }
  keys.push(EVENT_WILDCARD)
  return keys
}

/**
 * Whether a subscription entry (an event name or a pattern) takes `event`.
 *
 * @example
 * eventMatches('order.*', 'order.created.v2') // true
 * eventMatches('order.*', 'order') // false
 * eventMatches('*', 'anything') // true
 */
export function eventMatches(entry: string, event: string): boolean {
  if (entry === EVENT_WILDCARD) return true
  if (!entry.endsWith('.*')) return entry === event
  const prefix = entry.slice(0, -1) // keeps the dot: `order.`
  return event.length > prefix.length && event.startsWith(prefix)
}
