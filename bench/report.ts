import { type Figure, meetsGoal } from './figure'
import type { MachineInfo } from './machine'

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  machine: MachineInfo
  /** `true` when run with `--quick`: small sizes, figures are indicative only. */
  quick: boolean
  figures: Figure[]
  /** Further lines per benchmark (absolute numbers, sizes, the sign/verify table). */
  details: Record<string, string[]>
  /** Benchmarks that failed to run, with why. */
  errors: Record<string, string>
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`
const num = (n: number) => n.toLocaleString('en-US')

/**
 * The report as text: machine and runtime, then one line per figure (value, baseline, ratio,
 * goal), then each benchmark's details.
 *
 * @example
 * console.log(formatReport(report))
 */
export function formatReport(report: BenchReport): string {
  const m = report.machine
  const lines = [
    `rh benchmarks${report.quick ? ' (--quick: small sizes, indicative only)' : ''}`,
    `runtime  ${m.runtime} ${m.version}`,
    `machine  ${m.cpu}, ${m.cores} cores, ${gib(m.memoryBytes)} (${gib(m.freeMemoryBytes)} free), ${m.os}, load ${m.load}`,
    '',
    `${'bench'.padEnd(12)}${'figure'.padEnd(46)}${'value'.padStart(12)} ${'unit'.padEnd(15)}${'baseline'.padStart(24)}${'ratio'.padStart(8)}${'goal'.padStart(10)}`,
  ]
  for (const f of report.figures) {
    const ok = meetsGoal(f)
    const ceiling = f.baseline ? `<= ${f.goal?.toFixed(2)}x` : `< ${num(f.goal ?? 0)}`
    const goal = f.goal === null ? '' : f.lowerIsBetter ? ceiling : `>= ${f.goal.toFixed(2)}`
    const verdict = ok === null ? '' : ok ? ' ok' : ' MISS'
    const baseline = f.baseline ? `${f.baseline.name} ${num(f.baseline.value)}` : ''
    lines.push(
      `${f.bench.padEnd(12)}${f.name.padEnd(46)}${num(f.value).padStart(12)} ${f.unit.padEnd(15)}${baseline.padStart(24)}${(f.ratio === null ? '' : `${f.ratio.toFixed(2)}x`).padStart(8)}${goal.padStart(10)}${verdict}`,
    )
  }
  for (const [bench, detail] of Object.entries(report.details)) {
    if (detail.length === 0) continue
    lines.push('', `[${bench}]`, ...detail)
  }
  for (const [bench, error] of Object.entries(report.errors)) {
    lines.push('', `[${bench}] FAILED: ${error}`)
  }
  return lines.join('\n')
}
