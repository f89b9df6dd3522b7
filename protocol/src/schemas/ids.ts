import * as v from 'valibot'

/** The 26 characters after an id's prefix: a ULID, Crockford base32, so ids sort by creation. */
const ULID_BODY = '[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}'

const prefixedId = (prefix: string, what: string) =>
  v.pipe(
    v.string(),
    v.regex(new RegExp(`^${prefix}${ULID_BODY}$`), `a ${what} id is ${prefix} and 26 characters`),
    v.description(`The ${what} id: \`${prefix}\` and a 26-character ULID.`),
  )

/**
 * A subscription id, `sub_` + a ULID.
 *
 * @example
 * v.parse(SubscriptionIdSchema, 'sub_01J9Z8Q4B7M2X5R8T1V3W6Y9AC')
 */
export const SubscriptionIdSchema = prefixedId('sub_', 'subscription')

/**
 * A message id, `msg_` + a ULID: the `webhook-id` of a notification, the same on every retry.
 *
 * @example
 * v.parse(MessageIdSchema, 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC')
 */
export const MessageIdSchema = prefixedId('msg_', 'message')

/**
 * A delivery attempt id, `atm_` + a ULID.
 *
 * @example
 * v.parse(AttemptIdSchema, 'atm_01J9Z8Q4B7M2X5R8T1V3W6Y9AC')
 */
export const AttemptIdSchema = prefixedId('atm_', 'attempt')

/**
 * A point in time as rh writes it: ISO-8601 / RFC 3339 with a time zone, as
 * `Date.prototype.toISOString()` produces (`2025-01-31T12:00:00.000Z`).
 *
 * @example
 * v.parse(TimestampSchema, new Date().toISOString())
 */
export const TimestampSchema = v.pipe(
  v.string(),
  v.isoTimestamp('a timestamp is ISO-8601 with a time zone'),
)
