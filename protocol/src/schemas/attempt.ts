import * as v from 'valibot'
import { pageSchema } from './subscription'

/** How one delivery attempt ended. */
export const AttemptOutcomeSchema = v.picklist([
  'delivered', // 2xx
  'gone', // 410: the subscription was removed
  'failed', // any other status, a redirect, a timeout or a network error: retried if attempts remain
])

/** One delivery attempt, as the attempt log returns it. */
export const AttemptSchema = v.object({
  id: v.string(),
  message_id: v.string(),
  event: v.string(),
  /** 1 for the first attempt. */
  attempt: v.number(),
  outcome: AttemptOutcomeSchema,
  /** The receiver's status, or `null` when no response arrived. */
  response_status: v.nullable(v.number()),
  /** What went wrong (`timeout`, `connection refused`, `redirect not followed`, ...), or `null`. */
  error: v.nullable(v.string()),
  duration_ms: v.number(),
  /** ISO-8601 time the attempt started. */
  started_at: v.string(),
  /** ISO-8601 time of the next attempt when one is scheduled. */
  next_attempt_at: v.nullable(v.string()),
})

export const AttemptPageSchema = pageSchema(AttemptSchema)

export type AttemptOutcome = v.InferOutput<typeof AttemptOutcomeSchema>
export type Attempt = v.InferOutput<typeof AttemptSchema>
export type AttemptPage = v.InferOutput<typeof AttemptPageSchema>
