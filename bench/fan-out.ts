import { type Baseline, runtimeBaseline } from './baselines'
import { compare, type Figure } from './figure'
import { benchPayload } from './payload'
import { createRhSystem } from './rh-system'
import { startReceiver } from './start-receiver'
import { openStorage, type StorageKind } from './storage'
import { best, stopwatch, type Throughput } from './throughput'
import { withCleanUp, withDeadline } from './with-deadline'

/** Options of {@link runFanOutBench}. */
export interface FanOutBenchOptions {
  /** Subscriptions one notification goes to. Default 10 000. */
  subscriptions?: number
  /** Receiver ports, i.e. distinct target hosts. Default 8. */
  hosts?: number
  /** Attempts in flight per host (rh's `perHost`, the baseline's connections per origin). Default 8. */
  perHost?: number
  /** Where rh keeps subscriptions and deliveries. Default memory. */
  storage?: StorageKind
  /** Measurements of each, interleaved; the best counts. Default 3. */
  rounds?: number
}

/** What {@link runFanOutBench} measured. */
export interface FanOutBenchResult {
  subscriptions: number
  hosts: number
  inFlight: number
  /** The runtime's baseline loop sending as many requests, round-robin over the same hosts. */
  baseline: Throughput
  /** From `notify` (which matches and queues every delivery) to the last delivery result. */
  rh: Throughput
  figures: Figure[]
}

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
  const perHost = options.perHost ?? 8
  const rounds = options.rounds ?? 3
  const inFlight = hosts * perHost
  const payload = await benchPayload()
  const receiver = await startReceiver({ ports: hosts })
  const storage = await openStorage(options.storage ?? 'memory')
  const rh = createRhSystem(storage, { secret: payload.secret, global: inFlight, perHost })
  let opened: Baseline | undefined
  const run = async (): Promise<FanOutBenchResult> => {
    await rh.subscribe(receiver.urls, subscriptions)
    const baselineLoop = await runtimeBaseline({
      urls: receiver.urls,
      inFlight,
      payload,
      connections: perHost,
    })
    opened = baselineLoop
    const fanOut = async () => {
      await receiver.reset()
      const settled = rh.settled(subscriptions)
      const watch = stopwatch()
      await rh.notify(payload.data)
      const { other } = await withDeadline(settled, 'fan-out', 60_000 + subscriptions * 10)
      const figure = watch.stop('rh fan-out', subscriptions)
      const stats = await receiver.stats()
      if (other > 0 || stats.requests !== subscriptions) {
        throw new Error(`fan-out: receiver saw ${stats.requests} of ${subscriptions}`)
      }
      return figure
    }
    await baselineLoop.run(Math.min(1000, subscriptions))
    await fanOut()
    let baseline: Throughput | undefined
    let measured: Throughput | undefined
    for (let round = 0; round < rounds; round++) {
      baseline = best(baseline, await baselineLoop.run(subscriptions))
      measured = best(measured, await fanOut())
    }
    if (!baseline || !measured) throw new Error('fan-out: nothing measured')
    const figures = [
      compare(
        'fan-out',
        `rh, 1 notify -> ${subscriptions} subs`,
        measured.perSecond,
        'deliveries/s',
        {
          name: baseline.name,
          value: baseline.perSecond,
        },
      ),
    ]
    return { subscriptions, hosts, inFlight, baseline, rh: measured, figures }
  }
  return withCleanUp(run, [
    ['baseline close', async () => opened?.close()],
    ['rh close', () => rh.close()],
    ['storage dispose', () => storage.dispose()],
    ['receiver close', () => receiver.close()],
  ])
}
