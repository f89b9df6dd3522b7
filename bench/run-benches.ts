import { type ApiBenchResult, runApiBench } from './api'
import { type DeliveryBenchResult, runDeliveryBench } from './delivery'
import { type EngineBenchResult, runEngineBench } from './engine'
import { type FanOutBenchResult, runFanOutBench } from './fan-out'
import { compare } from './figure'
import { formatRounds } from './format-round'
import { runHangingHostBench } from './hanging-host'
import { machineInfo } from './machine'
import { type MemoryBenchResult, runMemoryBench } from './memory'
import { type OrderedBenchResult, runOrderedBench } from './ordered'
import { type PeerComparable, peerFigures } from './peer-figures'
import { runPeersBench } from './peers'
import { formatTableStats } from './pg-table-stats'
import { type ReplayBenchResult, runReplayBench } from './replay'
import type { BenchReport } from './report'
import { runScaleBench, type ScaleBenchResult } from './scale'
import { runSignVerifyBench } from './sign-verify'
import { runSlowHostBench, type SlowHostBenchResult } from './slow-host'
import type { StorageKind } from './storage'
import { runTelemetryBench } from './telemetry'

/** The benchmarks, in the order they run. */
export const benchNames = [
  'delivery',
  'engine',
  'fan-out',
  'fan-out-patterns',
  'scale',
  'hanging-host',
  'slow-host',
  'replay',
  'ordered',
  'peers',
  'api',
  'memory',
  'sign-verify',
  'telemetry',
] as const

/** One of {@link benchNames}. */
export type BenchName = (typeof benchNames)[number]

/** The sizes of every benchmark. */
export interface BenchSizes {
  deliveries: number
  rounds: number
  storages: StorageKind[]
  fanOut: number
  /** API: seconds per case, or a fixed number of requests. */
  apiSeconds: number
  apiRequests?: number
  memoryJobs: number
  memorySubscriptions: number
  signVerifyIterations: number
  /** Burst sizes of the `scale` bench (rh defaults). */
  scale: number[]
  /** Healthy-host deliveries per round of the `hanging-host` bench. */
  hanging: number
  /** The `slow-host` bench: its backlog, and how long it is watched (ms). */
  slowHost: { backlog: number; watchMs: number }
  /** A burst of N is cut (and reported as such) after `30 s + N x msPerDelivery`. */
  msPerDelivery: number
  /** Failed messages replayed (and delivered normally, for the baseline) by `replay`. */
  replay: number
  /** Notifications of the `ordered` bench, each to 100 subscriptions (fifo, and unordered). */
  ordered: number
}

/** The sizes of `npm run bench`. */
export const fullSizes: BenchSizes = {
  deliveries: 20_000,
  rounds: 3,
  storages: ['memory', 'sqlite', 'sqlite-normal', 'postgres'],
  fanOut: 10_000,
  apiSeconds: 5,
  memoryJobs: 100_000,
  memorySubscriptions: 1_000_000,
  signVerifyIterations: 30_000,
  scale: [5000, 20_000, 80_000],
  hanging: 5000,
  slowHost: { backlog: 2000, watchMs: 20_000 },
  msPerDelivery: 2,
  replay: 100_000,
  ordered: 200,
}

/** The sizes of `npm run bench -- --quick`. */
export const quickSizes: BenchSizes = {
  deliveries: 2000,
  rounds: 1,
  storages: ['memory', 'sqlite', 'postgres'],
  fanOut: 1000,
  apiSeconds: 1,
  memoryJobs: 10_000,
  memorySubscriptions: 100_000,
  signVerifyIterations: 2000,
  scale: [1000, 2000, 4000],
  hanging: 500,
  slowHost: { backlog: 200, watchMs: 3000 },
  msPerDelivery: 2,
  replay: 2000,
  ordered: 20,
}

/** Options of {@link runBenches}. */
export interface RunBenchesOptions {
  /** Which benchmarks; default all. */
  only?: readonly BenchName[]
  /** Default {@link fullSizes}, or {@link quickSizes} with `quick`. */
  sizes?: Partial<BenchSizes>
  quick?: boolean
  /** Told when each benchmark starts (progress on stderr). */
  onStart?: (name: BenchName) => void
}

const n = (value: number) => value.toLocaleString('en-US')
/**
 * Runs the chosen benchmarks one after the other and gathers their figures into a
 * {@link BenchReport}. A benchmark that throws is recorded in `errors`; the rest still run.
 *
 * @example
 * const report = await runBenches({ only: ['delivery'], quick: true })
 * console.log(formatReport(report))
 */
