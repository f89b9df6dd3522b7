import { ResthooksError } from '../errors'
import { readLimited } from '../read-limited'

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i

/** Strict: bad UTF-8 is an error, not U+FFFD. Reusable: each `decode()` call starts afresh. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A request may offer its body, when it is already in memory, under this key: a function that
 * takes the bytes (once: the body is used after it, as after a read), or answers `undefined`
 * when it cannot (read the body then). {@link readJson} only decodes the bytes, so it needs
 * none of the copy `arrayBuffer()` must make. `@rh/server/node`'s requests offer it.
 * `Symbol.for`, so every copy of the package agrees.
 */
export const BODY_BYTES: unique symbol = Symbol.for('@rh/server.body-bytes')

/**
 * Reads a request's JSON body: `415` unless the content type is `application/json`, `413` when
 * `Content-Length` announces more than `maxBytes` or a body without it grows past it (reading
 * stops there: nothing unbounded is buffered), `400 malformed_json` unless the bytes are UTF-8
 * JSON. A body announced within the limit is read in one call.
 *
 * @example
 * const body = await readJson(request, 64 * 1024)
 */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const headers = request.headers
  const type = headers.get('content-type')
  if (type !== 'application/json' && (type === null || !JSON_MEDIA_TYPE.test(type.trim()))) {
    throw new ResthooksError('unsupported_media_type', 'the body must be application/json')
  }
  const length = headers.get('content-length')
  if (length !== null && Number(length) > maxBytes) throw tooLarge(maxBytes)
  let bytes: Uint8Array
  if (length !== null && length !== '') {
    // Announced within the limit: read in one call. An HTTP server's framing already stops the
    // body at that length; the count is checked again for a `Request` made in process.
    const offered = (request as { [BODY_BYTES]?: () => Uint8Array | undefined })[BODY_BYTES]
    bytes = offered?.call(request) ?? new Uint8Array(await request.arrayBuffer())
    if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes)
  } else {
    bytes = await readAtMost(request.body, maxBytes)
  }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch (error) {
    throw new ResthooksError('malformed_json', 'the body is not valid UTF-8', { cause: error })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ResthooksError('malformed_json', 'the body is not valid JSON', { cause: error })
  }
}

const tooLarge = (maxBytes: number) =>
  new ResthooksError('payload_too_large', `the body exceeds ${maxBytes} bytes`)

async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0)
  const bytes = await readLimited(body, maxBytes)
  if (bytes === null) throw tooLarge(maxBytes)
  return bytes
}
