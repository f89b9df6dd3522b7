import * as v from 'valibot'
import { MessageIdSchema, SubscriptionIdSchema, TimestampSchema } from './ids'
import { NotificationSchema } from './notification'
import { CursorSchema, PageLimitSchema, pageSchema } from './page'
import { EventNameSchema } from './subscription'
import { timestampToMs } from './timestamp-ms'

/**
 * Where one delivery (a message to one subscription) stands in the message log.
 *
 * @example
 * if (delivery.status === 'failed') await client.redeliver(message.id, { subscriptionId })
 */
export const DeliveryStatusSchema = v.picklist([
  'pending', // queued or retrying
  'delivered', // a 2xx
  'failed', // the last retry failed: a dead letter, replayable
  'gone', // the receiver answered 410; the subscription was removed
  'cancelled', // dropped unsent: the subscription was deleted, paused or disabled meanwhile
])

const nonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))

/**
 * One delivery of a message: what became of it for one subscription.
 *
 * @example
 * const failed = message.deliveries.filter((d) => d.status === 'failed')
 */
export const MessageDeliverySchema = v.object({
  subscription_id: SubscriptionIdSchema,
  status: DeliveryStatusSchema,
  /** Attempts made so far; a redeliver or replay starts again at 0. */
  attempts: v.pipe(
    nonNegativeInteger,
    v.description('Attempts made so far; a redeliver or replay starts again at 0.'),
  ),
  /** ISO-8601 time the status last changed. */
  updated_at: v.pipe(TimestampSchema, v.description('When the status last changed.')),
})

const messageEntries = {
  /** The `webhook-id` of every delivery of it. */
  id: MessageIdSchema,
  event: EventNameSchema,
  /** ISO-8601 time the server accepted the notification. */
  created_at: v.pipe(TimestampSchema, v.description('When the server accepted the notification.')),
  /** The envelope every delivery of it sends, as JSON (the bytes sent are the server's). */
  payload: v.pipe(
    NotificationSchema,
    v.description('The envelope every delivery of it sends (`type`, `timestamp`, `data`).'),
  ),
}

/**
 * One accepted notification in the message log. `deliveries` is there when the route says so:
 * every delivery (`GET {base}/messages/{id}`) or the listed subscription's
 * (`GET {base}/subscriptions/{id}/messages`).
 *
 * @example
 * const message = v.parse(MessageSchema, json)
 */
export const MessageSchema = v.object({
  ...messageEntries,
  deliveries: v.optional(v.array(MessageDeliverySchema)),
})

/**
 * A message with its deliveries, in subscription id order: `GET {base}/messages/{id}`.
 *
 * @example
 * const message = v.parse(MessageWithDeliveriesSchema, await response.json())
 */
export const MessageWithDeliveriesSchema = v.object({
  ...messageEntries,
  deliveries: v.array(MessageDeliverySchema),
})

/**
 * A page of the owner's messages, newest first: `GET {base}/messages`.
 *
 * @example
 * const page = v.parse(MessagePageSchema, await response.json())
 */
export const MessagePageSchema = pageSchema(MessageSchema)

/**
 * A page of one subscription's messages, newest first, each with that subscription's delivery
 * as its one entry of `deliveries`: `GET {base}/subscriptions/{id}/messages`.
 *
 * @example
 * const deadLetters = v.parse(SubscriptionMessagePageSchema, await response.json())
 */
export const SubscriptionMessagePageSchema = pageSchema(MessageWithDeliveriesSchema)

/**
 * Whether `until` (when there is one) is not before `since`. Both are valid timestamps by then;
 * JSON Schema cannot compare two members, so the generated documents say it in words.
 */
const sinceNotAfterUntil = <T extends { since?: string | undefined; until?: string | undefined }>(
  input: T,
) =>
  input.since === undefined ||
  input.until === undefined ||
  !(timestampToMs(input.since) > timestampToMs(input.until))

/**
 * Query of `GET {base}/messages`: `event` keeps that event's messages, `since` (inclusive) and
 * `until` (exclusive) bound their `created_at`.
 *
 * @example
 * v.parse(ListMessagesQuerySchema, { since: '2025-01-31T12:00:00Z', limit: '20' })
 */
export const ListMessagesQuerySchema = v.pipe(
  v.object({
    event: v.optional(EventNameSchema),
    since: v.optional(
      v.pipe(TimestampSchema, v.description('Messages created at or after this time.')),
    ),
    until: v.optional(
      v.pipe(
        TimestampSchema,
        v.description('Messages created before this time; not before `since`.'),
      ),
    ),
    cursor: v.optional(CursorSchema),
    limit: v.optional(PageLimitSchema),
  }),
  v.forward(
    v.partialCheck([['since'], ['until']], sinceNotAfterUntil, 'until must not be before since'),
    ['until'],
  ),
)

/**
 * Query of `GET {base}/subscriptions/{id}/messages`: `status=failed` lists its dead letters.
 *
 * @example
 * v.parse(ListSubscriptionMessagesQuerySchema, { status: 'failed' })
 */
export const ListSubscriptionMessagesQuerySchema = v.object({
  status: v.optional(DeliveryStatusSchema),
  cursor: v.optional(CursorSchema),
  limit: v.optional(PageLimitSchema),
})

/** Where a delivery stands: the output of {@link DeliveryStatusSchema}. */
export type DeliveryStatus = v.InferOutput<typeof DeliveryStatusSchema>
/** One delivery of a message, as the message log shows it. */
export type MessageDelivery = v.InferOutput<typeof MessageDeliverySchema>
/** One accepted notification, as the message log shows it. */
export type Message = v.InferOutput<typeof MessageSchema>
/** A message with every delivery of it: `GET {base}/messages/{id}`. */
export type MessageWithDeliveries = v.InferOutput<typeof MessageWithDeliveriesSchema>
/** A page of the owner's messages, newest first. */
export type MessagePage = v.InferOutput<typeof MessagePageSchema>
/** A page of one subscription's messages, each with that subscription's delivery. */
export type SubscriptionMessagePage = v.InferOutput<typeof SubscriptionMessagePageSchema>
/** Query of `GET {base}/messages`: `event`, `since`, `until`, `cursor`, `limit`. */
export type ListMessagesQuery = v.InferOutput<typeof ListMessagesQuerySchema>
/** Query of `GET {base}/subscriptions/{id}/messages`: `status`, `cursor`, `limit`. */
export type ListSubscriptionMessagesQuery = v.InferOutput<
  typeof ListSubscriptionMessagesQuerySchema
>