export async function runBenches(options: RunBenchesOptions = {}): Promise<BenchReport> {
  const quick = options.quick ?? false
  const sizes: BenchSizes = { ...(quick ? quickSizes : fullSizes), ...options.sizes }
  const report: BenchReport = {
    machine: machineInfo(),
    quick,
    figures: [],
    details: {},
    errors: {},
  }
  const results: PeerComparable = {}
  const run: Record<BenchName, () => Promise<void>> = {
    async delivery() {
      const result = await runDeliveryBench({
        requests: sizes.deliveries,
        rounds: sizes.rounds,
        storages: sizes.storages,
        msPerDelivery: sizes.msPerDelivery,
      })
      results.delivery = result
      report.figures.push(...result.figures)
      report.details.delivery = deliveryDetails(result)
    },
    /** Issue 17: rh's own CPU per delivery without the network, against the client loop's. */
    async engine() {
      const result = await runEngineBench({
        requests: sizes.deliveries,
        rounds: sizes.rounds,
        storages: sizes.storages,
      })
      report.figures.push(...result.figures)
      report.details.engine = engineDetails(result)
    },
    async 'fan-out'() {
      const result = await runFanOutBench({
        subscriptions: sizes.fanOut,
        rounds: sizes.rounds,
        storages: sizes.storages.filter((kind) => kind !== 'sqlite-normal'),
      })
      report.figures.push(...result.figures)
      report.details['fan-out'] = fanOutDetails(result)
      results.fanOut = result
    },
    /** Issue 15: the same fan-out with subscriptions by pattern (`invoice.*`, `*`): still indexed. */
    async 'fan-out-patterns'() {
      const result = await runFanOutBench({
        subscriptions: sizes.fanOut,
        rounds: sizes.rounds,
        storages: sizes.storages.filter((kind) => kind !== 'sqlite-normal'),
        patterns: true,
      })
      report.figures.push(...result.figures)
      report.details['fan-out-patterns'] = fanOutDetails(result)
    },
    async scale() {
      const result = await runScaleBench({
        sizes: sizes.scale,
        storages: sizes.storages.filter((kind) => kind !== 'sqlite-normal'),
        msPerDelivery: sizes.msPerDelivery,
      })
      report.figures.push(...result.figures)
      report.details.scale = scaleDetails(result)
    },
    async 'hanging-host'() {
      const result = await runHangingHostBench({ requests: sizes.hanging, rounds: sizes.rounds })
      report.figures.push(...result.figures)
      report.details['hanging-host'] = [
        `rh defaults, memory, attempt timeout ${result.timeoutMs} ms; each notify goes to a healthy host and one that never answers (${n(result.hung)} attempts hung); ${n(result.requests)} healthy deliveries per round`,
        ...formatRounds('healthy host alone', result.solo),
        ...formatRounds('healthy host beside hanging', result.beside),
      ]
    },
    async 'slow-host'() {
      const result = await runSlowHostBench({
        ...sizes.slowHost,
        storages: sizes.storages.filter((kind) => kind !== 'sqlite-normal'),
      })
      report.figures.push(...result.figures)
      report.details['slow-host'] = slowHostDetails(result)
    },
    async replay() {
      const result = await runReplayBench({
        messages: sizes.replay,
        storages: sizes.storages.filter((kind) => kind !== 'sqlite-normal'),
        msPerDelivery: sizes.msPerDelivery,
      })
      report.figures.push(...result.figures)
      report.details.replay = replayDetails(result)
    },
    async ordered() {
      const result = await runOrderedBench({
        messages: sizes.ordered,
        storages: sizes.storages.filter((kind) => kind !== 'sqlite-normal'),
        msPerDelivery: sizes.msPerDelivery,
      })
      report.figures.push(...result.figures)
      report.details.ordered = orderedDetails(result)
    },
    async peers() {
      const result = await runPeersBench({
        requests: sizes.deliveries,
        fanOut: sizes.fanOut,
        rounds: sizes.rounds,
      })
      report.figures.push(...peerFigures(result, results))
      report.details.peers = [
        `each peer: ${n(result.requests)} jobs enqueued one by one (64 at once), then ${n(result.fanOut)} with its bulk API over 8 hosts; ${result.concurrency} in flight; signed per job (standardwebhooks) and posted with undici`,
        ...result.peers.flatMap((peer) => [
          ...formatRounds(`${peer.name} delivery`, peer.delivery),
          ...formatRounds(`${peer.name} fan-out`, peer.fanOut),
        ]),
      ]
    },
    async api() {
      const result = await runApiBench({
        duration: sizes.apiSeconds,
        rounds: sizes.rounds,
        ...(sizes.apiRequests === undefined ? {} : { requests: sizes.apiRequests }),
      })
      report.figures.push(...result.figures)
      report.details.api = apiDetails(result)
    },
    async memory() {
      const result = await runMemoryBench({
        jobs: sizes.memoryJobs,
        subscriptions: sizes.memorySubscriptions,
      })
      report.figures.push(...result.figures)
      report.details.memory = memoryDetails(result)
    },
    async telemetry() {
      const result = await runTelemetryBench({
        requests: sizes.deliveries,
        rounds: sizes.rounds,
      })
      report.figures.push(...result.figures)
      report.details.telemetry = [
        `rh, memory queue, perHost 64, ${n(result.requests)} deliveries per round; on: API tracer and meter with no SDK registered + prometheusMetrics(); sdk: SDK tracer without span processor, SDK meter without reader + prometheusMetrics()`,
        ...formatRounds('telemetry off', result.rounds.off),
        ...formatRounds('telemetry on', result.rounds.on),
        ...formatRounds('telemetry sdk', result.rounds.sdk),
      ]
    },
    async 'sign-verify'() {
      const result = await runSignVerifyBench({ iterations: sizes.signVerifyIterations })
      for (const op of ['sign', 'verify'] as const) {
        report.figures.push(
          compare('sign-verify', `rh ${op}`, result.rh[op], 'ops/s', {
            name: 'standardwebhooks',
            value: result.standardwebhooks[op],
          }),
        )
      }
      report.details['sign-verify'] = [
        `${result.iterations} ops per case, ${result.bodyBytes}-byte body`,
        `rh (fast path)      sign ${n(result.rh.sign)}/s, verify ${n(result.rh.verify)}/s`,
        `rh (WebCrypto only) sign ${n(result.rhWebCrypto.sign)}/s, verify ${n(result.rhWebCrypto.verify)}/s`,
        `standardwebhooks    sign ${n(result.standardwebhooks.sign)}/s, verify ${n(result.standardwebhooks.verify)}/s`,
      ]
    },
  }
  for (const name of benchNames) {
    if (options.only && !options.only.includes(name)) continue
    options.onStart?.(name)
    try {
      await run[name]()
    } catch (error) {
      report.errors[name] = error instanceof Error ? error.message : String(error)
    }
  }
  return report
}

