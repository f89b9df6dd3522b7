/**
 * A response of already serialised JSON, its `Content-Length` counted and added to `headers`
 * (which name the `content-type`). What the server's `jsonResponse` and a light response's real
 * `Response` are made of. The body is given as a string: the platform encodes it once, which
 * costs less than handing it bytes it copies.
 *
 * @example
 * jsonTextResponse('{"id":"sub_1"}', 200, { 'content-type': 'application/json' })
 */
export function jsonTextResponse(
  text: string,
  status: number,
  headers: Readonly<Record<string, string>>,
): Response {
  return new Response(text, {
    status,
    headers: { ...headers, 'content-length': String(utf8Length(text)) },
  })
}

/**
 * The length of `text` in UTF-8, in bytes (a lone surrogate counts as U+FFFD, 3 bytes).
 *
 * @example
 * utf8Length('ü😀') // 6
 */
export function utf8Length(text: string): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) length += 1
    else if (code >= 0xd800 && code <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      // A surrogate pair: two UTF-16 units, four bytes.
      length += 2
      i++
    } else length += 2
  }
  return length
}

const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff
