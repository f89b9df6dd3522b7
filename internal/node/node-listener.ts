import type { IncomingMessage, ServerResponse } from 'node:http'
import { bodyStream } from './body-stream'
import { headersOf } from './node-headers'
import { nodeRequest, urlOf } from './node-request'
import { validHost } from './valid-host'
import { writeResponse } from './write-response'

/** A Node request, possibly after a body parser ran (Express, Connect). */
export type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string }

/**
 * A `node:http` request listener, also an Express / Connect middleware: given `next`, a
 * failure goes there instead of being answered `500`.
 */
export type NodeHandler = (
  req: NodeRequest,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>

/** Options of {@link nodeListener}. */
export interface NodeListenerOptions {
  /**
   * What a body a parser already turned into an object becomes: `'json'` (the default) hands
   * it on serialised as JSON; `'refuse'` fails with a `TypeError` telling to mount the route
   * with `express.raw()`, for a handler that needs the bytes as sent (a signature check). A
   * `Buffer` or string body is the raw body either way.
   */
  parsedBody?: 'json' | 'refuse'
}

/**
 * The chunks a request stream holds before Node pauses the socket, in bytes. A body announced
 * at most this long is read whole before the handler runs: it is what the stream would hold.
 */
const HIGH_WATER_MARK = 64 * 1024

/**
 * Serves a fetch handler from `node:http`, Express or Connect. It only translates:
 * `IncomingMessage` to a `Request` (a lazily built one, see `nodeRequest`), and the `Response`
 * back (`writeResponse`). A body whose `Content-Length` is at most 64 KiB is read first and
 * handed over as bytes; any other body streams from the socket (paused while unread, so a large
 * upload is never buffered). The request's `signal` aborts when the client goes away; a client
 * that leaves while sending its body is never handed to the handler. When the handler throws,
 * the error goes to `next` if given, else the answer is an empty `500` (or, for a refused parsed
 * body, its message).
 *
 * @example
 * createServer(nodeListener((request) => app.fetch(request))).listen(3000)
 */
export function nodeListener(
  fetch: (request: Request) => Promise<Response> | Response,
  options: NodeListenerOptions = {},
): NodeHandler {
  const refuseParsed = options.parsedBody === 'refuse'
  return async (request, response, next) => {
    const signal = closeSignal(response)
    let answer: Response
    if (!validHost(request.headers.host)) {
      // No URL can be made of it: the client's mistake, answered before any handler runs.
      answer = badHost()
      return writeResponse(answer, request, response)
    }
    try {
      const bytes = knownLength(request) ? await readWhole(request) : undefined
      // The client left while sending: nobody is waiting for an answer.
      if (bytes === null) return
      answer = await fetch(toRequest(request, signal, bytes, refuseParsed))
    } catch (error) {
      if (next) return next(error)
      answer =
        error instanceof ParsedBodyError
          ? new Response(error.message, {
              status: 500,
              headers: { 'content-type': 'text/plain; charset=utf-8' },
            })
          : new Response(null, { status: 500 })
    }
    await writeResponse(answer, request, response)
  }
}

/** The `400` of a request whose `Host` header makes no URL, as RFC 9457 problem+json. */
function badHost(): Response {
  return new Response(
    JSON.stringify({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'the Host header is not a valid host[:port]',
    }),
    { status: 400, headers: { 'content-type': 'application/problem+json' } },
  )
}

/** A body a parser already parsed, offered to a handler that needs its bytes. */
class ParsedBodyError extends TypeError {}

/**
 * A signal that aborts when the client goes away before the response is finished, made only
 * when the handler asks for it (most never do): nothing is listened to until then.
 */
function closeSignal(response: ServerResponse): () => AbortSignal {
  let controller: AbortController | undefined
  return () => {
    if (controller) return controller.signal
    const made = new AbortController()
    controller = made
    const abortUnlessFinished = () => {
      if (!response.writableFinished) made.abort()
    }
    // Already closed (the client left before the handler asked): decided now.
    if (response.destroyed) abortUnlessFinished()
    else response.once('close', abortUnlessFinished)
    return made.signal
  }
}

/** `true` once a body parser consumed the message (`_body` is body-parser's mark). */
const parsed = (request: NodeRequest) => request.readableEnded || '_body' in request

/** `true` for a body still on the socket whose `Content-Length` is small enough to read whole. */
function knownLength(request: NodeRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || parsed(request)) return false
  const length = request.headers['content-length']
  return length !== undefined && Number(length) <= HIGH_WATER_MARK
}

/** The whole body (HTTP framing bounds it by `Content-Length`), or `null` if the client left. */
function readWhole(request: IncomingMessage): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    let first: Buffer | undefined
    let more: Buffer[] | undefined
    request.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      if (first === undefined) first = bytes
      else if (more === undefined) more = [first, bytes]
      else more.push(bytes)
    })
    request.on('end', () => resolve(more ? Buffer.concat(more) : (first ?? Buffer.alloc(0))))
    // The first settlement wins: 'close' always follows 'end', and then changes nothing. The
    // listeners stay: the message is done with after this request.
    const gone = () => resolve(null)
    request.on('error', gone)
    request.on('close', gone)
  })
}

function toRequest(
  request: NodeRequest,
  signal: () => AbortSignal,
  bytes: Uint8Array | undefined,
  refuseParsed: boolean,
): Request {
  const method = request.method ?? 'GET'
  if (bytes !== undefined) return nodeRequest(request, signal, bytes)
  if (method === 'GET' || method === 'HEAD') return nodeRequest(request, signal, null)
  if (parsed(request)) return nodeRequest(request, signal, parsedBody(request, refuseParsed))
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: headersOf(request),
    signal: signal(),
    body: bodyStream(request, HIGH_WATER_MARK) as BodyInit,
    duplex: 'half',
  }
  return new Request(urlOf(request), init)
}

/** A body a parser (express.raw(), express.json() and the like) already read, as bytes. */
function parsedBody(request: NodeRequest, refuseParsed: boolean): Uint8Array {
  const body = request.body
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return new TextEncoder().encode(body)
  if (body === undefined || body === null) return new Uint8Array(0)
  if (refuseParsed) {
    throw new ParsedBodyError(
      "the request body was already parsed into an object, so its signed bytes are gone: mount the webhook route with express.raw({ type: 'application/json' }) (or before any JSON body parser)",
    )
  }
  return new TextEncoder().encode(JSON.stringify(body))
}
