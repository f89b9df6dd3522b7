/** Hosts already judged, so each distinct `Host` value is parsed once (bounded: see below). */
const judged = new Map<string, boolean>()
const MAX_JUDGED = 256

/**
 * `true` when a `Host` header value makes a URL: a name, IPv4 or bracketed IPv6 address, and
 * an optional port up to 65535, as the WHATWG URL parser accepts them. A missing header is fine
 * (HTTP/1.0: the adapter uses `localhost`); an empty or malformed one (`a b`, `[::1`, `%zz`,
 * `x:999999`, non-ASCII) is the client's mistake, to be answered `400`, not a `500` when the
 * handler first reads `request.url`.
 *
 * @example
 * validHost('example.com:8080') // true
 * validHost('x:999999') // false
 */
export function validHost(host: string | undefined): boolean {
  if (host === undefined) return true
  let valid = judged.get(host)
  if (valid === undefined) {
    valid = judge(host)
    // Few distinct hosts reach one server; a client sending many gets them judged afresh.
    if (judged.size >= MAX_JUDGED) judged.clear()
    judged.set(host, valid)
  }
  return valid
}

function judge(host: string): boolean {
  // Only the authority's own characters: no userinfo, path, query or fragment may hide in it.
  if (!/^[\x21-\x7e]+$/.test(host) || /[/?#@\\]/.test(host)) return false
  try {
    new URL(`http://${host}/`)
    return true
  } catch {
    return false
  }
}
