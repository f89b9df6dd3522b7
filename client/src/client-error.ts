import type { Problem, ProblemCode } from '@rh/protocol'

/**
 * The codes an {@link RhClientError} carries besides the server's problem codes:
 *
 * | code               | when                                                                  |
 * | ------------------ | --------------------------------------------------------------------- |
 * | `http_error`       | an error status whose body is not an RFC 9457 problem (HTML, text...) |
 * | `invalid_response` | a success status whose body is not JSON or not the documented shape   |
 * | `network_error`    | no response: connection refused, reset, DNS, TLS                       |
 * | `timeout`          | no response within the client's `timeout`                             |
 * | `aborted`          | the caller's `AbortSignal` fired                                      |
 * | `unsupported`      | the call does not exist in the chosen server profile                  |
 * | `gone`             | a receiver handler asks the sender to drop the subscription (410)      |
 *
 * @example
 * if (error instanceof RhClientError && error.code === 'timeout') retryLater()
 */
export const clientErrorCodes = {
  http_error: 'the server answered an error status without a problem+json body',
  invalid_response:
    'the server answered a success status with a body that is not the documented shape',
  network_error: 'no response arrived: the connection failed',
  timeout: 'no response arrived within the timeout',
  aborted: "the caller's AbortSignal aborted the request",
  unsupported: 'the call is not supported by the server profile',
  gone: 'the receiver no longer wants this subscription',
} as const

/**
 * A stable code of {@link RhClientError}: a client-side code of {@link clientErrorCodes} or the
 * `code` of the server's problem document (a {@link ProblemCode}, or a code a newer server added).
 */
export type RhClientErrorCode = keyof typeof clientErrorCodes | ProblemCode | (string & {})

/** What an {@link RhClientError} is built from. */
export interface RhClientErrorOptions {
  /** The HTTP status, when a response arrived. */
  status?: number | undefined
  /** The parsed problem document, when the server sent one. */
  problem?: Problem | undefined
  cause?: unknown
}

/**
 * The one error class of `@rh/client`. `code` is stable (match on it, never on the message),
 * `status` is the HTTP status when a response arrived, `detail` says what happened for humans,
 * `problem` is the server's RFC 9457 document when it sent one, `cause` the underlying error.
 *
 * @example
 * try {
 *   await client.get('sub_01J9Z8Q4B7M2X5R8T1V3W6Y9AC')
 * } catch (error) {
 *   if (error instanceof RhClientError && error.code === 'not_found') return null
 *   throw error
 * }
 */
export class RhClientError extends Error {
  override readonly name = 'RhClientError'
  readonly code: RhClientErrorCode
  readonly status: number | undefined
  readonly detail: string
  readonly problem: Problem | undefined

  constructor(code: RhClientErrorCode, detail: string, options: RhClientErrorOptions = {}) {
    const prefix = options.status === undefined ? code : `${options.status} ${code}`
    super(
      `${prefix}: ${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.code = code
    this.status = options.status
    this.detail = detail
    this.problem = options.problem
  }
}

/**
 * Whether `value` is an {@link RhClientError}, also across copies of the package (ESM and CJS
 * both loaded), where `instanceof` fails.
 *
 * @example
 * if (isRhClientError(error) && error.status === 404) return null
 */
export function isRhClientError(value: unknown): value is RhClientError {
  return (
    value instanceof RhClientError ||
    (value instanceof Error && value.name === 'RhClientError' && 'code' in value)
  )
}
