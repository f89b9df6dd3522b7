import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http'
import { type LightParts, lightParts } from '../handler/light-response'
import { readLimited } from '../read-limited'
import { headersOf } from './node-headers'
import { nodeRequest, urlOf } from './node-request'

/** Anything with a fetch handler: a `Resthooks`, a Hono app, a bare function's holder. */
export interface FetchHandler {
  fetch: (request: Request) => Promise<Response> | Response
}

/** A `node:http` request listener, also usable as Express / Connect middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>

/**
 * The chunks a request stream holds before Node pauses the socket, in bytes. A body announced
 * at most this long is read whole before the handler runs: it is what the stream would hold.
 */
const HIGH_WATER_MARK = 64 * 1024

/** A response announcing at most this many bytes is read whole and written in one `end()`. */
const MAX_BUFFERED_RESPONSE = 1024 * 1024

/**
 * Serves a fetch handler (`createResthooks(...)`) from `node:http`, Express or Connect. It only
 * translates: `IncomingMessage` to a `Request`, and the `Response` back. A body whose
 * `Content-Length` is at most 64 KiB is read first and handed over as bytes; any other body
 * streams from the socket (paused while unread, so a large upload is never buffered). A
 * response of known length is written with one `end()` (rh's JSON answers straight from their
 * text, no `Response` built: see `lightJsonResponse`); any other is streamed with
 * backpressure. When the handler answered without reading the whole body (a `413`), the
 * connection is closed after the response instead of reading the rest. The request's `signal`
 * aborts when the client goes away.
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
    const signal = closeSignal(response)
    let answer: Response
    try {
      const bytes = knownLength(request) ? await readWhole(request) : undefined
      // The client left while sending: nobody is waiting for an answer.
      if (bytes === null) return
      answer = await app.fetch(toRequest(request, signal, bytes))
    } catch {
      answer = new Response(null, { status: 500 })
    }
    const light = lightParts(answer)
    if (light) writeLight(light, request, response)
    else await writeResponse(answer, request, response)
  }
}

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

/** `true` for a body still on the socket whose `Content-Length` is small enough to read whole. */
function knownLength(request: IncomingMessage): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.readableEnded) return false
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
  request: IncomingMessage,
  signal: () => AbortSignal,
  bytes: Uint8Array | undefined,
): Request {
  const method = request.method ?? 'GET'
  if (bytes !== undefined) return nodeRequest(request, signal, bytes)
  if (method === 'GET' || method === 'HEAD') return nodeRequest(request, signal, null)
  if (request.readableEnded) return nodeRequest(request, signal, parsedBody(request))
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: headersOf(request),
    signal: signal(),
    body: bodyOf(request) as BodyInit,
    duplex: 'half',
  }
  return new Request(urlOf(request), init)
}

/** The request body as a web stream that reads the socket only as fast as it is consumed. */
function bodyOf(request: IncomingMessage): ReadableStream<Uint8Array> {
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

/** The answer's headers as `writeHead` takes them, every `set-cookie` kept. */
function responseHeaders(answer: Response, request: IncomingMessage, skipLength: boolean) {
  const headers: OutgoingHttpHeader[] = []
  const cookies: string[] = []
  for (const [name, value] of answer.headers) {
    if (name === 'set-cookie') cookies.push(value)
    else if (!(skipLength && name === 'content-length')) headers.push(name, value)
  }
  if (cookies.length > 0) headers.push('set-cookie', cookies)
  // The rest of an unread body is not worth reading: close instead of keeping the connection.
  if (!request.complete) headers.push('connection', 'close')
  return headers
}

async function writeResponse(answer: Response, request: IncomingMessage, response: ServerResponse) {
  if (!answer.body) {
    response.writeHead(answer.status, responseHeaders(answer, request, false) as string[]).end()
    return
  }
  const length = answer.headers.get('content-length')
  if (length !== null && Number(length) <= MAX_BUFFERED_RESPONSE) {
    const bytes = await readAll(answer.body, Number(length))
    if (!bytes) {
      response.destroy()
      return
    }
    const headers = responseHeaders(answer, request, true)
    headers.push('content-length', String(bytes.byteLength))
    response.writeHead(answer.status, headers as string[]).end(bytes)
    return
  }
  response.statusCode = answer.status
  const headers = responseHeaders(answer, request, false)
  for (let i = 0; i < headers.length; i += 2) {
    response.setHeader(headers[i] as string, headers[i + 1] as string | string[])
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

/** A light JSON response: its text with the head in one write, no `Response` ever built. */
function writeLight(light: LightParts, request: IncomingMessage, response: ServerResponse) {
  const headers: string[] = []
  for (const name in light.headers) headers.push(name, light.headers[name] as string)
  headers.push('content-length', String(Buffer.byteLength(light.text)))
  if (!request.complete) headers.push('connection', 'close')
  response.writeHead(light.status, headers).end(light.text)
}

/**
 * Every chunk of a body, joined (usually there is one), or `null` if it failed or grew past the
 * `Content-Length` it announced (such a response cannot be sent right: it is cut off).
 */
async function readAll(
  body: ReadableStream<Uint8Array>,
  announced: number,
): Promise<Uint8Array | null> {
  try {
    return await readLimited(body, announced)
  } catch {
    return null
  }
}
