import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Receiver } from '../create-receiver'

/** A Node request, possibly after a body parser ran (Express, Connect). */
export type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string }

/** A `node:http` request listener, also an Express / Connect middleware. */
export type NodeHandler = (
  req: NodeRequest,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>

/**
 * Serves a receiver (or any Fetch handler) from `node:http`, Express or Connect. It only
 * translates: the request into a Fetch `Request` with the raw body, the `Response` back.
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
  return async (req, res, next) => {
    let response: Response
    try {
      response = await receiver(toRequest(req))
    } catch (error) {
      if (next) return next(error)
      response = new Response(error instanceof Error ? error.message : 'internal error', {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })
    }
    await writeResponse(response, res)
  }
}

function toRequest(req: NodeRequest): Request {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1] as string)
  }
  const method = req.method ?? 'GET'
  const url = new URL(
    req.originalUrl ?? req.url ?? '/',
    `http://${req.headers.host ?? 'localhost'}`,
  )
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (method !== 'GET' && method !== 'HEAD') {
    const body = rawBody(req)
    if (body !== undefined) {
      init.body = body
      if (body instanceof ReadableStream) init.duplex = 'half'
    }
  }
  return new Request(url, init)
}

function rawBody(req: NodeRequest): BodyInit | undefined {
  const { body } = req
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return body as Uint8Array<ArrayBuffer>
  if (body !== undefined && body !== null && (req.readableEnded || '_body' in req)) {
    throw new TypeError(
      "the request body was already parsed into an object, so its signed bytes are gone: mount the webhook route with express.raw({ type: 'application/json' }) (or before any JSON body parser)",
    )
  }
  if (req.readableEnded) return undefined
  const chunks = req[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : value)
    },
    async cancel() {
      await chunks.return?.()
    },
  })
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  res.end(response.body ? new Uint8Array(await response.arrayBuffer()) : undefined)
}