function deliveryDetails(result: DeliveryBenchResult): string[] {
  return [
    `${n(result.requests)} deliveries of ${result.bodyBytes} bytes, one subscription, one notify per delivery (64 notifying at once); rh at perHost ${result.inFlight} against ${result.inFlight} in flight, rh defaults against 8 in flight; figures above are the best round, every round below`,
    ...Object.entries(result.rounds).flatMap(([name, rounds]) => formatRounds(name, rounds)),
    ...Object.entries(result.tables).flatMap(([name, stats]) => [
      `${name}: PostgreSQL tables after the last round`,
      ...formatTableStats(stats),
    ]),
  ]
}

function engineDetails(result: EngineBenchResult): string[] {
  return [
    `${n(result.requests)} notify to one subscription, rh defaults, signed per attempt; the transport answers 204 on the next turn of the event loop (no network), so the CPU is rh's own work per delivery (this process's: a database server's is not counted); the client loop sends to the real receiver with 8 in flight; the figures are the lowest CPU of the rounds, and rh's rate falls to 0.9x of the loop's once the engine adds more than 0.11 of the loop's CPU (both are bound by their own process's CPU)`,
    ...formatRounds('client loop (8)', result.loop),
    ...Object.entries(result.engine).flatMap(([kind, rounds]) =>
      formatRounds(`rh engine (${kind})`, rounds),
    ),
  ]
}

