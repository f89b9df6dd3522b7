import type { Resthooks } from '../create-resthooks'

/** A response read whole: status, headers and the parsed JSON body (or `null`). */
export interface ApiResult {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  json: any
  text: string
}

/** Options of one {@link api} call. */
export interface ApiInit {
  owner?: string | null
  body?: unknown
  headers?: Record<string, string>
}

/**
 * Calls `rh.fetch` in process as `owner` (sent as `authorization: Bearer <owner>`), under the
 * `/hooks` prefix. A string `body` is sent as is, anything else as JSON.
 *
 * @example
 * const created = await api(rh, 'POST', '/subscriptions', { owner: 'alice', body: { ... } })
 */
export async function api(
  rh: Pick<Resthooks, 'fetch'>,
  method: string,
  path: string,
  init: ApiInit = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...init.headers }
  const owner = init.owner === undefined ? 'alice' : init.owner
  if (owner !== null) headers.authorization = `Bearer ${owner}`
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json'
  }
  const url = path.startsWith('http') ? path : `http://rh.test/hooks${path}`
  const response = await rh.fetch(new Request(url, { method, headers, body: body ?? null }))
  const text = await response.text()
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {}
  return { status: response.status, headers: response.headers, json, text }
}

/** The owner named by `authorization: Bearer <owner>`, as the tests authenticate. */
export const bearerOwner = (request: Request) =>
  request.headers.get('authorization')?.match(/^Bearer (.+)$/)?.[1] ?? null
