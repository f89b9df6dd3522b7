import {
  type AttemptPage,
  AttemptPageSchema,
  type Subscription,
  type SubscriptionPage,
  SubscriptionPageSchema,
  SubscriptionSchema,
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
  signal?: AbortSignal | undefined
}

/** A change to a subscription: any non-empty subset. */
export interface SubscriptionPatch<TEvent extends string = string> {
  target_url?: string | undefined
  events?: readonly TEvent[] | undefined
  status?: WritableStatus | undefined
  metadata?: Record<string, string> | undefined
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

/** Per-call options of the calls that take no other options. */
export interface CallOptions {
  signal?: AbortSignal | undefined
}

/** The client {@link createClient} returns. Every failure is an {@link RhClientError}. */
export interface RhClient<TEvents extends EventMap = EventMap> {
  /** Subscribes `targetUrl` to one event or several; the server first handshakes with it. */
  subscribe(
    events: (keyof TEvents & string) | readonly (keyof TEvents & string)[],
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

  const onlyRh = (call: string) => {
    if (profile !== 'rh') {
      throw new RhClientError(
        'unsupported',
        `${call}() is not part of the go-resthooks profile, which has only subscribe() and unsubscribe()`,
      )
    }
  }

  const client: RhClient<TEvents> = {
    async subscribe(events, targetUrl, { metadata, secret, signal } = {}) {
      const list: readonly string[] = typeof events === 'string' ? [events] : events
      if (profile === 'go-resthooks') {
        if (list.length !== 1 || metadata !== undefined || secret !== undefined) {
          throw new RhClientError(
            'unsupported',
            'the go-resthooks profile subscribes one event at a time, without metadata or secret',
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
        body: { target_url: targetUrl, events: list, metadata, secret },
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
  }
  return client
}
