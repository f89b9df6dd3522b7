import { ConformanceError } from './errors'

/**
 * A value as a short one-line string for a report's `expected` / `seen`.
 *
 * @example
 * show({ status: 500 }) // '{"status":500}'
 */
export function show(value: unknown, max = 300): string {
  let text: string
  if (typeof value === 'string') text = value
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * Fails the running case.
 *
 * @example
 * fail('the delivery is a POST', 'POST', request.method)
 */
export function fail(message: string, expected: string, seen: string): never {
  throw new ConformanceError('case_failed', message, { expected, seen })
}

/**
 * Skips the running case, saying why.
 *
 * @example
 * if (!context.api2) skip('needs a second credential (--auth2)')
 */
export function skip(reason: string): never {
  throw new ConformanceError('case_skipped', reason)
}

/**
 * Ends the running case as not checked, saying why: it could run, but found nothing to check.
 *
 * @example
 * if (!strict) notChecked('the server accepts private targets; give --strict-url')
 */
export function notChecked(reason: string): never {
  throw new ConformanceError('case_not_checked', reason)
}

/**
 * Fails the running case unless `condition` holds.
 *
 * @example
 * check(ids.size === 3, 'every subscription is listed once', '3 distinct ids', show([...ids]))
 */
export function check(
  condition: boolean,
  message: string,
  expected: string,
  seen: string,
): asserts condition {
  if (!condition) fail(message, expected, seen)
}
