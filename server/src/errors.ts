import {
  type FieldIssue,
  type Problem,
  type ProblemCode,
  problemCodes,
  problemType,
} from '@rh/protocol'

/**
 * The one error class of @rh/server. Its `code` is a problem code of @rh/protocol, which fixes
 * the HTTP status; the handler renders it as RFC 9457 problem+json in one place.
 *
 * @example
 * throw new ResthooksError('target_refused', 'target_url resolves to a private address (10.0.0.1)')
 */
export class ResthooksError extends Error {
  override readonly name = 'ResthooksError'
  readonly code: ProblemCode
  readonly status: number
  readonly errors: FieldIssue[] | undefined

  constructor(
    code: ProblemCode,
    detail: string,
    options: { cause?: unknown; errors?: FieldIssue[] } = {},
  ) {
    super(detail, { cause: options.cause })
    this.code = code
    this.status = problemCodes[code].status
    this.errors = options.errors
  }

  /** The problem document this error is rendered as. */
  toProblem(): Problem {
    return {
      type: problemType(this.code),
      title: problemCodes[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    }
  }
}
