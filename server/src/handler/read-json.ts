import { ResthooksError } from '../errors'
import { readLimited } from '../read-limited'

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i

/** Strict: bad UTF-8 is an error, not U+FFFD. Reusable: each `decode()` call starts afresh. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

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
  const type = request.headers.get('content-type')
  if (type === null || !JSON_MEDIA_TYPE.test(type.trim())) {
    throw new ResthooksError('unsupported_media_type', 'the body must be application/json')
  }
  const length = request.headers.get('content-length')
  if (length !== null && Number(length) > maxBytes) throw tooLarge(maxBytes)
  const bytes =
    length !== null && length !== ''
      ? await readAnnounced(request, maxBytes)
      : await readAtMost(request.body, maxBytes)
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

/**
 * A body whose `Content-Length` is within the limit, read in one call. An HTTP server's framing
 * already stops it at that length; the count is checked again for a `Request` made in process.
 */
async function readAnnounced(request: Request, maxBytes: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes)
  return bytes
}

async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0)
  const bytes = await readLimited(body, maxBytes)
  if (bytes === null) throw tooLarge(maxBytes)
  return bytes
}
