/** The routes of the subscription API, by name. */
export type RouteName =
  | 'subscriptions'
  | 'subscription'
  | 'attempts'
  | 'legacy-subscribe'
  | 'legacy-unsubscribe'

/** A matched route: its name, the subscription id when it has one, and the methods it allows. */
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
  if (last === 'attempts' && before) {
    const c = b > 0 ? pathname.lastIndexOf('/', b - 1) : -1
    const third = b < 0 ? undefined : decode(pathname.slice(c + 1, b))
    if (third === 'subscriptions') return route('attempts', before)
  }
  if (before === 'subscriptions') return route('subscription', last)
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
