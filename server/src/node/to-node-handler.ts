import type { IncomingMessage, ServerResponse } from 'node:http'

/** Anything with a fetch handler: a `Resthooks`, a Hono app, a bare function's holder. */
export interface FetchHandler {
  fetch: (request: Request) => Promise<Response> | Response
}

/** A `node:http` request listener, also usable as Express / Connect middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>

/** The chunks a request stream holds before Node pauses the socket, in bytes. */
const HIGH_WATER_MARK = 64 * 1024

/**
 * Serves a fetch handler (`createResthooks(...)`) from `node:http`, Express or Connect. It only
 * translates: `IncomingMessage` to a `Request` whose body streams from the socket (paused while
 * unread, so a large upload is never buffered), and the `Response` back, written with
 * backpressure. When the handler answered without reading the whole body (a `413`), the
 * connection is closed after the response instead of reading the rest.
 *
 * Mount it before any body parser. Under Express, `app.use('/hooks', toNodeHandler(rh))`.
 *
 * @example
 * import { createServer } from 'node:http'
 * import { toNodeHandler } from '@rh/server/node'
 *
 * createServer(toNodeHandler(rh)).listen(3000)
 */
export function toNodeHandler(app: FetchHandler): NodeHandler {
  return async (request, response) => {
    const controller = new AbortController()
    response.once('close', () => {
      if (!response.writableFinished) controller.abort()
    })
    let answer: Response
    try {
      answer = await app.fetch(toRequest(request, controller.signal))
    } catch {
      answer = new Response(null, { status: 500 })
    }
    await writeResponse(answer, request, response)
  }
}

function toRequest(request: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, value)
  }
  const encrypted = (request.socket as { encrypted?: boolean } | null)?.encrypted === true
  const host = request.headers.host ?? 'localhost'
  const url = new URL(request.url ?? '/', `${encrypted ? 'https' : 'http'}://${host}`)
  const method = request.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal }
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = bodyOf(request) as BodyInit
    init.duplex = 'half'
  }
  return new Request(url, init)
}

/** The request body as a web stream that reads the socket only as fast as it is consumed. */
function bodyOf(request: IncomingMessage): ReadableStream<Uint8Array> | Uint8Array {
  if (request.readableEnded) return parsedBody(request)
  let done = false
  const stop = () => {
    done = true
    request.off('data', onData)
    request.off('end', onEnd)
    request.off('error', onError)
  }
  let controller: ReadableStreamDefaultController<Uint8Array>
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    if ((controller.desiredSize ?? 0) <= 0) request.pause()
  }
  const onEnd = () => {
    stop()
    controller.close()
  }
  const onError = (error: Error) => {
    stop()
    controller.error(error)
  }
  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController
        request.on('data', onData)
        request.once('end', onEnd)
        request.once('error', onError)
        request.pause()
      },
      pull() {
        if (!done) request.resume()
      },
      cancel() {
        // Stay paused: what was not read is never read (the connection closes after the answer).
        stop()
      },
    },
    { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  )
}

/** A body a parser (express.json() and the like) already read: passed on as bytes. */
function parsedBody(request: IncomingMessage): Uint8Array {
  const body = (request as { body?: unknown }).body
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return new TextEncoder().encode(body)
  if (body === undefined || body === null) return new Uint8Array(0)
  return new TextEncoder().encode(JSON.stringify(body))
}

async function writeResponse(answer: Response, request: IncomingMessage, response: ServerResponse) {
  response.statusCode = answer.status
  for (const [name, value] of answer.headers) {
    if (name !== 'set-cookie') response.setHeader(name, value)
  }
  const cookies = answer.headers.getSetCookie()
  if (cookies.length > 0) response.setHeader('set-cookie', cookies)
  // The rest of an unread body is not worth reading: close instead of keeping the connection.
  if (!request.complete) response.setHeader('connection', 'close')
  if (!answer.body) {
    response.end()
    return
  }
  const reader = answer.body.getReader()
  const closed = new Promise<void>((resolve) => response.once('close', resolve))
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!response.write(value)) {
        const drained = new Promise<void>((resolve) => response.once('drain', resolve))
        if (
          (await Promise.race([drained.then(() => 'drain'), closed.then(() => 'closed')])) ===
          'closed'
        ) {
          await reader.cancel()
          return
        }
      }
    }
    response.end()
  } catch {
    response.destroy()
  } finally {
    reader.releaseLock()
  }
}
