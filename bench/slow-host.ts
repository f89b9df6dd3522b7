import { collectResults } from './collect-results'
import { countingQueue } from './counting-queue'
import { compare, type Figure } from './figure'
import { benchPayload } from './payload'
import type { TableStats } from './pg-table-stats'
import { createRhSystem, type RhSystem } from './rh-system'
import { startReceiver } from './start-receiver'
import { type BenchStorage, openStorage, type StorageKind } from './storage'
import { notifyMany, withCleanUp } from './with-deadline'

/** Options of {@link runSlowHostBench}. */
export interface SlowHostBenchOptions {
  /** Notifications queued for the slow host at once, at the start. Default 2,000. */
  backlog?: number
  /** How long the receiver takes to answer each delivery, in ms. Default 200. */
  answerMs?: number
  /** How long the backlog is watched (unless it is all delivered sooner), in ms. Default 20,000. */
  watchMs?: number
  /** Storages rh runs on. Default memory, sqlite and postgres. */
  storages?: StorageKind[]
}

/** What one storage did with the slow host's backlog in the watched time. */
export interface SlowHostCase {
  kind: StorageKind
  delivered: number
  perSecond: number
  /** Jobs the engine claimed and put back to the queue (`reschedule` calls): a write each. */
  putBacks: number
  claims: number
  /** PostgreSQL: rh's tables at the end of the watch; `null` on other storages. */
  tables: TableStats[] | null
}

/** What {@link runSlowHostBench} measured. */
export interface SlowHostBenchResult {
  backlog: number
  answerMs: number
  watchMs: number
  /** What the host takes at rh's defaults: `perHost` (8) answers every `answerMs`, per second. */
  capacity: number
  cases: SlowHostCase[]
  figures: Figure[]
}

/** rh's default `perHost`: what the slow host can be sent at once. */
const PER_HOST = 8

/** The share of the slow host's capacity rh must keep it busy with. */
const GOAL = 0.9

/**
 * A receiver that answers each delivery after `answerMs` (slow, but up), with a backlog far beyond
 * what its line holds, rh at its defaults: how well rh keeps the host at its `perHost` limit,
 * and how many queue writes its overflow costs (each claimed job that does not fit the host's
 * line goes back to the queue, booked at the host's pace; issue 17's collapse was one put-back
 * per job every few ms). On PostgreSQL the report adds the tables' updates and dead rows, which
 * are what such writes leave behind with autovacuum off.
 *
 * @example
 * const result = await runSlowHostBench({ backlog: 200, watchMs: 2_000, storages: ['memory'] })
 */
export async function runSlowHostBench(
  options: SlowHostBenchOptions = {},
): Promise<SlowHostBenchResult> {
  const backlog = options.backlog ?? 2000
  const answerMs = options.answerMs ?? 200
  const watchMs = options.watchMs ?? 20_000
  const storages = options.storages ?? ['memory', 'sqlite', 'postgres']
  const capacity = (PER_HOST * 1000) / answerMs
  const payload = await benchPayload()
  const receiver = await startReceiver()
  const slowUrl = receiver.url.replace(/\/hook$/, `/slow?ms=${answerMs}`)
  const opened: Array<{ storage: BenchStorage; rh: RhSystem }> = []
  const run = async (): Promise<SlowHostBenchResult> => {
    const cases: SlowHostCase[] = []
    for (const kind of storages) {
      const storage = await openStorage(kind)
      const counting = countingQueue(storage.queue)
      const rh = createRhSystem({ ...storage, queue: counting.queue }, { secret: payload.secret })
      opened.push({ storage, rh })
      await rh.subscribe([slowUrl], 1)
      const start = performance.now()
      const seen = collectResults(rh.rh, backlog, watchMs, (outcome) => outcome === 'delivered')
      await notifyMany(backlog, 64, () => rh.notify(payload.data))
      const { counted } = await seen
      const seconds = (performance.now() - start) / 1000
      const calls = counting.counts()
      cases.push({
        kind,
        delivered: counted,
        perSecond: Math.round(counted / seconds),
        putBacks: calls.reschedule ?? 0,
        claims: calls.claim ?? 0,
        tables: storage.tableStats ? await storage.tableStats() : null,
      })
      // Closed now: the rest of its backlog must not share the receiver with the next case.
      await rh.close()
      await storage.dispose()
      opened.pop()
    }
    const figures: Figure[] = []
    for (const c of cases) {
      figures.push(
        compare(
          'slow-host',
          `rh, ${c.kind}, defaults, receiver answering in ${answerMs} ms`,
          c.perSecond,
          'deliveries/s',
          { name: `its capacity (${PER_HOST} / ${answerMs} ms)`, value: capacity },
          GOAL,
        ),
        {
          bench: 'slow-host',
          name: `rh, ${c.kind}, put-back writes per delivery`,
          value: Math.round((c.putBacks / Math.max(1, c.delivered)) * 10) / 10,
          unit: 'writes',
          baseline: null,
          ratio: null,
          goal: null,
          lowerIsBetter: true,
        },
      )
    }
    return { backlog, answerMs, watchMs, capacity, cases, figures }
  }
  return withCleanUp(run, [
    ['rh close', () => Promise.all(opened.map(({ rh }) => rh.close()))],
    ['storage dispose', () => Promise.all(opened.map(({ storage }) => storage.dispose()))],
    ['receiver close', () => receiver.close()],
  ])
}
