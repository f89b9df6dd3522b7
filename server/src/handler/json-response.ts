const encoder = new TextEncoder()

/**
 * A JSON response with its `Content-Length`: the body is encoded once, here, so an adapter
 * can write it in one piece (`@rh/server/node` sends it with a single `end()`).
 *
 * @example
 * return jsonResponse({ id }, 201, { location: `subscriptions/${id}` })
 */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
  type = 'application/json',
): Response {
  const bytes = encoder.encode(JSON.stringify(body))
  return new Response(bytes, {
    status,
    headers: { 'content-type': type, 'content-length': String(bytes.byteLength), ...headers },
  })
}
