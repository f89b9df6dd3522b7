import type { IncomingMessage } from 'node:http'
import { forwardToReal } from '../fast-path'

/** The characters of a header name (an RFC 9110 token): 1, or 2 for an upper-case letter. */
const TOKEN = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") TOKEN[c.charCodeAt(0)] = 1
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') TOKEN[c.charCodeAt(0)] = 2

/** Whitespace `Headers` strips from both ends of a value. */
const EDGE_SPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g

/**
 * The message's headers as a `Headers` that answers `get()` and `has()` from the message itself,
 * and builds the real `Headers` ({@link headersOf}) only when anything else is asked for
 * (iterating, changing). A handler usually reads two or three headers; building `Headers`
 * validates and copies every one of them.
 *
 * @example
 * nodeHeaders(incoming).get('Content-Type') // 'application/json'
 */
export function nodeHeaders(incoming: IncomingMessage): Headers {
  return new NodeHeaders(incoming) as unknown as Headers
}

/**
 * The real `Headers` behind a {@link nodeHeaders} (built now if need be); any other `Headers`
 * as it is.
 *
 * @example
 * new Request(url, { headers: realHeaders(request.headers) })
 */
export function realHeaders(headers: Headers): Headers {
  return headers instanceof NodeHeaders ? headers.materialise() : headers
}

class NodeHeaders {
  readonly #incoming: IncomingMessage
  #real: Headers | undefined

  constructor(incoming: IncomingMessage) {
    this.#incoming = incoming
  }

  get(name: string): string | null {
    const key = this.#real ? undefined : keyOf(name)
    if (key === undefined) return this.materialise().get(name)
    // Type-checked, not compared with undefined: `headers` is a plain object (`constructor`).
    const value: unknown = this.#incoming.headers[key]
    if (typeof value === 'string') return normalise(value)
    return Array.isArray(value) ? value.map(normalise).join(', ') : null
  }

  has(name: string): boolean {
    const key = this.#real ? undefined : keyOf(name)
    if (key === undefined) return this.materialise().has(name)
    const value: unknown = this.#incoming.headers[key]
    return typeof value === 'string' || Array.isArray(value)
  }

  /** The real `Headers`, built on first need; from then on every member answers from it. */
  materialise(): Headers {
    this.#real ??= headersOf(this.#incoming)
    return this.#real
  }
}

forwardToReal(NodeHeaders, Headers)

/**
 * The name in lower case, as Node keys the message's headers; `undefined` for a name that is no
 * header name (`Headers` throws for it). A loop, not a regular expression: cheaper on every
 * engine, and most names come lower-case already.
 */
function keyOf(name: string): string | undefined {
  if (name.length === 0) return undefined
  let upper = false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    const kind = c < 128 ? (TOKEN[c] as number) : 0
    if (kind === 0) return undefined
    if (kind === 2) upper = true
  }
  return upper ? name.toLowerCase() : name
}

/** A value as `Headers` keeps it: without whitespace at either end. */
function normalise(value: string): string {
  const first = value.charCodeAt(0)
  const last = value.charCodeAt(value.length - 1)
  return first <= 32 || last <= 32 ? value.replace(EDGE_SPACE, '') : value
}

/**
 * The message's headers as `Headers`, as Node joined them (`, `; `set-cookie` kept apart).
 *
 * @example
 * headersOf(incoming).get('content-type') // 'application/json'
 */
export function headersOf(incoming: IncomingMessage): Headers {
  const headers = new Headers()
  const raw = incoming.headers
  for (const name in raw) {
    const value = raw[name]
    if (value === undefined || name.charCodeAt(0) === 58 /* : */) continue
    if (typeof value === 'string') headers.set(name, value)
    else for (const item of value) headers.append(name, item)
  }
  return headers
}
