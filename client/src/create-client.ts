import {
  type AttemptPage,
  AttemptPageSchema,
  type DeliveryStatus,
  type Filter,
  type MessagePage,
  MessagePageSchema,
  type MessageWithDeliveries,
  MessageWithDeliveriesSchema,
  type Ordering,
  type RedeliverResponse,
  RedeliverResponseSchema,
  type ReplayResponse,
  ReplayResponseSchema,
  type RotateSecretResponse,
  RotateSecretResponseSchema,
  type Subscription,
  type SubscriptionMessagePage,
  SubscriptionMessagePageSchema,
  type SubscriptionPage,
  SubscriptionPageSchema,
  SubscriptionSchema,
  type TestEventResponse,
  TestEventResponseSchema,
  type WritableStatus,
} from '@rh/protocol'
import { RhClientError } from './client-error'
import {
  GoResthooksSubscriptionSchema,
  toSubscription,
  unknownIdAsNotFound,
} from './go-resthooks-profile'
import { createRequester, type RequestOptions } from './request'

/** The events a server emits, by name, with the type of each event's `data`. */
export type EventMap = Record<string, unknown>

/** `a.*`, `a.b.*`, ... for an event `a.b.c`: the prefix patterns that take it. */
type PrefixPatterns<TEvent extends string> = TEvent extends `${infer Head}.${infer Rest}`
  ? `${Head}.*` | `${Head}.${PrefixPatterns<Rest>}`
  : never

/**
 * What a subscription may name for the events `TEvent`: an event, a prefix pattern taking some
 * of them (`order.*` takes `order.created` and `order.created.v2`), or `*` (every event).
 *
 * @example
 * const events: EventPattern<'order.created' | 'order.paid'>[] = ['order.*'] // also '*', 'order.paid'
 */
export type EventPattern<TEvent extends string> = TEvent | PrefixPatterns<TEvent> | '*'

/**
 * Which routes the server speaks: `'rh'` (every call), or `'go-resthooks'`
 * (`POST {base}/subscribe` and `DELETE {base}/unsubscribe/{id}` only).
 */
export type ServerProfile = 'rh' | 'go-resthooks'

/** Options of {@link createClient}: the transport options of {@link RequestOptions}, and more. */
export interface ClientOptions extends RequestOptions {
  /** `'rh'` by default. */
  profile?: ServerProfile | undefined
  /**
   * go-resthooks profile only: sent as `user_id` with every subscribe. go-resthooks has no
   * authentication and takes the owner from this field (an integer there); an rh server takes
   * the owner from the credentials and keeps `user_id` only as a label (see its README).
   */
  userId?: number | string | undefined
}

/** Options of {@link RhClient.subscribe}. */
export interface SubscribeOptions {
  /** Your own labels, returned with the subscription. */
  metadata?: Record<string, string> | undefined
  /** A `whsec_` secret of your choice; the server generates one (returned once) when absent. */
  secret?: string | undefined
  /**
   * Deliver only the messages whose `data` passes this filter, e.g.
   * `{ and: [{ path: 'amount', gte: 100 }, { path: 'currency', in: ['EUR', 'USD'] }] }`.
   */
  filter?: Filter | undefined
  /**
   * `'fifo'`: your messages one at a time, in the order the server accepted them (the next
   * waits until the previous is delivered, gone, or failed after its last retry). Default
   * `'none'`: concurrent, unordered.
   */
  ordering?: Ordering | undefined
  signal?: AbortSignal | undefined
}

/** A change to a subscription: any non-empty subset. */
export interface SubscriptionPatch<TEvent extends string = string> {
  target_url?: string | undefined
  events?: readonly EventPattern<TEvent>[] | undefined
  status?: WritableStatus | undefined
  metadata?: Record<string, string> | undefined
  /** A new payload filter, or `null` to remove it. */
  filter?: Filter | null | undefined
  /** `'fifo'` or `'none'`: applies to the messages accepted from then on. */
  ordering?: Ordering | undefined
}

/** Query of {@link RhClient.list}. */
export interface ListOptions<TEvent extends string = string> {
  /** Only subscriptions listening to this event. */
  event?: TEvent | undefined
  /** `next_cursor` of the previous page. */
  cursor?: string | undefined
  /** 1 to 100; 50 by default. */
  limit?: number | undefined
  signal?: AbortSignal | undefined
}

