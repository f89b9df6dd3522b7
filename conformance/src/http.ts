/** A response read whole: status, headers, the text and, when it is JSON, the parsed value. */
export interface HttpResult {
  status: number
  headers: Headers
  text: string
  /** The parsed body, or `undefined` when it is empty or not JSON. */
  json: unknown
}

/** The `fetch` the suites use; the global one unless injected. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/**
 * Sends one request and reads the whole response. `body`, when given, is sent as JSON unless it
 * is already a string.
 *
 * @example
 * const result = await request(fetch, 'GET', 'http://127.0.0.1:3000/hooks/subscriptions')
 */
export async function request(
  fetch: FetchLike,
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  const init: RequestInit = { method, headers, redirect: 'manual' }
  if (options.body !== undefined) {
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await fetch(url, init)
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

/**
 * `status body` of a result, short, for a report's `seen`.
 *
 * @example
 * describeResult(result) // '422 {"code":"invalid_request",...}'
 */
export function describeResult(result: HttpResult): string {
  const body = result.text.length > 240 ? `${result.text.slice(0, 240)}…` : result.text
  return body === '' ? String(result.status) : `${result.status} ${body}`
}
