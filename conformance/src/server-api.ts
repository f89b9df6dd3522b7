import { type FetchLike, type HttpResult, request } from './http'

/**
 * The route shape of the server under test: `rh` (`POST {base}/subscriptions`,
 * `DELETE {base}/subscriptions/{id}`, list, get, update) or `go-resthooks`
 * (`POST {base}/subscribe` with one event, `DELETE {base}/unsubscribe/{id}`).
 */
export type Profile = 'rh' | 'go-resthooks'

/** What a subscriber sends to subscribe; the go-resthooks profile sends `events[0]` only. */
export interface SubscribeBody {
  target_url: string
  events: string[]
  secret?: string
  metadata?: Record<string, string>
  /** A payload filter (the `routing` level). */
  filter?: unknown
}

/** Options of {@link createServerApi}. */
export interface ServerApiOptions {
  /** The mount prefix of the subscription API, `http://127.0.0.1:3000/hooks`. */
  baseUrl: string
  /** The `authorization` header value of this owner, `Bearer x`; none when absent. */
  authorization?: string | undefined
  profile: Profile
  fetch: FetchLike
  /**
   * The owner the go-resthooks profile sends as `user_id` (go-resthooks takes the owner from the
   * body): an integer when it is all digits, as go-resthooks expects, else the string.
   */
  owner?: string | undefined
}

/** The subscription API of the server under test, over HTTP, as one owner. */
export interface ServerApi {
  readonly baseUrl: string
  readonly profile: Profile
  subscribe(body: SubscribeBody): Promise<HttpResult>
  unsubscribe(id: string): Promise<HttpResult>
  list(query?: Record<string, string>): Promise<HttpResult>
  get(id: string): Promise<HttpResult>
  update(id: string, body: unknown): Promise<HttpResult>
  /**
   * Any request, `path` relative to the base. `authorization: null` sends none; a string
   * replaces this owner's.
   */
  send(
    method: string,
    path: string,
    options?: { body?: unknown; authorization?: string | null; headers?: Record<string, string> },
  ): Promise<HttpResult>
}

/**
 * The subscription API client the server suite uses: plain `fetch`, no retries, redirects not
 * followed, every response read whole.
 *
 * @example
 * const api = createServerApi({ baseUrl, profile: 'rh', fetch: globalThis.fetch })
 * const created = await api.subscribe({ target_url, events: ['post.created'] })
 */
export function createServerApi(options: ServerApiOptions): ServerApi {
  const base = options.baseUrl.replace(/\/+$/, '')
  const send: ServerApi['send'] = (method, path, init = {}) => {
    const authorization =
      init.authorization === undefined ? options.authorization : init.authorization
    const headers: Record<string, string> = { ...init.headers }
    if (authorization) headers.authorization = authorization
    return request(options.fetch, method, `${base}${path}`, { body: init.body, headers })
  }
  const one = (id: string) => `/subscriptions/${encodeURIComponent(id)}`
  return {
    baseUrl: base,
    profile: options.profile,
    send,
    subscribe(body) {
      if (options.profile === 'go-resthooks') {
        const owner = options.owner
        const user_id =
          owner === undefined ? {} : { user_id: /^\d+$/.test(owner) ? Number(owner) : owner }
        return send('POST', '/subscribe', {
          body: { ...user_id, event: body.events[0], target_url: body.target_url },
        })
      }
      return send('POST', '/subscriptions', { body })
    },
    unsubscribe(id) {
      if (options.profile === 'go-resthooks') {
        return send('DELETE', `/unsubscribe/${encodeURIComponent(id)}`)
      }
      return send('DELETE', one(id))
    },
    list(query = {}) {
      const search = new URLSearchParams(query).toString()
      return send('GET', `/subscriptions${search ? `?${search}` : ''}`)
    },
    get: (id) => send('GET', one(id)),
    update: (id, body) => send('PATCH', one(id), { body }),
  }
}
