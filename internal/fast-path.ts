import { jsonTextResponse } from './json-text-response'

/**
 * The fast path between rh's Node adapter and rh's server handler: a private contract the
 * platform and every other caller never see. Building WHATWG objects (`Request`, `Headers`,
 * `Response`, body streams) costs more than a whole route, so on this path neither side builds
 * them unless someone asks for more than the few fields a route reads:
 *
 * - **Stand-ins** ({@link forwardToReal}): the adapter's request and headers, and a light
 *   response, are `instanceof` the platform class and answer a few members themselves; anything
 *   else builds the real object and answers from it. The platform cannot take them apart: pass
 *   `request.clone()` to `fetch()`.
 * - **Light responses** ({@link TAKES_LIGHT_RESPONSE}, {@link lightJsonResponse},
 *   {@link lightParts}): a request carrying `TAKES_LIGHT_RESPONSE` comes from an adapter that
 *   writes a light JSON response from its parts (status, headers, text) with one `writeHead` +
 *   `end`; any other caller gets the {@link realResponse}.
 * - **Pre-read bodies** ({@link BODY_BYTES}, {@link offeredBytes}): a request whose body the
 *   adapter already holds offers the bytes themselves, once, so a reader that only decodes them
 *   skips the copy `arrayBuffer()` makes.
 *
 * The keys are `Symbol.for`, so every copy of rh (ESM and CommonJS, server and client) agrees.
 *
 * @module
 */

/** Set to `true` on a request from an adapter that writes light responses itself. */
export const TAKES_LIGHT_RESPONSE: unique symbol = Symbol.for('@rh/server.takes-light-response')

/**
 * A request may offer its in-memory body under this key: a function that takes the bytes
 * (once: the body is used after it, as after a read), or answers `undefined` when it cannot
 * (read the body then).
 */
export const BODY_BYTES: unique symbol = Symbol.for('@rh/server.body-bytes')

const PARTS: unique symbol = Symbol.for('@rh/server.light-response-parts')

/** The headers of a plain JSON response. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
})

/** What a {@link lightJsonResponse} holds: everything needed to write it as is. */
export interface LightParts {
  status: number
  /** Lower-case names; `content-type` among them. No `content-length`: the writer counts. */
  headers: Readonly<Record<string, string>>
  /** The serialised JSON body. */
  text: string
}

/**
 * `true` when the request's adapter writes light responses ({@link TAKES_LIGHT_RESPONSE}).
 *
 * @example
 * return takesLightResponse(request) ? response : realResponse(response)
 */
export function takesLightResponse(request: Request): boolean {
  return (request as { [TAKES_LIGHT_RESPONSE]?: boolean })[TAKES_LIGHT_RESPONSE] === true
}

/**
 * The bytes a request offers under {@link BODY_BYTES}, taken (the body is used after it), or
 * `undefined` when it offers none: read its body then.
 *
 * @example
 * const bytes = offeredBytes(request) ?? new Uint8Array(await request.arrayBuffer())
 */
export function offeredBytes(request: Request): Uint8Array | undefined {
  const offer = (request as { [BODY_BYTES]?: () => Uint8Array | undefined })[BODY_BYTES]
  return offer?.call(request)
}

/**
 * A JSON response an adapter can write without building a WHATWG `Response`: see
 * {@link lightParts}. It answers `status` itself; anything else (`headers`, `body`, `json()`,
 * `clone()`...) builds the real response, as `jsonResponse` makes it, and answers from that.
 * Only give it to a caller that asked for it ({@link TAKES_LIGHT_RESPONSE}), and to anyone else
 * its {@link realResponse}. `headers`, lower-case, name the `content-type` (default:
 * `application/json` alone).
 *
 * @example
 * const headers = { 'content-type': 'application/json', location: `subscriptions/${id}` }
 * const response = lightJsonResponse({ id }, 201, headers)
 * lightParts(response) // { status: 201, headers, text: '{"id":...}' }
 */
export function lightJsonResponse(
  body: unknown,
  status = 200,
  headers: Readonly<Record<string, string>> = JSON_HEADERS,
): Response {
  return new LightResponse({ status, headers, text: JSON.stringify(body) }) as unknown as Response
}

/**
 * The parts of a {@link lightJsonResponse} nobody has turned into a real `Response` yet (once
 * anyone has, it may have been changed or read: write the real one), else `undefined`.
 *
 * @example
 * const parts = lightParts(response)
 * if (parts) nodeResponse.writeHead(parts.status, parts.headers).end(parts.text)
 */
export function lightParts(response: Response): LightParts | undefined {
  return (response as { [PARTS]?: LightParts | undefined })[PARTS]
}

/**
 * The real `Response` of a {@link lightJsonResponse}; any other response as it is.
 *
 * @example
 * return takesLight ? response : realResponse(response)
 */
export function realResponse(response: Response): Response {
  return response instanceof LightResponse ? response.materialise() : response
}

/**
 * Completes a stand-in class for a platform class (`Request`, `Response`, `Headers`): every
 * member of `base`'s prototype the stand-in does not define itself is answered by the real
 * object its `materialise()` builds, and the stand-in's prototype is chained to `base`'s, so
 * instances are `instanceof base`.
 *
 * @example
 * class LazyThing { materialise() { return new Response('') } }
 * forwardToReal(LazyThing, Response)
 * new LazyThing() instanceof Response // true
 */
export function forwardToReal(
  standIn: { prototype: { materialise(): object } },
  base: { prototype: object },
): void {
  const prototype = standIn.prototype
  for (const key of Reflect.ownKeys(base.prototype)) {
    if (key === 'constructor' || key === Symbol.toStringTag) continue
    if (Object.hasOwn(prototype, key)) continue
    const descriptor = Object.getOwnPropertyDescriptor(base.prototype, key)
    if (!descriptor) continue
    if (descriptor.get) {
      Object.defineProperty(prototype, key, {
        get(this: { materialise(): object }) {
          return Reflect.get(this.materialise(), key)
        },
      })
    } else if (typeof descriptor.value === 'function') {
      Object.defineProperty(prototype, key, {
        value(this: { materialise(): object }, ...args: unknown[]) {
          const real = this.materialise()
          return (Reflect.get(real, key) as (...args: unknown[]) => unknown).apply(real, args)
        },
      })
    }
  }
  Object.setPrototypeOf(prototype, base.prototype)
}

class LightResponse {
  readonly #parts: LightParts
  #real: Response | undefined

  constructor(parts: LightParts) {
    this.#parts = parts
  }

  get status(): number {
    return this.#parts.status
  }

  get [PARTS](): LightParts | undefined {
    return this.#real ? undefined : this.#parts
  }

  /** The real `Response`, built on first need; from then on every member answers from it. */
  materialise(): Response {
    const parts = this.#parts
    this.#real ??= jsonTextResponse(parts.text, parts.status, parts.headers)
    return this.#real
  }
}

forwardToReal(LightResponse, Response)
