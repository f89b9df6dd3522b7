import { ConformanceError } from './errors'
import type { CaseResult, Level, Progress, SuiteReport } from './report'

/** What a case may register while it runs: cleanups, run after it whatever its outcome. */
export interface CaseScope {
  /** Runs `cleanup` after the case, newest first; its errors are ignored. */
  defer(cleanup: () => unknown): void
}

/** One case of a suite: an id, a sentence, and the check itself. */
export interface SuiteCase<TContext> {
  id: string
  level: Level | 'receiver'
  title: string
  run(context: TContext, scope: CaseScope): Promise<void>
}

/** Options of {@link runCases}. */
export interface RunCasesOptions {
  onProgress?: ((progress: Progress) => void) | undefined
  now?: (() => number) | undefined
}

/**
 * Runs cases one after the other and turns each outcome into a {@link CaseResult}: a
 * `ConformanceError` carries `expected` / `seen` (or a skip reason); any other error fails the
 * case with its message.
 *
 * @example
 * const results = await runCases(cases, context, { onProgress: console.error })
 */
export async function runCases<TContext>(
  cases: readonly SuiteCase<TContext>[],
  context: TContext,
  options: RunCasesOptions = {},
): Promise<CaseResult[]> {
  const now = options.now ?? Date.now
  const results: CaseResult[] = []
  for (const [index, suiteCase] of cases.entries()) {
    const { id, level, title } = suiteCase
    options.onProgress?.({ type: 'start', index, total: cases.length, id, title })
    const cleanups: (() => unknown)[] = []
    const started = now()
    let outcome: Omit<CaseResult, 'id' | 'level' | 'title' | 'durationMs'>
    try {
      await suiteCase.run(context, { defer: (cleanup) => cleanups.push(cleanup) })
      outcome = { status: 'passed' }
    } catch (error) {
      outcome = toOutcome(error)
    }
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup()
      } catch {
        // A cleanup that fails (the subscription is already gone) changes nothing in the verdict.
      }
    }
    const result: CaseResult = { id, level, title, durationMs: now() - started, ...outcome }
    results.push(result)
    options.onProgress?.({ type: 'end', index, total: cases.length, result })
  }
  return results
}

function toOutcome(error: unknown): Omit<CaseResult, 'id' | 'level' | 'title' | 'durationMs'> {
  if (error instanceof ConformanceError) {
    if (error.code === 'case_skipped') return { status: 'skipped', reason: error.message }
    if (error.code === 'case_not_checked') return { status: 'not-checked', reason: error.message }
    return {
      status: 'failed',
      reason: error.message,
      ...(error.expected === undefined ? {} : { expected: error.expected }),
      ...(error.seen === undefined ? {} : { seen: error.seen }),
    }
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { status: 'failed', reason }
}

/**
 * Counts the results into a {@link SuiteReport}.
 *
 * @example
 * const report = buildReport('receiver', url, results, 1234)
 */
export function buildReport(
  suite: SuiteReport['suite'],
  target: string,
  results: CaseResult[],
  durationMs: number,
): SuiteReport {
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length
  const failed = count('failed')
  return {
    suite,
    target,
    results,
    passed: count('passed'),
    failed,
    skipped: count('skipped'),
    notChecked: count('not-checked'),
    durationMs,
    ok: failed === 0,
  }
}
