import { type NodeHandler, nodeListener } from '../../../internal/node/node-listener'

export type { NodeHandler }

/** Anything with a fetch handler: a `Resthooks`, a Hono app, a bare function's holder. */
export interface FetchHandler {
  fetch: (request: Request) => Promise<Response> | Response
}

/**
 * Serves a fetch handler (`createResthooks(...)`) from `node:http`, Express or Connect. It only
 * translates: `IncomingMessage` to a `Request`, and the `Response` back. A body whose
 * `Content-Length` is at most 64 KiB is read first and handed over as bytes; any other body
 * streams from the socket (paused while unread, so a large upload is never buffered). A
 * response of known length is written with one `end()` (rh's JSON answers straight from their
 * text, no `Response` built: see `lightJsonResponse`); any other is streamed with
 * backpressure. When the handler answered without reading the whole body (a `413`), the
 * connection is closed after the response instead of reading the rest. The request's `signal`
 * aborts when the client goes away. A failure goes to Express's `next` when there is one, else
 * it is answered `500`.
 *
 * Mount it before any body parser (a body one already parsed is handed on as JSON). Under
 * Express, `app.use('/hooks', toNodeHandler(rh))`.
 *
 * @example
 * import { createServer } from 'node:http'
 * import { toNodeHandler } from '@rh/server/node'
 *
 * createServer(toNodeHandler(rh)).listen(3000)
 */
export function toNodeHandler(app: FetchHandler): NodeHandler {
  return nodeListener((request) => app.fetch(request))
}
