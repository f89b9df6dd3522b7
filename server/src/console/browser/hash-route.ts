/** The console's pages. */
export type PageName = 'subscriptions' | 'subscription' | 'messages' | 'message' | 'unknown'

/** Where the URL's `#fragment` points: a page, an id for the one-item pages, and its query. */
export interface Route {
  page: PageName
  id?: string
  query: Record<string, string>
}

/**
 * Reads the route from `location.hash`: `#/subscriptions`, `#/subscriptions/{id}`,
 * `#/messages`, `#/messages/{id}`, each with an optional `?query`. An empty hash is the
 * subscriptions page. No credential is ever part of it.
 *
 * @example
 * parseRoute('#/subscriptions/sub_1?tab=attempts') // { page: 'subscription', id: 'sub_1', query: { tab: 'attempts' } }
 */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2)
  const query = Object.fromEntries(
    [...new URLSearchParams(search)].filter(([, value]) => value !== ''),
  )
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent)
  const [collection, id, extra] = segments
  if (extra !== undefined) return { page: 'unknown', query }
  if (collection === undefined) return { page: 'subscriptions', query }
  if (collection === 'subscriptions' || collection === 'messages') {
    if (id === undefined) return { page: collection, query }
    return { page: collection === 'subscriptions' ? 'subscription' : 'message', id, query }
  }
  return { page: 'unknown', query }
}

/**
 * The `#fragment` of a route; query members that are `undefined` or `''` are left out.
 *
 * @example
 * routeHref('subscriptions', undefined, { cursor: 'c1' }) // '#/subscriptions?cursor=c1'
 */
export function routeHref(
  collection: 'subscriptions' | 'messages',
  id?: string,
  query: Record<string, string | undefined> = {},
): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(name, value)
  }
  const path = id === undefined ? `#/${collection}` : `#/${collection}/${encodeURIComponent(id)}`
  const text = search.toString()
  return text ? `${path}?${text}` : path
}
