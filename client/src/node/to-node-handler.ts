import { type NodeHandler, nodeListener } from '../../../internal/node/node-listener'
import type { Receiver } from '../create-receiver'

export type { NodeHandler, NodeRequest } from '../../../internal/node/node-listener'

/**
 * Serves a receiver (or any Fetch handler) from `node:http`, Express or Connect. It only
 * translates: the request into a Fetch `Request` with the raw body, the `Response` back, with
 * the same adapter as `@rh/server/node` (small bodies read first, large ones streamed with
 * backpressure, `request.signal` aborting when the client leaves).
 *
 * When a body parser already ran, a `Buffer` or string `req.body` (from `express.raw()` or
 * `express.text()`) is the raw body; a parsed object cannot be verified, so the handler passes a
 * `TypeError` to `next` (or answers 500) telling to use `express.raw()` on the webhook route.
 *
 * @example
 * import { createServer } from 'node:http'
 * createServer(toNodeHandler(receiver)).listen(3000)
 * // Express: app.post('/hooks', express.raw({ type: 'application/json' }), toNodeHandler(receiver))
 */
export function toNodeHandler(receiver: Receiver): NodeHandler {
  return nodeListener(receiver, { parsedBody: 'refuse' })
}
