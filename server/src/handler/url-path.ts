/** Character classes of the plain URLs read without the parser: 1 authority, 2 path. */
const PLAIN = new Uint8Array(128)
const mark = (chars: string, kind: number) => {
  for (let i = 0; i < chars.length; i++) PLAIN[chars.charCodeAt(i)] = kind
}
mark('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-', 1 | 2)
mark('.:[]', 1)
mark('_~/', 2)

/**
 * The path of an absolute URL, as `new URL(url).pathname` gives it. The usual URL is read off
 * the string: `http(s)://`, a plain authority (letters, digits, `.:[]-`; no userinfo, no
 * backslash), then a path of letters, digits, `_-~/` up to `?`, `#` or the end. The WHATWG
 * parser leaves such a path exactly as written (nothing to percent-encode, no dot segments).
 * Anything else goes through the parser. Parsing a URL costs about as much as routing and
 * authorising the request together.
 *
 * @example
 * urlPath('http://localhost:3000/hooks/subscriptions?limit=10') // '/hooks/subscriptions'
 */
export function urlPath(url: string): string {
  let i = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : -1
  if (i < 0) return new URL(url).pathname
  const end = url.length
  for (; i < end; i++) {
    const c = url.charCodeAt(i)
    if (c === 47 /* / */) break
    if (c >= 128 || ((PLAIN[c] as number) & 1) === 0) return new URL(url).pathname
  }
  const start = i
  // No authority: the parser takes the path's first segment for the host.
  if (start === (url.charCodeAt(4) === 58 /* : */ ? 7 : 8)) return new URL(url).pathname
  for (; i < end; i++) {
    const c = url.charCodeAt(i)
    if (c === 63 /* ? */ || c === 35 /* # */) break
    if (c >= 128 || ((PLAIN[c] as number) & 2) === 0) return new URL(url).pathname
  }
  // No path at all is the root, which the parser writes.
  return start === i ? new URL(url).pathname : url.slice(start, i)
}