/** Query of {@link RhClient.attempts}. */
export interface AttemptsOptions {
  cursor?: string | undefined
  limit?: number | undefined
  signal?: AbortSignal | undefined
}

/** A point in time: a `Date`, or an RFC 3339 timestamp with a zone (`2025-01-31T12:00:00Z`). */
export type Instant = Date | string

/** Query of {@link RhClient.listMessages}. */
export interface ListMessagesOptions<TEvent extends string = string> {
  /** Only this event's messages. */
  event?: TEvent | undefined
  /** Messages created at or after this time. */
  since?: Instant | undefined
  /** Messages created before this time (not before `since`). */
  until?: Instant | undefined
  /** `next_cursor` of the previous page. */
  cursor?: string | undefined
  /** 1 to 100; 50 by default. */
  limit?: number | undefined
  signal?: AbortSignal | undefined
}

/** Query of {@link RhClient.listSubscriptionMessages}. */
export interface SubscriptionMessagesOptions {
  /** Only deliveries with this status: `'failed'` lists the dead letters. */
  status?: DeliveryStatus | undefined
  cursor?: string | undefined
  limit?: number | undefined
  signal?: AbortSignal | undefined
}

/** Options of {@link RhClient.redeliver}. */
export interface RedeliverOptions {
  /** Only to this subscription; by default to every active subscription the message went to. */
  subscriptionId?: string | undefined
  signal?: AbortSignal | undefined
}

/** What {@link RhClient.replay} sends again. */
export interface ReplayOptions {
  /** Messages created at or after this time. */
  since: Instant
  /** ...and before this time; now by default. */
  until?: Instant | undefined
  /**
   * `'failed'` (default): what failed or was cancelled. `'all'`: every message of the
   * subscription's events, also those it never got.
   */
  status?: 'failed' | 'all' | undefined
  signal?: AbortSignal | undefined
}

/** Options of {@link RhClient.rotateSecret}. */
export interface RotateSecretOptions {
  /** Seconds the previous secret keeps signing beside the new one: 0 to 7 days, 24 h by default. */
  graceSeconds?: number | undefined
  signal?: AbortSignal | undefined
}

/** Per-call options of the calls that take no other options. */
export interface CallOptions {
  signal?: AbortSignal | undefined
}

