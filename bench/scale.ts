import { runtimeBaseline } from './baselines'
import { countedLoop } from './delivery'
import { compare, type Figure } from './figure'
import { benchPayload } from './payload'
import type { TableStats } from './pg-table-stats'
import { openRhCase, type RhCase, type RhRound } from './rh-case'
import { startReceiver } from './start-receiver'
import type { StorageKind } from './storage'
import type { Throughput } from './throughput'
import { withCleanUp } from './with-deadline'

/** Options of {@link runScaleBench}. */
export interface ScaleBenchOptions {
  /** Burst sizes, each measured once per storage after a warm-up. Default 5k, 20k, 80k. */
  sizes?: number[]
  /** Default memory, sqlite and postgres. */
  storages?: StorageKind[]
  /** A burst of N that takes over `30 s + N x msPerDelivery` is cut and reported. Default 2. */
  msPerDelivery?: number
}

/** What {@link runScaleBench} measured. */
export interface ScaleBenchResult {
  sizes: number[]
  /** The baseline loop with 8 in flight, at each size. */
  baseline: Throughput[]
  /** rh with its defaults per storage: one round per size, in order (a cut round ends it). */
  rh: Partial<Record<StorageKind, RhRound[]>>
  /** PostgreSQL: rh's tables after the largest burst. */
  tables: TableStats[] | null
  figures: Figure[]
}

/** Issue 17: defaults at >= 0.9 of 8 in flight, flat across N. */
const GOAL = 0.9

/**
 * rh with its defaults (perHost 8) at growing bursts (the backlog grows with N, as `notify` runs
 * ahead of delivery), each against the baseline loop with 8 in flight at the same N: whether
 * throughput stays flat as the queue grows. Each round reports its quarters too.
 *
 * @example
 * const result = await runScaleBench({ sizes: [100, 200], storages: ['memory'] })
 */
export async function runScaleBench(options: ScaleBenchOptions = {}): Promise<ScaleBenchResult> {
  const sizes = options.sizes ?? [5000, 20_000, 80_000]
  const storages = options.storages ?? ['memory', 'sqlite', 'postgres']
  const payload = await benchPayload()
  const receiver = await startReceiver()
  const loop = await runtimeBaseline({ urls: [receiver.url], inFlight: 8, payload })
  const open: RhCase[] = []
  const run = async (): Promise<ScaleBenchResult> => {
    const warmUp = sizes[0] ?? 1000
    await loop.run(warmUp)
    const baseline: Throughput[] = []
    for (const size of sizes) {
      const figure = await countedLoop(receiver, size, () => loop.run(size))
      baseline.push({ ...figure, name: `${figure.name} (8)` })
    }
    const rh: ScaleBenchResult['rh'] = {}
    const figures: Figure[] = []
    let tables: TableStats[] | null = null
    for (const kind of storages) {
      const msPerDelivery = options.msPerDelivery ?? 2
      const rhCase = await openRhCase({ kind, receiver, payload, msPerDelivery })
      open.push(rhCase)
      const rounds: RhRound[] = []
      if ((await rhCase.measure(warmUp)).completed) {
        for (const [i, size] of sizes.entries()) {
          const round = await rhCase.measure(size)
          rounds.push(round)
          const cut = round.completed ? '' : ' (cut)'
          figures.push(
            compare(
              'scale',
              `rh, ${kind}, defaults, N = ${size}${cut}`,
              round.perSecond,
              'deliveries/s',
              {
                name: 'undici request (8)',
                value: baseline[i]?.perSecond ?? 0,
              },
              GOAL,
            ),
          )
          if (!round.completed) break
        }
      }
      rh[kind] = rounds
      tables = (await rhCase.tableStats()) ?? tables
      await rhCase.close()
      open.splice(open.indexOf(rhCase), 1)
    }
    return { sizes, baseline, rh, tables, figures }
  }
  return withCleanUp(run, [
    ['rh close', () => Promise.all(open.map((rhCase) => rhCase.close()))],
    ['baseline close', () => loop.close()],
    ['receiver close', () => receiver.close()],
  ])
}
