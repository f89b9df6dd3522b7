import * as v from 'valibot'
import { EventPatternSchema } from './event-pattern'
import { FilterSchema } from './filter'
import { SubscriptionIdSchema, TimestampSchema } from './ids'
import { CursorSchema, PageLimitSchema, pageSchema } from './page'

/** Largest number of events one subscription may listen to. */
export const MAX_EVENTS_PER_SUBSCRIPTION = 100
/** Longest accepted target URL, in characters. */
export const MAX_TARGET_URL_LENGTH = 2048
/** Largest number of metadata entries. */
export const MAX_METADATA_ENTRIES = 32
/** Longest metadata key, in characters. */
export const MAX_METADATA_KEY_LENGTH = 64
/** Longest metadata value, in characters. */
export const MAX_METADATA_VALUE_LENGTH = 512
/** Longest event name, in characters. */
export const MAX_EVENT_NAME_LENGTH = 128

/**
 * An event name: `post.created`, `invoice.paid`; starts with a letter or digit, then letters,
 * digits, `.`, `_`, `-`, `:`, `/`.
 *
 * @example
 * v.parse(EventNameSchema, 'post.created')
 */
export const EventNameSchema = v.pipe(
  v.string(),
  v.minLength(1, 'an event name must not be empty'),
  v.maxLength(
    MAX_EVENT_NAME_LENGTH,
    `an event name is at most ${MAX_EVENT_NAME_LENGTH} characters`,
  ),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'an event name has letters, digits and . _ : / -'),
  v.examples(['post.created']),
)

/**
 * A target URL as written: absolute, at most 2048 characters. Whether it may be delivered to
 * (scheme, credentials, address) is the server's SSRF guard, which answers `target_refused`.
 *
 * @example
 * v.parse(TargetUrlSchema, 'https://consumer.example/hooks')
 */
export const TargetUrlSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_TARGET_URL_LENGTH, `a target URL is at most ${MAX_TARGET_URL_LENGTH} characters`),
  v.url('target_url must be an absolute URL'),
  v.examples(['https://consumer.example/hooks']),
)

/**
 * `active` receives deliveries; `paused` by its owner; `disabled` by the server after too many
 * consecutive failed deliveries.
 *
 * @example
 * v.parse(SubscriptionStatusSchema, 'paused')
 */
export const SubscriptionStatusSchema = v.picklist(['active', 'paused', 'disabled'])

/**
 * What a client may set: it can pause, or (re-)activate, but not disable.
 *
 * @example
 * v.parse(WritableStatusSchema, 'active')
 */
export const WritableStatusSchema = v.picklist(['active', 'paused'])

/**
 * Free-form string labels for the consumer's own bookkeeping: at most 32 entries, keys up to 64
 * characters, values up to 512.
 *
 * @example
 * v.parse(MetadataSchema, { team: 'billing' })
 */
export const MetadataSchema = v.pipe(
  v.record(
    v.pipe(
      v.string(),
      v.minLength(1, 'a metadata key must not be empty'),
      v.maxLength(
        MAX_METADATA_KEY_LENGTH,
        `a metadata key is at most ${MAX_METADATA_KEY_LENGTH} characters`,
      ),
    ),
    v.pipe(
      v.string(),
      v.maxLength(
        MAX_METADATA_VALUE_LENGTH,
        `a metadata value is at most ${MAX_METADATA_VALUE_LENGTH} characters`,
      ),
    ),
  ),
  v.maxEntries(MAX_METADATA_ENTRIES, `metadata holds at most ${MAX_METADATA_ENTRIES} entries`),
)

/**
 * The events of a subscription: 1 to 100 event names or patterns (`order.*`, `*`: see
 * {@link EventPatternSchema}).
 *
 * @example
 * v.parse(EventListSchema, ['post.created', 'order.*'])
 */
export const EventListSchema = v.pipe(
  v.array(EventPatternSchema),
  v.minLength(1, 'events must name at least one event'),
  v.maxLength(
    MAX_EVENTS_PER_SUBSCRIPTION,
    `events names at most ${MAX_EVENTS_PER_SUBSCRIPTION} events`,
  ),
)

/**
 * A subscriber-chosen signing secret: `whsec_` and the base64 of 24 to 64 random bytes.
 *
 * @example
 * v.parse(SubscriptionSecretSchema, generateSecret())
 */
export const SubscriptionSecretSchema = v.pipe(
  v.string(),
  // Exactly the padded base64 lengths of 24..64 bytes: 8..20 quads plus an optional full or
  // padded quad (24..63 bytes), or 21 quads and one padded byte (64 bytes).
  v.regex(
    /^whsec_(?:(?:[A-Za-z0-9+/]{4}){8,20}(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?|(?:[A-Za-z0-9+/]{4}){21}[A-Za-z0-9+/]{2}==)$/,
    'secret must be whsec_ and the base64 of 24 to 64 bytes',
  ),
)

/**
 * Delivery order of a subscription. `none` (the default): deliveries go out concurrently, a
 * retry does not hold back later messages. `fifo`: one delivery at a time, in the order the
 * messages were accepted; the next waits until the previous is settled (delivered, `gone`, or
 * failed after its last retry). A final failure does not block the line: the dead letter stays
 * replayable and the next message goes out.
 *
 * @example
 * v.parse(OrderingSchema, 'fifo')
 */
export const OrderingSchema = v.picklist(['none', 'fifo'], "ordering is 'none' or 'fifo'")

/**
 * A subscription as the API returns it.
 *
 * @example
 * const subscription = v.parse(SubscriptionSchema, await response.json())
 */
export const SubscriptionSchema = v.object({
  id: SubscriptionIdSchema,
  events: v.array(v.string()),
  target_url: v.string(),
  status: SubscriptionStatusSchema,
  metadata: v.record(v.string(), v.string()),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  /** The payload filter, only when the subscription has one. */
  filter: v.optional(
    v.pipe(FilterSchema, v.description('The payload filter, only when the subscription has one.')),
  ),
  /** `fifo` when the subscription asked for ordered delivery; absent means `none`. */
  ordering: v.optional(
    v.pipe(
      OrderingSchema,
      v.description(
        "Delivery order: 'fifo' delivers one message at a time, in order; absent means 'none'.",
      ),
    ),
  ),
  /** Only in the create response, and only when the server generated the secret. */
  secret: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Only in the create response, and only when the server generated the secret: the one time it is shown.',
      ),
    ),
  ),
})

