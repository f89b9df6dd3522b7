import type { RhRound } from './rh-case'
import type { Throughput } from './throughput'

const n = (value: number) => value.toLocaleString('en-US')

/** Whether a measurement is an {@link RhRound} (it has queue calls and a completion flag). */
const isRhRound = (t: Throughput | RhRound): t is RhRound => 'completed' in t

/** Deliveries per second in each quarter of a burst of `count`, from its quarter times. */
export function quarterRates(count: number, quarters: number[]): number[] {
  return quarters.map((ms, i) => Math.round(count / 4 / ((ms - (quarters[i - 1] ?? 0)) / 1000)))
}

/**
 * One report line per case: every round's rate and CPU per delivery (not only the best), and
 * for rh the queue calls per delivery of the last round and the quarter rates within it.
 *
 * @example
 * formatRounds('rh (memory, defaults)', rounds) // 'rh (memory, defaults)  r1 9,512/s 98 µs, ...'
 */
export function formatRounds(name: string, rounds: Array<Throughput | RhRound>): string[] {
  const cells = rounds.map((t, i) => {
    const cut = isRhRound(t) && !t.completed ? ` TIMED OUT at ${n(t.requests)} delivered` : ''
    return `r${i + 1} ${n(t.perSecond)}/s${t.cpuMicros === null ? '' : ` ${t.cpuMicros} µs`}${cut}`
  })
  const lines = [`${name.padEnd(32)}${cells.join(', ')}`]
  const last = rounds.at(-1)
  if (last && isRhRound(last)) {
    const calls = Object.entries(last.queueCalls)
      .map(([method, perDelivery]) => `${method} ${perDelivery}`)
      .join(', ')
    lines.push(`${''.padEnd(32)}queue calls per delivery (last round): ${calls || 'none'}`)
    if (last.completed && last.quarters.length === 4) {
      const rates = quarterRates(last.requests, last.quarters).map(n).join(' / ')
      lines.push(`${''.padEnd(32)}per quarter of the last round: ${rates} /s`)
    }
  }
  return lines
}
