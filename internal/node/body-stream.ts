import type { IncomingMessage } from 'node:http'

/**
 * The request body as a web stream that reads the socket only as fast as it is consumed: the
 * message stays paused while the stream holds `highWaterMark` bytes. Cancelling leaves it
 * paused: what was not read is never read (the connection closes after the answer).
 *
 * @example
 * new Request(url, { method: 'POST', body: bodyStream(incoming, 64 * 1024), duplex: 'half' })
 */
export function bodyStream(
  request: IncomingMessage,
  highWaterMark: number,
): ReadableStream<Uint8Array> {
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
        stop()
      },
    },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  )
}
