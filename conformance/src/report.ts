/** The levels of the server suite, in the order they run. */
export const levels = [
  'core',
  'crud',
  'signing',
  'security',
  'handshake',
  'recovery',
  'routing',
] as const

/**
 * A group of server-suite cases: `core`, `crud`, `signing`, `security`, `handshake`, `recovery`
 * (the message log, redeliver, replay, secret rotation and test events) or `routing` (event
 * patterns and payload filters); the last two are skipped, saying why, by a server without them.
 */
export type Level = (typeof levels)[number]

/**
 * How one case ended: `not-checked` is a case that could have run but found nothing to check
 * against (the SSRF cases without an instance that refuses private targets): neither a pass nor a
 * skip, and counted apart so a summary never hides it.
 */
export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'not-checked'

/**
 * The result of one case: on failure what the protocol asks for (`expected`) and what the target
 * did (`seen`); when skipped, why (`reason`).
 */
export interface CaseResult {
  /** Stable id, `<level>.<name>` (`core.retry`). */
  id: string
  /** The level for server cases, `receiver` for receiver cases. */
  level: Level | 'receiver'
  /** What the target must do, as a sentence. */
  title: string
  status: CaseStatus
  durationMs: number
  /** Why the case failed, was skipped or was not checked. */
  reason?: string
  expected?: string
  seen?: string
}

/**
 * The structured report of a suite run; `ok` is `true` when no case failed.
 *
 * @example
 * const report = await runServerSuite(options)
 * if (!report.ok) console.log(formatReport(report))
 */
export interface SuiteReport {
  suite: 'server' | 'receiver'
  /** The URL the suite ran against. */
  target: string
  results: CaseResult[]
  passed: number
  failed: number
  skipped: number
  /** Cases that found nothing to check against (see {@link CaseStatus}). */
  notChecked: number
  durationMs: number
  ok: boolean
}

/**
 * A progress event, sent before and after each case of a run.
 *
 * @example
 * onProgress: (p) => p.type === 'start' && console.error(`[${p.index + 1}/${p.total}] ${p.title}`)
 */
export type Progress =
  | { type: 'start'; index: number; total: number; id: string; title: string }
  | { type: 'end'; index: number; total: number; result: CaseResult }

/**
 * The summary line of a report: `N passed, N failed`, plus `, N skipped` and `, N not checked`
 * when any case was.
 *
 * @example
 * summaryLine(report) // '21 passed, 0 failed, 2 skipped, 28 not checked'
 */
export function summaryLine(
  report: Pick<SuiteReport, 'passed' | 'failed' | 'skipped'> & { notChecked?: number },
): string {
  let line = `${report.passed} passed, ${report.failed} failed`
  if (report.skipped > 0) line += `, ${report.skipped} skipped`
  if ((report.notChecked ?? 0) > 0) line += `, ${report.notChecked} not checked`
  return line
}

const marks: Record<CaseStatus, string> = {
  passed: 'pass',
  failed: 'FAIL',
  skipped: 'skip',
  'not-checked': 'none',
}

/**
 * One readable line (or a few, for a failure) per case.
 *
 * @example
 * formatResult(result) // 'pass  core.retry  retries a delivery its receiver answered 500 (212 ms)'
 */
export function formatResult(result: CaseResult): string {
  const line = `${marks[result.status]}  ${result.id}  ${result.title} (${result.durationMs} ms)`
  if (result.status === 'skipped') return `${line}\n        skipped: ${result.reason ?? ''}`
  if (result.status === 'not-checked') return `${line}\n        not checked: ${result.reason ?? ''}`
  if (result.status === 'passed') return line
  const details = [`        ${result.reason ?? 'failed'}`]
  if (result.expected !== undefined) details.push(`        expected: ${result.expected}`)
  if (result.seen !== undefined) details.push(`        seen:     ${result.seen}`)
  return [line, ...details].join('\n')
}

/**
 * The whole report as text: a header, one entry per case, the summary line last.
 *
 * @example
 * console.log(formatReport(await runReceiverSuite({ url, secret })))
 */
export function formatReport(report: SuiteReport): string {
  return [
    `rh-conformance ${report.suite} suite against ${report.target}`,
    '',
    ...report.results.map(formatResult),
    '',
    summaryLine(report),
  ].join('\n')
}
