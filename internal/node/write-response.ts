import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http'
import { lightParts } from '../fast-path'
import { readLimited } from '../read-limited'

/** A response announcing at most this many bytes is read whole and written in one `end()`. */
const MAX_BUFFERED_RESPONSE = 1024 * 1024

/**
 * Writes a fetch `Response` to a `ServerResponse`: a light JSON response (see `lightParts`)
 * straight from its text, no `Response` built; one of known length (at most 1 MiB) with one
 * `end()`; any other streamed with backpressure. Every `set-cookie` is kept. When the handler
 * answered without reading the whole request body (a `413`), the connection is closed after the
 * response instead of reading the rest. A body longer than its `Content-Length` is cut off.
 *
 * @example
 * await writeResponse(await app.fetch(request), incoming, serverResponse)
 */
export async function writeResponse(
  answer: Response,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const light = lightParts(answer)
  if (light) {
    const headers: string[] = []
    for (const name in light.headers) headers.push(name, light.headers[name] as string)
    headers.push('content-length', String(Buffer.byteLength(light.text)))
    if (!request.complete) headers.push('connection', 'close')
    response.writeHead(light.status, headers).end(light.text)
    return
  }
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
  await streamBody(answer.body, response)
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

/** Writes the body only as fast as the socket takes it; stops if the client goes away. */
async function streamBody(body: ReadableStream<Uint8Array>, response: ServerResponse) {
  const reader = body.getReader()
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
