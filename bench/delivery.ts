import { type Baseline, fetchBaseline, undiciBaseline } from './baselines'
import { compare, type Figure } from './figure'
import { benchPayload } from './payload'
import type { TableStats } from './pg-table-stats'
import { openRhCase, type RhCase, type RhRound } from './rh-case'
import { runtimeInfo } from './runtime'
import { type Receiver, startReceiver } from './start-receiver'
import type { StorageKind } from './storage'
import { best, type Throughput } from './throughput'
import { withCleanUp } from './with-deadline'

/** Options of {@link runDeliveryBench}. */
export interface DeliveryBenchOptions {
  /** Deliveries per measurement. Default 20 000. */
  requests?: number
  /** Requests in flight at once for the matched case (rh `perHost`/`global`, baseline). Default 64. */
  inFlight?: number
  /** Storages rh runs on. Default memory, sqlite and postgres. */
  storages?: StorageKind[]
  /** Measurements of each case, interleaved; every round is reported. Default 3. */
  rounds?: number
  /** Envelope size in bytes. Default 300. */
  bodyBytes?: number
  /**
   * Unmeasured deliveries first, once per case (JIT, connections, heap sizing). Default as many as
   * are measured (at least 500): rh's engine is far more code than a client loop and is still
   * speeding up after a few thousand deliveries, and a steady state is what a server runs in.
   */
  warmUp?: number
  /** Also measure rh with its defaults (perHost 8) against a loop with 8 in flight. Default true. */
  defaults?: boolean
  /** A burst of N that takes over `30 s + N x msPerDelivery` is cut and reported. Default 2. */
  msPerDelivery?: number
}

/** What {@link runDeliveryBench} measured (rates are the best round; `rounds` has them all). */
export interface DeliveryBenchResult {
  requests: number
  inFlight: number
  bodyBytes: number
  /** undici `request` + Pool on Node; the runtime's fetch on Bun and Deno; `inFlight` at once. */
  baseline: Throughput
  /** Further loops for reference (global fetch on Node). */
  references: Throughput[]
  /** rh per storage at `perHost: inFlight`: from the first `notify` to the last delivery result. */
  rh: Partial<Record<StorageKind, Throughput>>
  /** The baseline loop with rh's default 8 in flight; `null` without `defaults`. */
  defaultsBaseline: Throughput | null
  /** rh per storage with its default concurrency. */
  defaults: Partial<Record<StorageKind, RhRound>>
  /** Every round of every case, by case name, in order (a cut round ends its case). */
  rounds: Record<string, Array<Throughput | RhRound>>
  /** PostgreSQL cases: rh's tables after the last round, by case name. */
  tables: Record<string, TableStats[]>
  figures: Figure[]
}

/** The goal per storage at matched concurrency, as a ratio to the baseline. */
const goals: Record<StorageKind, number | null> = {
  memory: 0.8,
  sqlite: 0.5,
  'sqlite-normal': null,
  postgres: null,
}

/** Goals of issue 17 for rh's defaults: rate against 8 in flight, CPU against `perHost: 64`. */
const DEFAULTS_GOAL = 0.9
const DEFAULTS_CPU_CEILING = 1.2

