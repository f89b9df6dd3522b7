/**
 * What went wrong, as a stable code:
 * - `case_failed`: a case saw something else than the protocol asks for (`expected`, `seen`);
 * - `case_skipped`: a case cannot run against this target (`detail` says why);
 * - `case_not_checked`: a case found nothing to check against (SSRF refusals without an instance
 *   that refuses private targets): reported and counted as not checked;
 * - `unreachable`: the server under test does not answer at all (the reachability preflight);
 * - `timeout`: something the case waited for did not happen in time (`expected`, `seen`);
 * - `trigger_failed`: the trigger URL or command did not make the server emit an event;
 * - `invalid_options`: the suite was called with options it cannot run with.
 */
export type ConformanceErrorCode =
  | 'case_failed'
  | 'case_skipped'
  | 'case_not_checked'
  | 'unreachable'
  | 'timeout'
  | 'trigger_failed'
  | 'invalid_options'

/**
 * The one error class of @rh/conformance. A case throws it to fail (or skip) with what it
 * expected and what it saw; the runner turns it into the case's result.
 *
 * @example
 * throw new ConformanceError('case_failed', 'wrong status', { expected: '201', seen: '200' })
 */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError'
  readonly code: ConformanceErrorCode
  readonly expected: string | undefined
  readonly seen: string | undefined

  constructor(
    code: ConformanceErrorCode,
    message: string,
    options: { expected?: string; seen?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.code = code
    this.expected = options.expected
    this.seen = options.seen
  }
}
