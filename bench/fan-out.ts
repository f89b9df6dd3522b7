import { type Baseline, runtimeBaseline } from './baselines'
import { compare, type Figure } from './figure'
import { BENCH_EVENT, type BenchPayload, benchPayload } from './payload'
import { createRhSystem, type RhSystem } from './rh-system'
import { type Receiver, startReceiver } from './start-receiver'
import { type BenchStorage, openStorage, type StorageKind } from './storage'
import { best, stopwatch, type Throughput } from './throughput'
import { withCleanUp, withDeadline } from './with-deadline'

/** Options of {@link runFanOutBench}. */
export interface FanOutBenchOptions {
  /** Subscriptions one notification goes to. Default 10 000. */
  subscriptions?: number
  /** Receiver ports, i.e. distinct target hosts. Default 8. */
  hosts?: number
  /**
   * Attempts in flight per host: rh's `perHost` (global `hosts x perHost`) and the baseline's
   * connections per origin. Default: rh's defaults (perHost 8, global 64), no option passed.
   */
  perHost?: number
  /** Where rh keeps subscriptions and deliveries. Default memory. */
  storages?: StorageKind[]
  /** Measurements of each, interleaved; every round is kept, the best is the figure. Default 3. */
  rounds?: number
  /**
   * Routing: the subscriptions name patterns taking the event instead of the event itself
   * (thirds `invoice.*`, `*`, and `invoice.paid` with `invoice.*`), so `match` looks up the
   * event's keys (`invoice.paid`, `invoice.*`, `*`) in the index. Default `false`.
   */
  patterns?: boolean
}

/** The i-th subscription's events in the patterns variant: every one takes `invoice.paid`. */
const PATTERN_EVENTS: readonly string[][] = [['invoice.*'], ['*'], [BENCH_EVENT, 'invoice.*']]

/** What {@link runFanOutBench} measured. */
export interface FanOutBenchResult {
  subscriptions: number
  hosts: number
  inFlight: number
  /** `true` when rh ran with its default concurrency. */
  defaults: boolean
  /** The runtime's baseline loop sending as many requests, round-robin over the same hosts. */
  baseline: Throughput
  /** Per storage, from `notify` (which matches and queues every delivery) to the last result. */
  rh: Partial<Record<StorageKind, Throughput>>
  /** Every round, by name. */
  rounds: Record<string, Throughput[]>
  figures: Figure[]
}

/** Issue 17: one notify to 10 000 subscriptions over 8 hosts at defaults, against the baseline. */
const DEFAULTS_GOAL = 0.9

/**
 * Fan-out: one `notify` to `subscriptions` subscriptions spread over `hosts` receiver ports,
 * against a loop sending the same number of requests over the same hosts and connections.
 *
 * @example
 * const result = await runFanOutBench({ subscriptions: 50, rounds: 1 })
 */
export async function runFanOutBench(options: FanOutBenchOptions = {}): Promise<FanOutBenchResult> {
  const subscriptions = options.subscriptions ?? 10_000
  const hosts = options.hosts ?? 8
  const defaults = options.perHost === undefined
  const perHost = options.perHost ?? 8
  const inFlight = defaults ? Math.min(64, hosts * perHost) : hosts * perHost
  const rounds = options.rounds ?? 3
  const payload = await benchPayload()
  const receiver = await startReceiver({ ports: hosts })
  const opened: Array<{ storage: BenchStorage; rh: RhSystem }> = []
  let loop: Baseline | undefined
  const run = async (): Promise<FanOutBenchResult> => {
    loop = await runtimeBaseline({ urls: receiver.urls, inFlight, payload, connections: perHost })
    const concurrency = defaults ? {} : { concurrency: { global: inFlight, perHost } }
    for (const kind of options.storages ?? ['memory']) {
      const storage = await openStorage(kind)
      const rh = createRhSystem(storage, { secret: payload.secret, ...concurrency })
      opened.push({ storage, rh })
      const eventsOf = options.patterns
        ? (i: number) => PATTERN_EVENTS[i % PATTERN_EVENTS.length] as string[]
        : undefined
      await rh.subscribe(receiver.urls, subscriptions, { eventsOf })
    }
    await loop.run(Math.min(1000, subscriptions))
    for (const { storage, rh } of opened)
      await fanOut(rh, storage.kind, receiver, payload, subscriptions)
    const all: Record<string, Throughput[]> = {}
    const keep = (t: Throughput) => {
      all[t.name] = [...(all[t.name] ?? []), t]
    }
    for (let round = 0; round < rounds; round++) {
      keep(await loop.run(subscriptions))
      for (const { storage, rh } of opened) {
        keep(await fanOut(rh, storage.kind, receiver, payload, subscriptions))
      }
    }
    const baseline = all[loop.name]?.reduce(best)
    if (!baseline) throw new Error('fan-out: nothing measured')
    const rh: FanOutBenchResult['rh'] = {}
    const figures = opened.map(({ storage }) => {
      const measured = all[`rh fan-out (${storage.kind})`]?.reduce(best) as Throughput
      rh[storage.kind] = measured
      return compare(
        'fan-out',
        `rh, ${storage.kind}, 1 notify -> ${subscriptions} subs${options.patterns ? ' by pattern' : ''}`,
        measured.perSecond,
        'deliveries/s',
        { name: baseline.name, value: baseline.perSecond },
        defaults ? DEFAULTS_GOAL : null,
      )
    })
    return { subscriptions, hosts, inFlight, defaults, baseline, rh, rounds: all, figures }
  }
  return withCleanUp(run, [
    ['baseline close', async () => loop?.close()],
    ['rh close', () => Promise.all(opened.map(({ rh }) => rh.close()))],
    ['storage dispose', () => Promise.all(opened.map(({ storage }) => storage.dispose()))],
    ['receiver close', () => receiver.close()],
  ])
}

/** One measured notify to every subscription, checked against what the receiver saw. */
async function fanOut(
  rh: RhSystem,
  kind: StorageKind,
  receiver: Receiver,
  payload: BenchPayload,
  subscriptions: number,
): Promise<Throughput> {
  await receiver.reset()
  const settled = rh.settled(subscriptions)
  const watch = stopwatch()
  await rh.notify(payload.data)
  const { other } = await withDeadline(settled, `fan-out (${kind})`, 60_000 + subscriptions * 10)
  const figure = watch.stop(`rh fan-out (${kind})`, subscriptions)
  const stats = await receiver.stats()
  if (other > 0 || stats.requests !== subscriptions) {
    throw new Error(`fan-out (${kind}): receiver saw ${stats.requests} of ${subscriptions}`)
  }
  return figure
}
