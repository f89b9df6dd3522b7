import { collectResults } from './collect-results'
import { compare, type Figure } from './figure'
import { type BenchPayload, benchPayload } from './payload'
import { createRhSystem, type RhSystem } from './rh-system'
import { type Receiver, startReceiver } from './start-receiver'
import { type BenchStorage, openStorage, type StorageKind } from './storage'
import { best, stopwatch, type Throughput } from './throughput'
import { notifyMany, withCleanUp } from './with-deadline'

/** Options of {@link runHangingHostBench}. */
export interface HangingHostBenchOptions {
  /** Deliveries to the healthy host per measurement. Default 5000. */
  requests?: number
  /** rh's attempt `timeout` in ms: how long the hanging host holds each attempt. Default 1000. */
  timeoutMs?: number
  storage?: StorageKind
  /** Measurements of each, interleaved (solo, then beside the hanging host). Default 3. */
  rounds?: number
}

/** What {@link runHangingHostBench} measured. */
export interface HangingHostBenchResult {
  requests: number
  timeoutMs: number
  /** The healthy host alone, every round. */
  solo: Throughput[]
  /** The healthy host's deliveries while every notification also goes to the hanging host. */
  beside: Throughput[]
  /** Attempts the hanging host received (and never answered), over all rounds. */
  hung: number
  figures: Figure[]
}

/** Issue 17: a hanging host must not starve a healthy one (>= 0.9 of its solo throughput). */
const GOAL = 0.9

/**
 * One hanging receiver host beside a healthy one, rh at its defaults: each notification goes to
 * both (jobs interleaved), and the healthy host's throughput is compared with its throughput
 * when it is alone. The hanging host holds each attempt until rh's `timeout`.
 *
 * @example
 * const result = await runHangingHostBench({ requests: 100, rounds: 1 })
 */
export async function runHangingHostBench(
  options: HangingHostBenchOptions = {},
): Promise<HangingHostBenchResult> {
  const requests = options.requests ?? 5000
  const timeoutMs = options.timeoutMs ?? 1000
  const rounds = options.rounds ?? 3
  const kind = options.storage ?? 'memory'
  const payload = await benchPayload()
  const receiver = await startReceiver({ ports: 2 })
  const hanging = (receiver.urls[1] as string).replace(/\/hook$/, '/hang')
  const opened: Array<{ storage: BenchStorage; rh: RhSystem }> = []
  const open = async (targets: string[]) => {
    const storage = await openStorage(kind)
    const rh = createRhSystem(storage, { secret: payload.secret, timeout: timeoutMs })
    opened.push({ storage, rh })
    await rh.subscribe(targets, targets.length)
    return rh
  }
  const run = async (): Promise<HangingHostBenchResult> => {
    const solo = await open([receiver.url])
    const beside = await open([receiver.url, hanging])
    await measure(solo, 'healthy host alone', receiver, payload, requests)
    await measure(beside, 'healthy host beside a hanging one', receiver, payload, requests)
    const all: Record<'solo' | 'beside', Throughput[]> = { solo: [], beside: [] }
    for (let round = 0; round < rounds; round++) {
      all.solo.push(await measure(solo, 'healthy host alone', receiver, payload, requests))
      all.beside.push(
        await measure(beside, 'healthy host beside a hanging one', receiver, payload, requests),
      )
    }
    // The healthy host may finish before the first attempt reaches the hanging one: wait for it,
    // so a run where the hanging host was never tried cannot pass for a good figure.
    const hung = await hungAttempts(receiver, 2 * timeoutMs)
    const soloBest = all.solo.reduce(best)
    const besideBest = all.beside.reduce(best)
    const figures = [
      compare(
        'hanging-host',
        `rh, ${kind}, defaults, healthy host beside a hanging one`,
        besideBest.perSecond,
        'deliveries/s',
        { name: 'healthy host alone', value: soloBest.perSecond },
        GOAL,
      ),
    ]
    return { requests, timeoutMs, solo: all.solo, beside: all.beside, hung, figures }
  }
  return withCleanUp(run, [
    ['rh close', () => Promise.all(opened.map(({ rh }) => rh.close()))],
    ['storage dispose', () => Promise.all(opened.map(({ storage }) => storage.dispose()))],
    ['receiver close', () => receiver.close()],
  ])
}

async function hungAttempts(receiver: Receiver, ms: number): Promise<number> {
  const until = performance.now() + ms
  let { hung } = await receiver.stats()
  while (hung === 0 && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    hung = (await receiver.stats()).hung
  }
  return hung
}

/** Notifies `requests` times and times the healthy host's `delivered` results. */
async function measure(
  rh: RhSystem,
  name: string,
  receiver: Receiver,
  payload: BenchPayload,
  requests: number,
): Promise<Throughput> {
  await receiver.reset()
  const watch = stopwatch()
  const seen = collectResults(rh.rh, requests, 30_000 + requests * 10, (o) => o === 'delivered')
  await notifyMany(requests, 64, () => rh.notify(payload.data))
  const { counted, completed } = await seen
  const figure = watch.stop(completed ? name : `${name} (cut)`, Math.max(1, counted))
  const stats = await receiver.stats()
  if (completed && stats.requests !== requests) {
    throw new Error(`${name}: receiver saw ${stats.requests} of ${requests}`)
  }
  return figure
}
