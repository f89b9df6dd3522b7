import { forwardToReal } from './forward-to-real'
import { jsonTextResponse } from './json-response'

/**
 * A request carrying this key, set to `true`, comes from a caller that writes
 * {@link lightJsonResponse}s itself (`@rh/server/node`'s adapter): the handler may answer it
 * one. Any other caller gets a real `Response`. `Symbol.for`, so every copy of the package
 * (ESM and CommonJS) agrees.
 */
export const TAKES_LIGHT_RESPONSE: unique symbol = Symbol.for('@rh/server.takes-light-response')

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
 * A JSON response a server adapter can write without building a WHATWG `Response` (its
 * `Headers`, a body stream, the bytes read back out of it), which costs more than a whole
 * route: see {@link lightParts}. It is an `instanceof Response` and answers `status` itself;
 * anything else (`headers`, `body`, `json()`, `clone()`...) builds the real response, as
 * `jsonResponse` makes it, and answers from that. The platform cannot take it apart:
 * only give it to a caller that asked for it ({@link TAKES_LIGHT_RESPONSE}), and to anyone
 * else its {@link realResponse}.
 *
 * `headers`, lower-case, name the `content-type` (default: `application/json` alone).
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
