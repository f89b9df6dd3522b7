import type { IncomingMessage } from 'node:http'
import { BODY_BYTES, forwardToReal, TAKES_LIGHT_RESPONSE } from '../fast-path'
import { nodeHeaders, realHeaders } from './node-headers'

/** Hosts safe to put in front of a path as is: names, IPv4, bracketed IPv6, a port. */
const PLAIN_HOST = /^[a-z0-9.\-[\]:]+$/i

const decoder = new TextDecoder()

/**
 * A `Request` for an `IncomingMessage` whose body is already in memory (or absent): `method`,
 * `url`, `headers`, `signal` (given, or made on first use by a function) and reading the body
 * are answered from the message itself, and a
 * real `Request` is built only when anything else is asked for (`clone()`, `body`, `cache`...).
 * Building a WHATWG `Request` (its `Headers`, a stream for the body, a follower signal) costs
 * more than the whole route it feeds; most handlers read four fields.
 *
 * It is an `instanceof Request`, but not one the platform can take apart: pass
 * `request.clone()` to `fetch()` or `new Request()`.
 *
 * @example
 * const request = nodeRequest(incoming, controller.signal, bytes)
 * await app.fetch(request)
 */
export function nodeRequest(
  incoming: IncomingMessage,
  signal: AbortSignal | (() => AbortSignal),
  bytes: Uint8Array | null,
): Request {
  return new NodeRequest(incoming, signal, bytes) as unknown as Request
}

class NodeRequest {
  readonly #incoming: IncomingMessage
  #signal: AbortSignal | (() => AbortSignal)
  readonly #bytes: Uint8Array | null
  #url: string | undefined
  #headers: Headers | undefined
  #real: Request | undefined
  #used = false

  constructor(
    incoming: IncomingMessage,
    signal: AbortSignal | (() => AbortSignal),
    bytes: Uint8Array | null,
  ) {
    this.#incoming = incoming
    this.#signal = signal
    this.#bytes = bytes
  }

  /** The adapter writes light responses itself: the handler need not build real ones. */
  get [TAKES_LIGHT_RESPONSE](): boolean {
    return true
  }

  get method(): string {
    return this.#incoming.method ?? 'GET'
  }

  get url(): string {
    this.#url ??= urlOf(this.#incoming)
    return this.#url
  }

  get headers(): Headers {
    this.#headers ??= this.#real?.headers ?? nodeHeaders(this.#incoming)
    return this.#headers
  }

  get signal(): AbortSignal {
    if (typeof this.#signal === 'function') this.#signal = this.#signal()
    return this.#signal
  }

  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer()
    // A copy: the bytes may be a view of a larger (pooled or socket) buffer.
    return this.#take().then((bytes) => new Uint8Array(bytes).buffer)
  }

  bytes(): Promise<Uint8Array> {
    if (this.#real) return this.#real.bytes()
    return this.#take().then((bytes) => new Uint8Array(bytes))
  }

  text(): Promise<string> {
    if (this.#real) return this.#real.text()
    return this.#take().then((bytes) => decoder.decode(bytes))
  }

  json(): Promise<unknown> {
    if (this.#real) return this.#real.json()
    return this.text().then(JSON.parse)
  }

  /** The bytes themselves, for a reader that only decodes them: see {@link BODY_BYTES}. */
  [BODY_BYTES](): Uint8Array | undefined {
    if (this.#real || this.#used) return undefined
    this.#used = true
    return this.#bytes ?? new Uint8Array(0)
  }

  /** The body, once: the same rule (and error) as a real `Request`'s. Only before `#real`. */
  #take(): Promise<Uint8Array> {
    const bytes = this[BODY_BYTES]()
    return bytes
      ? Promise.resolve(bytes)
      : Promise.reject(new TypeError('Body is unusable: Body has already been read'))
  }

  /** The real `Request`, built on first need, with the body already used if it was. */
  materialise(): Request {
    if (this.#real) return this.#real
    const headers = realHeaders(this.headers)
    const init: RequestInit = { method: this.method, headers, signal: this.signal }
    if (this.#bytes !== null) init.body = this.#bytes as BodyInit
    const real = new Request(this.url, init)
    if (this.#used) void real.arrayBuffer()
    this.#real = real
    this.#headers = real.headers
    return real
  }
}

// Everything else a `Request` has is read from the real one, built on demand.
forwardToReal(NodeRequest, Request)

/**
 * The absolute URL of the message: scheme from the socket, authority from `Host`, path from
 * Express's `originalUrl` when there is one (a mount point strips its prefix from `url`).
 *
 * @example
 * urlOf(incoming) // 'http://localhost:3000/hooks/subscriptions?limit=10'
 */
export function urlOf(incoming: IncomingMessage & { originalUrl?: string }): string {
  const encrypted = (incoming.socket as { encrypted?: boolean } | null)?.encrypted === true
  const host = incoming.headers.host ?? 'localhost'
  const origin = `${encrypted ? 'https' : 'http'}://${host}`
  const path = incoming.originalUrl ?? incoming.url ?? '/'
  // The common case without a second parse; anything unusual (an absolute-form target, a `//`
  // path, a host header with odd characters) is resolved the careful way.
  if (path.charCodeAt(0) === 47 && path.charCodeAt(1) !== 47 && PLAIN_HOST.test(host)) {
    return origin + path
  }
  return new URL(path, origin).href
}