/** The client {@link createClient} returns. Every failure is an {@link RhClientError}. */
export interface RhClient<TEvents extends EventMap = EventMap> {
  /**
   * Subscribes `targetUrl` to one event or several, or patterns of them (`order.*`, `*`), with
   * an optional payload `filter`; the server first handshakes with it.
   */
  subscribe(
    events: EventPattern<keyof TEvents & string> | readonly EventPattern<keyof TEvents & string>[],
    targetUrl: string,
    options?: SubscribeOptions,
  ): Promise<Subscription>
  /** One page of subscriptions. */
  list(options?: ListOptions<keyof TEvents & string>): Promise<SubscriptionPage>
  /** Every subscription, fetching the pages as the loop goes. */
  listAll(
    options?: Omit<ListOptions<keyof TEvents & string>, 'cursor'>,
  ): AsyncIterableIterator<Subscription>
  get(id: string, options?: CallOptions): Promise<Subscription>
  update(
    id: string,
    patch: SubscriptionPatch<keyof TEvents & string>,
    options?: CallOptions,
  ): Promise<Subscription>
  unsubscribe(id: string, options?: CallOptions): Promise<void>
  /** One page of the delivery attempts of a subscription, newest first. */
  attempts(id: string, options?: AttemptsOptions): Promise<AttemptPage>
  /**
   * One page of the message log: every notification the server accepted for you, newest first.
   *
   * @example
   * const page = await client.listMessages({ event: 'post.created', since: new Date(Date.now() - 3_600_000) })
   * for (const message of page.data) console.log(message.id, message.payload.data)
   */
  listMessages(options?: ListMessagesOptions<keyof TEvents & string>): Promise<MessagePage>
  /**
   * One message with what became of each delivery (`pending`, `delivered`, `failed`, `gone`,
   * `cancelled`).
   *
   * @example
   * const message = await client.getMessage('msg_…')
   * const failed = message.deliveries.filter((d) => d.status === 'failed')
   */
  getMessage(id: string, options?: CallOptions): Promise<MessageWithDeliveries>
  /**
   * One page of the messages a subscription was sent, newest first, each with its delivery:
   * `{ status: 'failed' }` lists its dead letters.
   *
   * @example
   * const dead = await client.listSubscriptionMessages('sub_…', { status: 'failed' })
   */
  listSubscriptionMessages(
    id: string,
    options?: SubscriptionMessagesOptions,
  ): Promise<SubscriptionMessagePage>
  /**
   * Sends one message again, with the same `webhook-id` and bytes: to every active
   * subscription it went to, or to `subscriptionId` only.
   *
   * @example
   * const { redelivered } = await client.redeliver('msg_…', { subscriptionId: 'sub_…' })
   */
  redeliver(messageId: string, options?: RedeliverOptions): Promise<RedeliverResponse>
  /**
   * Sends a subscription's messages of `[since, until)` again, in order, with the same
   * `webhook-id`s and bytes. A paused or disabled subscription fails with
   * `subscription_inactive`: re-enable it first.
   *
   * @example
   * await client.update('sub_…', { status: 'active' })
   * const { replayed } = await client.replay('sub_…', { since: '2025-01-31T10:00:00Z' })
   */
  replay(subscriptionId: string, options: ReplayOptions): Promise<ReplayResponse>
  /**
   * A new signing secret for the subscription, shown this once; the previous one keeps signing
   * beside it until `previous_secret_expires_at`, so the receiver can switch without a gap.
   *
   * @example
   * const { secret, previous_secret_expires_at } = await client.rotateSecret('sub_…', { graceSeconds: 3600 })
   */
  rotateSecret(id: string, options?: RotateSecretOptions): Promise<RotateSecretResponse>
  /**
   * Sends a signed `rh.ping` to the subscription's target now and resolves with the attempt,
   * whatever the receiver answered: "is my endpoint set up right?".
   *
   * @example
   * const attempt = await client.sendTest('sub_…')
   * if (attempt.outcome !== 'delivered') console.log(attempt.response_status, attempt.error)
   */
  sendTest(id: string, options?: CallOptions): Promise<TestEventResponse>
}

/**
 * A client of an rh server's subscription API. Give it the event map to type event names.
 *
 * @example
 * const client = createClient<{ 'post.created': { id: string } }>({
 *   baseUrl: 'https://api.example.com/hooks',
 *   headers: { authorization: `Bearer ${token}` },
 * })
 * const subscription = await client.subscribe('post.created', 'https://me.example/hooks')
 * for await (const each of client.listAll({ event: 'post.created' })) console.log(each.id)
 * await client.unsubscribe(subscription.id)
 */
