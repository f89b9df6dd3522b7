import { type Baseline, fetchBaseline, undiciBaseline } from './baselines'
import { compare, type Figure } from './figure'
import { type BenchPayload, benchPayload } from './payload'
import { createRhSystem } from './rh-system'
import { runtimeInfo } from './runtime'
import { type Receiver, startReceiver } from './start-receiver'
import { openStorage, type StorageKind } from './storage'
import { best, stopwatch, type Throughput } from './throughput'
import { notifyMany, withCleanUp, withDeadline } from './with-deadline'

/** Options of {@link runDeliveryBench}. */
export interface DeliveryBenchOptions {
  /** Deliveries per measurement. Default 20 000. */
  requests?: number
  /** Requests in flight at once, for rh and the baselines. Default 64. */
  inFlight?: number
  /** Storages rh runs on. Default memory, sqlite and postgres. */
  storages?: StorageKind[]
  /** Measurements of each case, interleaved; the best counts (the machine is shared). Default 3. */
  rounds?: number
  /** Envelope size in bytes. Default 300. */
  bodyBytes?: number
  /**
   * Unmeasured deliveries first, once per case (JIT, connections, heap sizing). Default as many as
   * are measured (at least 500): rh's engine is far more code than a client loop and is still
   * speeding up after a few thousand deliveries, and a steady state is what a server runs in.
   */
  warmUp?: number
}

/** What {@link runDeliveryBench} measured. */
export interface DeliveryBenchResult {
  requests: number
  inFlight: number
  bodyBytes: number
  /** undici `request` + Pool on Node; the runtime's fetch on Bun and Deno. */
  baseline: Throughput
  /** Further loops for reference (global fetch on Node). */
  references: Throughput[]
  /** rh per storage: from the first `notify` to the last delivery result. */
  rh: Partial<Record<StorageKind, Throughput>>
  figures: Figure[]
}

/** The goal per storage, as a ratio to the baseline (PostgreSQL: reported, no goal). */
const goals: Record<StorageKind, number | null> = {
  memory: 0.8,
  sqlite: 0.5,
  'sqlite-normal': null,
  postgres: null,
}

/**
 * Delivery throughput: rh's `notify` (one subscription, one notification per delivery, signed
 * per attempt) to a receiver in a separate process, against plain HTTP client loops sending the
 * same bytes to the same receiver with the same number in flight.
 *
 * @example
 * const result = await runDeliveryBench({ requests: 500, storages: ['memory'], rounds: 1 })
 * console.log(result.figures)
 */
export async function runDeliveryBench(
  options: DeliveryBenchOptions = {},
): Promise<DeliveryBenchResult> {
  const requests = options.requests ?? 20_000
  const inFlight = options.inFlight ?? 64
  const storages = options.storages ?? ['memory', 'sqlite', 'postgres']
  const rounds = options.rounds ?? 3
  const payload = await benchPayload(options.bodyBytes ?? 300)
  const receiver = await startReceiver()
  const warmUp = options.warmUp ?? Math.max(500, requests)
  const base = { urls: [receiver.url], inFlight, payload }
  let loops: Baseline[] = []
  const systems: RhDelivery[] = []
  const run = async (): Promise<DeliveryBenchResult> => {
    loops = await Promise.all(
      runtimeInfo().runtime === 'node'
        ? [undiciBaseline(base), fetchBaseline(base)]
        : [fetchBaseline(base)],
    )
    for (const loop of loops) await loop.run(warmUp)
    // Like the baselines' pools, each rh system is built and warmed once and measured in every
    // round: a server runs one engine for its lifetime, not a fresh one per burst.
    for (const kind of storages)
      systems.push(await openRhDelivery(kind, receiver, payload, inFlight))
    for (const system of systems) await system.burst(warmUp)
    const measured: Throughput[][] = loops.map(() => [])
    const rh: Partial<Record<StorageKind, Throughput>> = {}
    for (let round = 0; round < rounds; round++) {
      for (const [i, loop] of loops.entries()) {
        measured[i]?.push(await countedLoop(receiver, requests, () => loop.run(requests)))
      }
      for (const system of systems) {
        rh[system.kind] = best(rh[system.kind], await system.measure(requests))
      }
    }
    const [baseline, ...references] = measured.map((runs) => runs.reduce(best) as Throughput)
    if (!baseline) throw new Error('no baseline measured')
    const figures = storages.map((kind) =>
      compare(
        'delivery',
        `rh, ${kind} queue`,
        (rh[kind] as Throughput).perSecond,
        'deliveries/s',
        { name: baseline.name, value: baseline.perSecond },
        goals[kind],
      ),
    )
    for (const reference of references) {
      figures.push(
        compare('delivery', `${reference.name} (reference)`, reference.perSecond, 'req/s', {
          name: baseline.name,
          value: baseline.perSecond,
        }),
      )
    }
    return { requests, inFlight, bodyBytes: payload.body.length, baseline, references, rh, figures }
  }
  return withCleanUp(run, [
    ...storages.map(
      (kind) =>
        [
          `rh (${kind}) close`,
          () => systems.find((s) => s.kind === kind)?.close() ?? Promise.resolve(),
        ] as const,
    ),
    ['baseline close', () => Promise.all(loops.map((loop) => loop.close()))],
    ['receiver close', () => receiver.close()],
  ])
}

/** Runs a loop and checks the receiver saw exactly its requests. */
async function countedLoop(
  receiver: Receiver,
  requests: number,
  loop: () => Promise<Throughput>,
): Promise<Throughput> {
  await receiver.reset()
  const figure = await loop()
  const { requests: seen } = await receiver.stats()
  if (seen !== requests) throw new Error(`${figure.name}: receiver saw ${seen} of ${requests}`)
  return figure
}

/** One storage's rh system, kept across rounds. */
interface RhDelivery {
  kind: StorageKind
  /** Notifies `count` times and waits for every result. */
  burst(count: number): Promise<{ delivered: number; other: number }>
  /** One measured burst of `requests`, checked against what the receiver saw. */
  measure(requests: number): Promise<Throughput>
  close(): Promise<void>
}

async function openRhDelivery(
  kind: StorageKind,
  receiver: Receiver,
  payload: BenchPayload,
  inFlight: number,
): Promise<RhDelivery> {
  const storage = await openStorage(kind)
  const rh = createRhSystem(storage, {
    secret: payload.secret,
    global: inFlight,
    perHost: inFlight,
  })
  const close = async () => {
    await rh.close()
    await storage.dispose()
  }
  const burst = async (count: number) => {
    const settled = rh.settled(count)
    await notifyMany(count, inFlight, () => rh.notify(payload.data))
    return withDeadline(settled, `rh (${kind})`, 60_000 + count * 10)
  }
  try {
    await rh.subscribe([receiver.url], 1)
  } catch (error) {
    await close()
    throw error
  }
  return {
    kind,
    burst,
    async measure(requests) {
      await receiver.reset()
      const watch = stopwatch()
      const { delivered, other } = await burst(requests)
      const figure = watch.stop(`rh (${kind})`, requests)
      const stats = await receiver.stats()
      if (other > 0 || stats.requests !== requests || stats.signed !== requests) {
        throw new Error(
          `rh (${kind}): ${delivered} delivered, ${other} not; receiver saw ${stats.requests} (${stats.signed} signed) of ${requests}`,
        )
      }
      if (stats.bytes !== requests * payload.body.length) {
        throw new Error(`rh (${kind}): bodies are not ${payload.body.length} bytes`)
      }
      return figure
    },
    close,
  }
}
