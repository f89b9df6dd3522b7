import { readBody } from '../../../internal/read-limited'
import { ResthooksError } from '../errors'

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i

/** Strict: bad UTF-8 is an error, not U+FFFD. Reusable: each `decode()` call starts afresh. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Reads a request's JSON body: `415` unless the content type is `application/json` (or matches
 * `mediaType`; `null` takes any content type, or none, as go-resthooks does), `413` when `Content-Length` announces more than `maxBytes` or a body without it
 * grows past it (reading stops there: nothing unbounded is buffered), `400 malformed_json` unless
 * the bytes are UTF-8 JSON. The bytes are read by `readBody`: taken as they are when the Node
 * adapter offers them, else a body announced within the limit is read in one call.
 *
 * @example
 * const body = await readJson(request, 64 * 1024)
 */
export async function readJson(
  request: Request,
  maxBytes: number,
  mediaType: RegExp | null = JSON_MEDIA_TYPE,
): Promise<unknown> {
  const type = request.headers.get('content-type')
  if (
    mediaType !== null &&
    type !== 'application/json' &&
    (type === null || !mediaType.test(type.trim()))
  ) {
    throw new ResthooksError('unsupported_media_type', 'the body must be application/json')
  }
  const bytes = await readBody(request, maxBytes)
  if (bytes === null) {
    throw new ResthooksError('payload_too_large', `the body exceeds ${maxBytes} bytes`)
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
