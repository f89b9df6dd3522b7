/** The routes of the subscription API, by name. */
export type RouteName =
  | 'subscriptions'
  | 'subscription'
  | 'attempts'
  | 'legacy-subscribe'
  | 'legacy-unsubscribe'
  | 'messages'
  | 'message'
  | 'redeliver'
  | 'subscription-messages'
  | 'replay'
  | 'rotate-secret'
  | 'test'

/** The routes whose `id` is a message id (`msg_…`); the others' is a subscription id. */
export const MESSAGE_ROUTES: ReadonlySet<RouteName> = new Set(['message', 'redeliver'])

/** A matched route: its name, the id in its path when it has one, and the methods it allows. */
export interface Route {
  name: RouteName
  id?: string
  allow: readonly string[]
}

const ALLOW: Record<RouteName, readonly string[]> = {
  subscriptions: ['GET', 'POST'],
  subscription: ['GET', 'PATCH', 'DELETE'],
  attempts: ['GET'],
  'legacy-subscribe': ['POST'],
  'legacy-unsubscribe': ['DELETE'],
  messages: ['GET'],
  message: ['GET'],
  redeliver: ['POST'],
  'subscription-messages': ['GET'],
  replay: ['POST'],
  'rotate-secret': ['POST'],
  test: ['POST'],
}

/** The routes under `subscriptions/{id}/`, by their last segment. */
const SUBSCRIPTION_ACTIONS: Readonly<Record<string, RouteName>> = {
  attempts: 'attempts',
  messages: 'subscription-messages',
  replay: 'replay',
  'rotate-secret': 'rotate-secret',
  test: 'test',
}

/**
 * Finds the route of a path by its trailing segments, so the API works under any mount prefix
 * (`/hooks/subscriptions`, `/api/v1/hooks/subscriptions`, or `/subscriptions` after a framework
 * stripped the prefix). `null` for a path that is no route (404). Segments are percent-decoded;
 * an empty last segment (a trailing `/`) matches nothing.
 *
 * | Trailing segments             | Route                |
 * | ----------------------------- | -------------------- |
 * | `subscriptions`               | `subscriptions`      |
 * | `subscriptions/{id}`          | `subscription`       |
 * | `subscriptions/{id}/attempts` | `attempts`           |
 * | `subscribe`                   | `legacy-subscribe`   |
 * | `unsubscribe/{id}`            | `legacy-unsubscribe` |
 * | `messages`                    | `messages`           |
 * | `messages/{id}`               | `message`            |
 * | `messages/{id}/redeliver`     | `redeliver`          |
 * | `subscriptions/{id}/messages` | `subscription-messages` |
 * | `subscriptions/{id}/replay`   | `replay`             |
 * | `subscriptions/{id}/rotate-secret` | `rotate-secret` |
 * | `subscriptions/{id}/test`     | `test`               |
 *
 * @example
 * matchRoute('/hooks/subscriptions/sub_01JB8X6T3QH6W2Y9V4KZP7M5RC') // { name: 'subscription', id: 'sub_01JB…', allow: [...] }
 */
export function matchRoute(pathname: string): Route | null {
  // The last three segments, found from the end (no array of every segment).
  const a = pathname.lastIndexOf('/')
  const b = a > 0 ? pathname.lastIndexOf('/', a - 1) : -1
  const last = decode(pathname.slice(a + 1))
  const before =
    b < 0 ? (a < 0 ? undefined : decode(pathname.slice(0, a))) : decode(pathname.slice(b + 1, a))
  if (last === undefined || last === '') return null
  // Route words are never ids (ids start with sub_), so they are tested first.
  if (last === 'subscriptions') return route('subscriptions')
  if (last === 'subscribe') return route('legacy-subscribe')
  const action = Object.hasOwn(SUBSCRIPTION_ACTIONS, last) ? SUBSCRIPTION_ACTIONS[last] : undefined
  if ((action || last === 'redeliver') && before) {
    const c = b > 0 ? pathname.lastIndexOf('/', b - 1) : -1
    const third = b < 0 ? undefined : decode(pathname.slice(c + 1, b))
    if (action && third === 'subscriptions') return route(action, before)
    if (last === 'redeliver' && third === 'messages') return route('redeliver', before)
  }
  // `subscriptions/messages` stays a subscription id (one no server issues: 404).
  if (last === 'messages' && before !== 'subscriptions') return route('messages')
  if (before === 'subscriptions') return route('subscription', last)
  if (before === 'messages') return route('message', last)
  if (before === 'unsubscribe') return route('legacy-unsubscribe', last)
  return null
}

function route(name: RouteName, id?: string): Route {
  return id === undefined ? { name, allow: ALLOW[name] } : { name, id, allow: ALLOW[name] }
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined || !segment.includes('%')) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    // A broken escape is a segment no route has.
    return `\u0000${segment}`
  }
}
