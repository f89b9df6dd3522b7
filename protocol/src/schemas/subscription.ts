import * as v from 'valibot'

/** Largest number of events one subscription may listen to. */
export const MAX_EVENTS_PER_SUBSCRIPTION = 100
/** Longest accepted target URL, in characters. */
export const MAX_TARGET_URL_LENGTH = 2048
/** Largest number of metadata entries. */
export const MAX_METADATA_ENTRIES = 32

/** An event name: `post.created`, `invoice.paid`; letters, digits, `.`, `_`, `-`, `:`, `/`. */
export const EventNameSchema = v.pipe(
  v.string(),
  v.minLength(1, 'an event name must not be empty'),
  v.maxLength(128, 'an event name is at most 128 characters'),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'an event name has letters, digits and . _ : / -'),
)

/** A target URL as written; whether it may be delivered to is the server's SSRF guard. */
export const TargetUrlSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_TARGET_URL_LENGTH, `a target URL is at most ${MAX_TARGET_URL_LENGTH} characters`),
  v.url('target_url must be an absolute URL'),
)

/** `active` receives deliveries; `paused` by its owner; `disabled` by the server after failures. */
export const SubscriptionStatusSchema = v.picklist(['active', 'paused', 'disabled'])
/** What a client may set: it can pause, or (re-)activate, but not disable. */
export const WritableStatusSchema = v.picklist(['active', 'paused'])

/** Free-form string labels, for the consumer's own bookkeeping. */
export const MetadataSchema = v.pipe(
  v.record(v.pipe(v.string(), v.maxLength(64)), v.pipe(v.string(), v.maxLength(512))),
  v.check(
    (m) => Object.keys(m).length <= MAX_METADATA_ENTRIES,
    `metadata holds at most ${MAX_METADATA_ENTRIES} entries`,
  ),
)

const EventsSchema = v.pipe(
  v.array(EventNameSchema),
  v.minLength(1, 'events must name at least one event'),
  v.maxLength(MAX_EVENTS_PER_SUBSCRIPTION),
)

/** A subscription as the API returns it. */
export const SubscriptionSchema = v.object({
  id: v.string(),
  events: v.array(v.string()),
  target_url: v.string(),
  status: SubscriptionStatusSchema,
  metadata: v.record(v.string(), v.string()),
  created_at: v.string(),
  updated_at: v.string(),
  /** Only in the create response, and only when the server generated the secret. */
  secret: v.optional(v.string()),
})

/** Body of `POST {base}/subscriptions`. Unknown fields are rejected. */
export const CreateSubscriptionSchema = v.strictObject({
  target_url: TargetUrlSchema,
  events: EventsSchema,
  metadata: v.optional(MetadataSchema),
  /** A `whsec_` secret chosen by the subscriber; the server generates one when absent and it signs per subscription. */
  secret: v.optional(v.pipe(v.string(), v.startsWith('whsec_', 'secret must be a whsec_ secret'))),
})

/** Body of the go-resthooks alias `POST {base}/subscribe`. */
export const LegacySubscribeSchema = v.strictObject({
  event: EventNameSchema,
  target_url: TargetUrlSchema,
})

/** Body of `PATCH {base}/subscriptions/{id}`: any non-empty subset. */
export const UpdateSubscriptionSchema = v.pipe(
  v.strictObject({
    target_url: v.optional(TargetUrlSchema),
    events: v.optional(EventsSchema),
    status: v.optional(WritableStatusSchema),
    metadata: v.optional(MetadataSchema),
  }),
  v.check((patch) => Object.keys(patch).length > 0, 'a patch must change at least one field'),
)

/** Query of `GET {base}/subscriptions`. */
export const ListSubscriptionsQuerySchema = v.object({
  event: v.optional(EventNameSchema),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512))),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(100)),
  ),
})

/** A page of a list. */
export const pageSchema = <T extends v.GenericSchema>(item: T) =>
  v.object({ data: v.array(item), next_cursor: v.nullable(v.string()) })

export const SubscriptionPageSchema = pageSchema(SubscriptionSchema)

export type Subscription = v.InferOutput<typeof SubscriptionSchema>
export type SubscriptionStatus = v.InferOutput<typeof SubscriptionStatusSchema>
export type CreateSubscription = v.InferInput<typeof CreateSubscriptionSchema>
export type LegacySubscribe = v.InferInput<typeof LegacySubscribeSchema>
export type UpdateSubscription = v.InferInput<typeof UpdateSubscriptionSchema>
export type SubscriptionPage = v.InferOutput<typeof SubscriptionPageSchema>
