import * as v from 'valibot'
import { AttemptIdSchema, MessageIdSchema, TimestampSchema } from './ids'
import { RESPONSE_EXCERPT_MAX_LENGTH } from './limits'
import { CursorSchema, PageLimitSchema, pageSchema } from './page'

/**
 * How one delivery attempt ended.
 *
 * @example
 * if (attempt.outcome === 'gone') console.log('the receiver removed the subscription')
 */
export const AttemptOutcomeSchema = v.picklist([
  'delivered', // 2xx
  'gone', // 410: the subscription was removed
  'failed', // any other status, a redirect, a timeout or a network error: retried if attempts remain
])

const nonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))

/**
 * One delivery attempt, as the attempt log returns it.
 *
 * @example
 * const attempt = v.parse(AttemptSchema, json)
 */
export const AttemptSchema = v.object({
  id: AttemptIdSchema,
  /** The `webhook-id` of the notification. */
  message_id: MessageIdSchema,
  event: v.string(),
  /** 1 for the first attempt. */
  attempt: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.description('1 for the first attempt.'),
  ),
  outcome: AttemptOutcomeSchema,
  /** The receiver's status, or `null` when no response arrived. */
  response_status: v.pipe(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
    v.description("The receiver's HTTP status, or `null` when no response arrived."),
  ),
  /** What went wrong (`timeout`, `connection refused`, `redirect not followed`, ...), or `null`. */
  error: v.pipe(
    v.nullable(v.string()),
    v.description('What went wrong (`timeout`, `redirect not followed`, ...), or `null`.'),
  ),
  /**
   * The start of the receiver's response body as text, trimmed, at most
   * {@link RESPONSE_EXCERPT_MAX_LENGTH} characters; `null` when the body was empty or no
   * response arrived.
   */
  response_excerpt: v.pipe(
    v.nullable(v.pipe(v.string(), v.maxLength(RESPONSE_EXCERPT_MAX_LENGTH))),
    v.description(
      "The start of the receiver's response body as text, trimmed, at most 256 characters; `null` when the body was empty or no response arrived.",
    ),
  ),
  duration_ms: nonNegativeInteger,
  /** ISO-8601 time the attempt started. */
  started_at: TimestampSchema,
  /** ISO-8601 time of the next attempt when one is scheduled. */
  next_attempt_at: v.pipe(
    v.nullable(TimestampSchema),
    v.description('When the next attempt is scheduled, or `null` when none is.'),
  ),
})

/**
 * Query of `GET {base}/subscriptions/{id}/attempts`.
 *
 * @example
 * v.parse(ListAttemptsQuerySchema, Object.fromEntries(url.searchParams))
 */
export const ListAttemptsQuerySchema = v.object({
  cursor: v.optional(CursorSchema),
  limit: v.optional(PageLimitSchema),
})

/**
 * A page of the attempt log, newest first.
 *
 * @example
 * const page = v.parse(AttemptPageSchema, await response.json())
 */
export const AttemptPageSchema = pageSchema(AttemptSchema)

/** How one delivery attempt ended; the output of {@link AttemptOutcomeSchema}. */
export type AttemptOutcome = v.InferOutput<typeof AttemptOutcomeSchema>
/** One recorded delivery attempt, as `GET {base}/subscriptions/{id}/attempts` returns it. */
export type Attempt = v.InferOutput<typeof AttemptSchema>
/** Query of the attempt log: `cursor` and `limit`; the output of {@link ListAttemptsQuerySchema}. */
export type ListAttemptsQuery = v.InferOutput<typeof ListAttemptsQuerySchema>
/** A page of the attempt log, newest first; the output of {@link AttemptPageSchema}. */
export type AttemptPage = v.InferOutput<typeof AttemptPageSchema>
