import { offeredBytes } from './fast-path'

/**
 * A request's body, whole, or `null` when it is over `maxBytes`: refused at once when
 * `Content-Length` announces more (nothing read), else read until it passes the limit (the rest
 * is cancelled, never read). A body the request offers as bytes (the Node adapter's, see
 * `BODY_BYTES`) is taken without a copy; a body announced within the limit is read in one call.
 * No body is empty bytes. Read errors propagate.
 *
 * @example
 * const bytes = await readBody(request, 64 * 1024)
 * if (bytes === null) return problem(413, 'payload_too_large')
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const length = request.headers.get('content-length')
  if (length !== null && Number(length) > maxBytes) return null
  if (length !== null && length !== '') {
    // Announced within the limit: read in one call. An HTTP server's framing already stops the
    // body at that length; the count is checked again for a `Request` made in process.
    const bytes = offeredBytes(request) ?? new Uint8Array(await request.arrayBuffer())
    return bytes.byteLength > maxBytes ? null : bytes
  }
  const body = request.body
  return body ? readLimited(body, maxBytes) : new Uint8Array(0)
}

/**
 * Reads a stream whole, or stops at `limit` bytes: resolves to the bytes (one chunk as it came,
 * several joined), or `null` once more than `limit` arrived — the rest is cancelled, never
 * read. Read errors propagate. Used for request bodies ({@link readBody}) and for responses the
 * Node adapter sends in one piece.
 *
 * @example
 * const bytes = await readLimited(response.body, announcedLength)
 */
export async function readLimited(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | null> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit) {
        // Stop the sender: the rest is never read.
        reader.cancel().catch(() => {})
        return null
      }
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
