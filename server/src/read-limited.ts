/**
 * Reads a body whole, or stops at `limit` bytes: resolves to the bytes (one chunk as it came,
 * several joined), or `null` once more than `limit` arrived — the rest is cancelled, never
 * read. Read errors propagate. Used for API request bodies and for responses the Node adapter
 * sends in one piece.
 *
 * @example
 * const bytes = await readLimited(request.body, 64 * 1024)
 * if (bytes === null) throw new ResthooksError('payload_too_large', 'over 64 KiB')
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
