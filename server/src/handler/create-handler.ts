import { MessageIdSchema, SubscriptionIdSchema } from '@rh/protocol'
import * as v from 'valibot'
import { realResponse, takesLightResponse } from '../../../internal/fast-path'
import { ResthooksError } from '../errors'
import type { Recovery } from '../recovery/recovery'
import { goResthooksSubscribe, goResthooksUnsubscribe } from './go-resthooks-routes'
import { MESSAGE_ROUTES, matchRoute } from './match-route'
import { problemResponse } from './problem-response'
import { readJson } from './read-json'
import {
  getMessage,
  listMessages,
  listSubscriptionMessages,
  redeliver,
  replay,
  rotateSecret,
  sendTest,
} from './recovery-routes'
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listAttempts,
  listSubscriptions,
  type RouteContext,
  updateSubscription,
} from './subscription-routes'
import { urlPath } from './url-path'

/** Identifies the owner of an API request, or `null` to refuse it with `401`. */
export type Authenticate = (request: Request) => string | null | Promise<string | null>

/** What {@link createHandler} needs. */
export interface HandlerContext extends RouteContext {
  authenticate: Authenticate
  maxBodyBytes: number
  /** Told about every fault answered `500 internal`. */
  onError: (error: unknown, request: Request) => void
  /** `true` once closed: every request is answered `503 unavailable`. */
  closed(): boolean
  /** Redeliver, replay, rotate-secret and test events, for the recovery routes. */
  recovery: Recovery
}

/**
 * The subscription API as a fetch handler: routes by the path's trailing segments (any mount
 * prefix), `404` for other paths, `405` with `Allow` for other methods, `401` without an owner,
 * then the route. Every error is rendered by {@link problemResponse}; client input never causes
 * a `5xx`.
 *
 * @example
 * const handle = createHandler(context)
 * const response = await handle(new Request('http://localhost/hooks/subscriptions'))
 */
export function createHandler(context: HandlerContext): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      const response = await handle(context, request)
      return takesLightResponse(request) ? response : realResponse(response)
    } catch (error) {
      if (!(error instanceof ResthooksError) || error.status >= 500) {
        context.onError(error, request)
      }
      return problemResponse(error)
    }
  }
}

async function handle(context: HandlerContext, request: Request): Promise<Response> {
  const route = matchRoute(urlPath(request.url))
  if (!route) throw new ResthooksError('not_found', 'no such route')
  if (!route.allow.includes(request.method)) {
    return problemResponse(
      new ResthooksError('method_not_allowed', `${request.method} is not allowed here`),
      { allow: route.allow.join(', ') },
    )
  }
  if (context.closed()) throw new ResthooksError('unavailable', 'the server is shutting down')
  const found = context.authenticate(request)
  // Most authenticate synchronously: no turn of the microtask queue for them.
  const owner = typeof found === 'string' ? found : await found
  if (typeof owner !== 'string' || owner === '') {
    throw new ResthooksError('unauthorized', 'the request does not identify an owner')
  }
  const id = route.id ?? ''
  // An id that is not one this server issues names nothing: no store sees it.
  if (route.id !== undefined) {
    const isMessage = MESSAGE_ROUTES.has(route.name)
    if (!v.is(isMessage ? MessageIdSchema : SubscriptionIdSchema, id)) {
      throw new ResthooksError('not_found', `no such ${isMessage ? 'message' : 'subscription'}`)
    }
  }
  const max = context.maxBodyBytes
  switch (route.name) {
    case 'subscriptions':
      return request.method === 'POST'
        ? createSubscription(context, owner, await readJson(request, max))
        : listSubscriptions(context, owner, new URL(request.url))
    case 'legacy-subscribe':
      // go-resthooks reads the body as JSON whatever its content type: so does its alias.
      return goResthooksSubscribe(context, owner, await readJson(request, max, null))
    case 'subscription':
      if (request.method === 'GET') return getSubscription(context, owner, id)
      if (request.method === 'PATCH') {
        return updateSubscription(context, owner, id, await readJson(request, max))
      }
      return deleteSubscription(context, owner, id)
    case 'legacy-unsubscribe':
      return goResthooksUnsubscribe(context, owner, id)
    case 'attempts':
      return listAttempts(context, owner, id, new URL(request.url))
    case 'messages':
      return listMessages(context, owner, new URL(request.url))
    case 'message':
      return getMessage(context, owner, id)
    case 'subscription-messages':
      return listSubscriptionMessages(context, owner, id, new URL(request.url))
    case 'redeliver':
      return redeliver(context, owner, id, request)
    case 'replay':
      return replay(context, owner, id, request)
    case 'rotate-secret':
      return rotateSecret(context, owner, id, request)
    case 'test':
      return sendTest(context, owner, id)
  }
}
