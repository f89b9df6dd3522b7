import type { TelemetryOptions } from '@rh/server'
import { collectResults } from './collect-results'
import { countingQueue } from './counting-queue'
import type { BenchPayload } from './payload'
import type { TableStats } from './pg-table-stats'
import { createRhSystem } from './rh-system'
import type { Receiver } from './start-receiver'
import { openStorage, type StorageKind } from './storage'
import { stopwatch, type Throughput } from './throughput'
import { notifyMany } from './with-deadline'

/** One measured burst of an {@link RhCase}. */
export interface RhRound extends Throughput {
  /** `false` when the burst hit its deadline: `requests` is then what was delivered by then. */
  completed: boolean
  /** ms from the first `notify` until each quarter of the burst was delivered. */
  quarters: number[]
  /** Queue calls per delivery, per method (`claim`, `reschedule`, `complete`, ...). */
  queueCalls: Record<string, number>
}

/** Options of {@link openRhCase}. */
export interface RhCaseOptions {
  kind: StorageKind
  receiver: Receiver
  payload: BenchPayload
  /** rh's `concurrency`; omitted, its defaults (perHost 8, global 64). */
  concurrency?: { global: number; perHost: number }
  /** `notify` calls at once, as an app's request handlers would make them. Default 64. */
  notifiers?: number
  /** A burst of N gets `30 s + N x msPerDelivery` before it counts as collapsed. Default 2. */
  msPerDelivery?: number
  /** rh's `telemetry` (the `telemetry` bench), and the case's name for it. */
  telemetry?: { options: TelemetryOptions; name: string }
}

/** One storage and concurrency setting of rh, built once and measured in every round. */
export interface RhCase {
  name: string
  kind: StorageKind
  /** Notifies `count` times and measures until every delivery result (or the deadline). */
  measure(count: number): Promise<RhRound>
  /** PostgreSQL: its tables' size and dead rows now; `null` on other storages. */
  tableStats(): Promise<TableStats[] | null>
  close(): Promise<void>
}

/**
 * Builds rh over a fresh storage with one subscription to the receiver, its queue wrapped in a
 * {@link countingQueue} so each round reports the queue calls per delivery.
 *
 * @example
 * const rhCase = await openRhCase({ kind: 'memory', receiver, payload })
 * const round = await rhCase.measure(20_000)
 */
export async function openRhCase(options: RhCaseOptions): Promise<RhCase> {
  const { kind, receiver, payload } = options
  const name = `rh (${kind}, ${options.concurrency ? `perHost ${options.concurrency.perHost}` : 'defaults'}${options.telemetry ? `, ${options.telemetry.name}` : ''})`
  const storage = await openStorage(kind)
  const counting = countingQueue(storage.queue)
  const rh = createRhSystem(
    { ...storage, queue: counting.queue },
    {
      secret: payload.secret,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.telemetry ? { telemetry: options.telemetry.options } : {}),
    },
  )
  const close = async () => {
    await rh.close()
    await storage.dispose()
  }
  try {
    await rh.subscribe([receiver.url], 1)
  } catch (error) {
    await close()
    throw error
  }
  return {
    name,
    kind,
    async measure(count) {
      await receiver.reset()
      counting.reset()
      const watch = stopwatch()
      const deadline = 30_000 + count * (options.msPerDelivery ?? 2)
      const seen = collectResults(rh.rh, count, deadline)
      await notifyMany(count, options.notifiers ?? 64, () => rh.notify(payload.data))
      const { counted, other, completed, quarters } = await seen
      const figure = watch.stop(name, Math.max(1, counted))
      const calls = Object.entries(counting.counts()).map(
        ([method, n]) => [method, Math.round((n / Math.max(1, counted)) * 100) / 100] as const,
      )
      const round = { ...figure, completed, quarters, queueCalls: Object.fromEntries(calls) }
      if (!completed) return round
      const stats = await receiver.stats()
      if (other > 0 || stats.requests !== count || stats.signed !== count) {
        throw new Error(
          `${name}: ${counted - other} delivered, ${other} not; receiver saw ${stats.requests} (${stats.signed} signed) of ${count}`,
        )
      }
      if (stats.bytes !== count * payload.body.length) {
        throw new Error(`${name}: bodies are not ${payload.body.length} bytes`)
      }
      return round
    },
    tableStats: async () => (storage.tableStats ? storage.tableStats() : null),
    close,
  }
}