function replayDetails(result: ReplayBenchResult): string[] {
  const row = (kind: string, name: string, t: ReplayBenchResult['runs'][number]['normal']) =>
    `${`${kind} ${name}`.padEnd(30)}${n(Math.round(t.perSecond)).padStart(10)}/s  (${n(t.requests)} in ${n(Math.round(t.ms))} ms)`
  return [
    `one subscription, one receiver (separate process), rh at perHost 64, retries 0, auto-disable off: ${n(result.messages)} notify delivered; the receiver answers 500 while ${n(result.messages)} more fail; then it answers 204 and one replay sends them again, timed from the call to the last delivery`,
    ...result.runs.flatMap((r) => [
      row(r.kind, 'normal delivery', r.normal),
      row(r.kind, 'failing (500)', r.failing),
      row(r.kind, 'replay', r.replay),
    ]),
  ]
}

function orderedDetails(result: OrderedBenchResult): string[] {
  const row = (kind: string, name: string, t: OrderedBenchResult['runs'][number]['ordered']) =>
    `${`${kind} ${name}`.padEnd(30)}${n(Math.round(t.perSecond)).padStart(10)}/s  (${n(t.requests)} in ${n(Math.round(t.ms))} ms)`
  return [
    `${n(result.messages)} notify, each to ${n(result.subscriptions)} subscriptions on one receiver (separate process), rh at perHost 64: all unordered, then all ordering 'fifo' (one delivery at a time per subscription), a fresh system each`,
    ...result.runs.flatMap((r) => [
      row(r.kind, 'unordered', r.unordered),
      row(r.kind, 'ordered (fifo)', r.ordered),
    ]),
  ]
}

function scaleDetails(result: ScaleBenchResult): string[] {
  return [
    `rh defaults, one receiver host, one round per N after a warm-up of ${n(result.sizes[0] ?? 0)}; baseline with 8 in flight at each N`,
    ...formatRounds('undici request (8), by N', result.baseline),
    ...Object.entries(result.rh).flatMap(([kind, rounds]) =>
      formatRounds(`rh (${kind}, defaults), by N`, rounds),
    ),
    ...(result.tables
      ? ['PostgreSQL tables after the largest N', ...formatTableStats(result.tables)]
      : []),
  ]
}

function fanOutDetails(result: FanOutBenchResult): string[] {
  const setting = result.defaults ? 'rh defaults' : 'rh perHost set'
  return [
    `1 notify -> ${n(result.subscriptions)} subscriptions on ${result.hosts} hosts (receiver ports), ${result.inFlight} in flight (${setting}); from notify until every result`,
    ...Object.entries(result.rounds).flatMap(([name, rounds]) => formatRounds(name, rounds)),
  ]
}

function apiDetails(result: ApiBenchResult): string[] {
  const row = (name: string, f: ApiBenchResult['create']['rh']) =>
    `${name.padEnd(22)}${n(f.perSecond).padStart(10)} req/s  (${n(f.requests)} in ${f.seconds} s, ${f.failures} failed)`
  return [
    `autocannon, ${result.connections} connections, separate process, best of the rounds (bare and rh interleaved)`,
    row('create: bare', result.create.bare),
    row('create: rh', result.create.rh),
    row('get: bare', result.get.bare),
    row('get: rh', result.get.rh),
  ]
}

function memoryDetails(result: MemoryBenchResult): string[] {
  const row = (name: string, m: MemoryBenchResult['queue']) =>
    `${name.padEnd(28)}${n(m.count).padStart(10)} items: rss +${n(m.probe.rssAfter - m.probe.rssBefore)} B (${m.rssBytesPerItem} B/item), heap +${n(m.probe.heapAfter - m.probe.heapBefore)} B (${m.heapBytesPerItem} B/item)`
  return [
    `measured in a fresh Node ${result.node} process each (--expose-gc, compacting full gc before reading rss)`,
    row('memoryQueue pending retries', result.queue),
    row('memoryStore subscriptions', result.store),
  ]
}

function slowHostDetails(result: SlowHostBenchResult): string[] {
  return [
    `rh defaults (perHost 8); ${n(result.backlog)} notifications at once to one receiver that answers each in ${result.answerMs} ms (${n(result.capacity)}/s at most), watched for ${n(result.watchMs / 1000)} s; put-backs are claimed jobs written back to the queue because the host's line was full`,
    ...result.cases.flatMap((c) => [
      `${`rh (${c.kind})`.padEnd(32)}${n(c.delivered)} delivered (${n(c.perSecond)}/s), ${n(c.putBacks)} put-backs, ${n(c.claims)} claims`,
      ...(c.tables ? formatTableStats(c.tables) : []),
    ]),
  ]
}
