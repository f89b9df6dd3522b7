import { type CaseResult, type SuiteReport, summaryLine } from './report'

const xml = (text: string) =>
  text
    .replace(
      /[<>&"']/g,
      (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
    )
    // XML 1.0 has no place for other control characters.
    .replace(/./gsu, (c) => {
      const code = c.charCodeAt(0)
      return code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r' ? '' : c
    })

const details = (result: CaseResult) =>
  [
    result.reason,
    result.expected === undefined ? undefined : `expected: ${result.expected}`,
    result.seen === undefined ? undefined : `seen: ${result.seen}`,
  ]
    .filter((line) => line !== undefined)
    .join('\n')

/**
 * The report as JUnit XML, for CI test reporters: one `<testcase>` per case, `classname` its
 * level; a failure is `<failure>`, a skipped or not-checked case `<skipped>` with its reason
 * (a not-checked one prefixed `not checked:`).
 *
 * @example
 * await writeFile('conformance.xml', formatJUnit(report))
 */
export function formatJUnit(report: SuiteReport): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const cases = report.results.map((result) => {
    const open = `    <testcase classname="${xml(`rh-conformance.${result.level}`)}" name="${xml(`${result.id}: ${result.title}`)}" time="${seconds(result.durationMs)}"`
    if (result.status === 'passed') return `${open}/>`
    const inner =
      result.status === 'failed'
        ? `<failure message="${xml(result.reason ?? 'failed')}">${xml(details(result))}</failure>`
        : `<skipped message="${xml(`${result.status === 'not-checked' ? 'not checked: ' : ''}${result.reason ?? ''}`)}"/>`
    return `${open}>\n      ${inner}\n    </testcase>`
  })
  const skipped = report.skipped + report.notChecked
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rh-conformance" tests="${report.results.length}" failures="${report.failed}" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${xml(`rh-conformance ${report.suite} ${report.target}`)}" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ].join('\n')
}

/**
 * The report as TAP version 14: `ok`/`not ok` per case, `# SKIP` with the reason for skipped and
 * not-checked cases, a YAML block with what a failure expected and saw, the summary as a comment.
 *
 * @example
 * process.stdout.write(formatTap(report))
 */
export function formatTap(report: SuiteReport): string {
  const line = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/#/g, '\\#')
  const lines = ['TAP version 14', `1..${report.results.length}`]
  for (const [index, result] of report.results.entries()) {
    const name = `${index + 1} - ${line(`${result.id}: ${result.title}`)}`
    if (result.status === 'passed') lines.push(`ok ${name}`)
    else if (result.status === 'failed') {
      lines.push(`not ok ${name}`, '  ---')
      lines.push(`  message: ${JSON.stringify(result.reason ?? 'failed')}`)
      if (result.expected !== undefined)
        lines.push(`  expected: ${JSON.stringify(result.expected)}`)
      if (result.seen !== undefined) lines.push(`  seen: ${JSON.stringify(result.seen)}`)
      lines.push('  ...')
    } else {
      const what = result.status === 'not-checked' ? 'not checked: ' : ''
      lines.push(`ok ${name} # SKIP ${what}${line(result.reason ?? '')}`)
    }
  }
  lines.push(`# ${summaryLine(report)}`)
  return lines.join('\n')
}