export function createClient<TEvents extends EventMap = EventMap>(
  options: ClientOptions,
): RhClient<TEvents> {
  const request = createRequester(options)
  const profile = options.profile ?? 'rh'
  const path = (id: string, rest = '') => `/subscriptions/${encodeURIComponent(id)}${rest}`
  const messagePath = (id: string, rest = '') => `/messages/${encodeURIComponent(id)}${rest}`

  const onlyRh = (call: string) => {
    if (profile !== 'rh') {
      throw new RhClientError(
        'unsupported',
        `${call}() is not part of the go-resthooks profile, which has only subscribe() and unsubscribe()`,
      )
    }
  }

  const client: RhClient<TEvents> = {
    async subscribe(events, targetUrl, { metadata, secret, filter, ordering, signal } = {}) {
      const list: readonly string[] = typeof events === 'string' ? [events] : events
      if (profile === 'go-resthooks') {
        if (
          list.length !== 1 ||
          metadata !== undefined ||
          secret !== undefined ||
          filter !== undefined ||
          ordering !== undefined
        ) {
          throw new RhClientError(
            'unsupported',
            'the go-resthooks profile subscribes one event at a time, without metadata, secret, filter or ordering',
          )
        }
        const answer = await request({
          method: 'POST',
          path: '/subscribe',
          body: {
            event: list[0],
            target_url: targetUrl,
            ...(options.userId === undefined ? {} : { user_id: options.userId }),
          },
          schema: GoResthooksSubscriptionSchema,
          signal,
        })
        return toSubscription(answer, Date.now())
      }
      return request({
        method: 'POST',
        path: '/subscriptions',
        body: { target_url: targetUrl, events: list, metadata, secret, filter, ordering },
        schema: SubscriptionSchema,
        signal,
      })
    },

    async list({ event, cursor, limit, signal } = {}) {
      onlyRh('list')
      return request({
        method: 'GET',
        path: '/subscriptions',
        query: { event, cursor, limit },
        schema: SubscriptionPageSchema,
        signal,
      })
    },

    async *listAll({ event, limit, signal } = {}) {
      let cursor: string | undefined
      do {
        const page = await client.list({ event, cursor, limit, signal })
        yield* page.data
        cursor = page.next_cursor ?? undefined
      } while (cursor !== undefined)
    },

    async get(id, { signal } = {}) {
      onlyRh('get')
      return request({ method: 'GET', path: path(id), schema: SubscriptionSchema, signal })
    },

    async update(id, patch, { signal } = {}) {
      onlyRh('update')
      return request({
        method: 'PATCH',
        path: path(id),
        body: patch,
        schema: SubscriptionSchema,
        signal,
      })
    },

    async unsubscribe(id, { signal } = {}) {
      if (profile === 'rh') {
        await request({ method: 'DELETE', path: path(id), schema: undefined, signal })
        return
      }
      const route = `/unsubscribe/${encodeURIComponent(id)}`
      // go-resthooks answers 200 with an empty body; a 500 for an unknown id is a not-found.
      await request({ method: 'DELETE', path: route, schema: undefined, signal }).catch(
        (error: unknown) => {
          throw unknownIdAsNotFound(error)
        },
      )
    },

    async attempts(id, { cursor, limit, signal } = {}) {
      onlyRh('attempts')
      return request({
        method: 'GET',
        path: path(id, '/attempts'),
        query: { cursor, limit },
        schema: AttemptPageSchema,
        signal,
      })
    },

    async listMessages({ event, since, until, cursor, limit, signal } = {}) {
      onlyRh('listMessages')
      return request({
        method: 'GET',
        path: '/messages',
        query: { event, since: instant(since), until: instant(until), cursor, limit },
        schema: MessagePageSchema,
        signal,
      })
    },

    async getMessage(id, { signal } = {}) {
      onlyRh('getMessage')
      return request({
        method: 'GET',
        path: messagePath(id),
        schema: MessageWithDeliveriesSchema,
        signal,
      })
    },

    async listSubscriptionMessages(id, { status, cursor, limit, signal } = {}) {
      onlyRh('listSubscriptionMessages')
      return request({
        method: 'GET',
        path: path(id, '/messages'),
        query: { status, cursor, limit },
        schema: SubscriptionMessagePageSchema,
        signal,
      })
    },

    async redeliver(messageId, { subscriptionId, signal } = {}) {
      onlyRh('redeliver')
      return request({
        method: 'POST',
        path: messagePath(messageId, '/redeliver'),
        body: subscriptionId === undefined ? {} : { subscription_id: subscriptionId },
        schema: RedeliverResponseSchema,
        signal,
      })
    },

    async replay(subscriptionId, { since, until, status, signal }) {
      onlyRh('replay')
      return request({
        method: 'POST',
        path: path(subscriptionId, '/replay'),
        body: { since: instant(since), until: instant(until), status },
        schema: ReplayResponseSchema,
        signal,
      })
    },

    async rotateSecret(id, { graceSeconds, signal } = {}) {
      onlyRh('rotateSecret')
      return request({
        method: 'POST',
        path: path(id, '/rotate-secret'),
        body: graceSeconds === undefined ? {} : { grace_seconds: graceSeconds },
        schema: RotateSecretResponseSchema,
        signal,
      })
    },

    async sendTest(id, { signal } = {}) {
      onlyRh('sendTest')
      return request({
        method: 'POST',
        path: path(id, '/test'),
        body: {},
        schema: TestEventResponseSchema,
        signal,
      })
    },
  }
  return client
}

/**
 * An {@link Instant} as the wire writes it. An Invalid Date goes as `Invalid Date`, which the
 * server refuses with the field's name (`422`/`400`), so it fails as an {@link RhClientError}.
 */
function instant(value: Instant | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  return Number.isNaN(value.getTime()) ? String(value) : value.toISOString()
}