/**
 * Body of `POST {base}/subscriptions`. Unknown fields are rejected.
 *
 * @example
 * v.parse(CreateSubscriptionSchema, { target_url: 'https://consumer.example/hooks', events: ['post.created'] })
 */
export const CreateSubscriptionSchema = v.strictObject({
  target_url: TargetUrlSchema,
  events: EventListSchema,
  metadata: v.optional(MetadataSchema),
  /** A `whsec_` secret chosen by the subscriber; the server generates one when absent. */
  secret: v.optional(SubscriptionSecretSchema),
  /** Deliver only messages whose `data` passes this filter. */
  filter: v.optional(FilterSchema),
  /** `fifo`: deliver one message at a time, in order (default `none`). */
  ordering: v.optional(OrderingSchema),
})

/**
 * Body of the go-resthooks alias `POST {base}/subscribe`: one event, and the two other members
 * go-resthooks' own `Subscription` struct marshals: `user_id` (echoed, never the owner: the owner
 * is the authenticated caller) and `id`, only its zero value (the server chooses ids).
 *
 * @example
 * v.parse(LegacySubscribeSchema, { event: 'post.created', target_url: 'https://consumer.example/hooks' })
 * v.parse(LegacySubscribeSchema, { id: 0, user_id: 1, event: 'post_created', target_url: 'https://consumer.example/hooks' })
 */
export const LegacySubscribeSchema = v.strictObject({
  event: EventNameSchema,
  target_url: TargetUrlSchema,
  user_id: v.optional(
    v.union(
      [v.pipe(v.number(), v.safeInteger()), v.pipe(v.string(), v.maxLength(256))],
      'user_id must be an integer or a string',
    ),
  ),
  id: v.optional(
    v.union([v.literal(0), v.literal('')], 'id is chosen by the server: send 0 or leave it out'),
  ),
})

/**
 * Body of `PATCH {base}/subscriptions/{id}`: any non-empty subset. Unknown fields are rejected.
 *
 * @example
 * v.parse(UpdateSubscriptionSchema, { status: 'paused' })
 */
export const UpdateSubscriptionSchema = v.pipe(
  v.strictObject({
    target_url: v.optional(TargetUrlSchema),
    events: v.optional(EventListSchema),
    status: v.optional(WritableStatusSchema),
    metadata: v.optional(MetadataSchema),
    /** A new payload filter, or `null` to remove it. */
    filter: v.optional(v.nullable(FilterSchema)),
    /** `fifo` or `none`: applies to the messages accepted from then on. */
    ordering: v.optional(OrderingSchema),
  }),
  v.minEntries(1, 'a patch must change at least one field'),
)

/**
 * Query of `GET {base}/subscriptions`: `event` keeps the subscriptions listening to it.
 *
 * @example
 * v.parse(ListSubscriptionsQuerySchema, Object.fromEntries(url.searchParams))
 */
export const ListSubscriptionsQuerySchema = v.object({
  event: v.optional(EventNameSchema),
  cursor: v.optional(CursorSchema),
  limit: v.optional(PageLimitSchema),
})

/**
 * A page of subscriptions.
 *
 * @example
 * const page = v.parse(SubscriptionPageSchema, await response.json())
 */
export const SubscriptionPageSchema = pageSchema(SubscriptionSchema)

/** A subscription as the API returns it; the output of {@link SubscriptionSchema}. */
export type Subscription = v.InferOutput<typeof SubscriptionSchema>
/** The state of a subscription: `active`, `paused` or (by the server) `disabled`. */
export type SubscriptionStatus = v.InferOutput<typeof SubscriptionStatusSchema>
/** Delivery order of a subscription: `none` or `fifo`. */
export type Ordering = v.InferOutput<typeof OrderingSchema>
/** A status a client may set: `active` or `paused`. */
export type WritableStatus = v.InferOutput<typeof WritableStatusSchema>
/** Body of `POST {base}/subscriptions`, as the caller writes it (input type). */
export type CreateSubscription = v.InferInput<typeof CreateSubscriptionSchema>
/** Body of the go-resthooks alias `POST {base}/subscribe`, as the caller writes it. */
export type LegacySubscribe = v.InferInput<typeof LegacySubscribeSchema>
/** Body of `PATCH {base}/subscriptions/{id}`: any non-empty subset (input type). */
export type UpdateSubscription = v.InferInput<typeof UpdateSubscriptionSchema>
/** Query of `GET {base}/subscriptions`: `event`, `cursor`, `limit`. */
export type ListSubscriptionsQuery = v.InferOutput<typeof ListSubscriptionsQuerySchema>
/** A page of subscriptions; the output of {@link SubscriptionPageSchema}. */
export type SubscriptionPage = v.InferOutput<typeof SubscriptionPageSchema>