/**
 * Delivery throughput: rh's `notify` (one subscription, one notification per delivery, signed
 * per attempt) to a receiver in a separate process, against plain HTTP client loops sending the
 * same bytes to the same receiver with the same number in flight: 64 for rh at `perHost: 64`,
 * 8 for rh with its defaults.
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
  const withDefaults = options.defaults ?? true
  const payload = await benchPayload(options.bodyBytes ?? 300)
  const receiver = await startReceiver()
  const warmUp = options.warmUp ?? Math.max(500, requests)
  const base = { urls: [receiver.url], payload }
  const node = runtimeInfo().runtime === 'node'
  const loop = node ? undiciBaseline : fetchBaseline
  const loops: Baseline[] = []
  const open: RhCase[] = []
  const run = async (): Promise<DeliveryBenchResult> => {
    loops.push(await loop({ ...base, inFlight }))
    if (node) loops.push(await fetchBaseline({ ...base, inFlight }))
    if (withDefaults) loops.push(await loop({ ...base, inFlight: 8 }))
    const loopName = (i: number) => (withDefaults && i === loops.length - 1 ? ' (8)' : '')
    for (const l of loops) await l.run(warmUp)
    // Like the baselines' pools, each rh case is built and warmed once and measured in every
    // round: a server runs one engine for its lifetime, not a fresh one per burst.
    const concurrency = { global: inFlight, perHost: inFlight }
    for (const kind of storages) {
      const common = { kind, receiver, payload, notifiers: inFlight }
      const msPerDelivery = options.msPerDelivery ?? 2
      open.push(await openRhCase({ ...common, concurrency, msPerDelivery }))
      if (withDefaults) open.push(await openRhCase({ ...common, msPerDelivery }))
    }
    const all: Record<string, Array<Throughput | RhRound>> = {}
    const tables: Record<string, TableStats[]> = {}
    const active = new Set<RhCase>()
    const retire = async (rhCase: RhCase) => {
      active.delete(rhCase)
      const stats = await rhCase.tableStats()
      if (stats) tables[rhCase.name] = stats
      await rhCase.close()
      open.splice(open.indexOf(rhCase), 1)
    }
    for (const rhCase of [...open]) {
      const warm = await rhCase.measure(warmUp)
      if (warm.completed) active.add(rhCase)
      else {
        all[rhCase.name] = [{ ...warm, name: `${rhCase.name}, warm-up` }]
        await retire(rhCase)
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const [i, l] of loops.entries()) {
        const figure = await countedLoop(receiver, requests, () => l.run(requests))
        const name = `${figure.name}${loopName(i)}`
        all[name] = [...(all[name] ?? []), { ...figure, name }]
      }
      for (const rhCase of [...active]) {
        const measured = await rhCase.measure(requests)
        all[rhCase.name] = [...(all[rhCase.name] ?? []), measured]
        if (!measured.completed) await retire(rhCase)
      }
    }
    for (const rhCase of [...open]) await retire(rhCase)
    const bestOf = (name: string) => all[name]?.reduce(best)
    const [baseline, ...references] = loops
      .slice(0, node ? 2 : 1)
      .map((l) => bestOf(l.name) as Throughput)
    if (!baseline) throw new Error('no baseline measured')
    const defaultsBaseline = withDefaults ? (bestOf(`${baseline.name} (8)`) ?? null) : null
    const rh: DeliveryBenchResult['rh'] = {}
    const defaults: DeliveryBenchResult['defaults'] = {}
    const figures: Figure[] = []
    for (const kind of storages) {
      const matched = bestOf(`rh (${kind}, perHost ${inFlight})`)
      if (matched) rh[kind] = matched
      figures.push(
        compare(
          'delivery',
          `rh, ${kind} queue`,
          matched?.perSecond ?? 0,
          'deliveries/s',
          {
            name: baseline.name,
            value: baseline.perSecond,
          },
          goals[kind],
        ),
      )
    }
    for (const kind of withDefaults ? storages : []) {
      const own = bestOf(`rh (${kind}, defaults)`) as RhRound | undefined
      if (own) defaults[kind] = own
      const cut = own && !own.completed ? ' (cut)' : ''
      figures.push(
        compare(
          'delivery',
          `rh, ${kind}, defaults${cut}`,
          own?.perSecond ?? 0,
          'deliveries/s',
          {
            name: `${baseline.name} (8)`,
            value: defaultsBaseline?.perSecond ?? 0,
          },
          DEFAULTS_GOAL,
        ),
      )
      const cpu = own?.cpuMicros ?? null
      const matchedCpu = rh[kind]?.cpuMicros ?? null
      if (cpu !== null && matchedCpu !== null) {
        figures.push({
          ...compare(
            'delivery',
            `rh, ${kind}, defaults CPU/delivery`,
            cpu,
            'µs CPU',
            {
              name: `perHost ${inFlight}`,
              value: matchedCpu,
            },
            DEFAULTS_CPU_CEILING,
          ),
          lowerIsBetter: true,
        })
      }
    }
    for (const reference of references) {
      figures.push(
        compare('delivery', `${reference.name} (reference)`, reference.perSecond, 'req/s', {
          name: baseline.name,
          value: baseline.perSecond,
        }),
      )
    }
    return {
      requests,
      inFlight,
      bodyBytes: payload.body.length,
      baseline,
      references,
      rh,
      defaultsBaseline,
      defaults,
      rounds: all,
      tables,
      figures,
    }
  }
  return withCleanUp(run, [
    ['rh close', () => Promise.all(open.map((rhCase) => rhCase.close()))],
    ['baseline close', () => Promise.all(loops.map((l) => l.close()))],
    ['receiver close', () => receiver.close()],
  ])
}

/** Runs a loop and checks the receiver saw exactly its requests. */
export async function countedLoop(
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
