import { collectResults } from './collect-results'
import { compare, type Figure } from './figure'
import { BENCH_OWNER, type BenchPayload, benchPayload } from './payload'
import { createRhSystem, type RhSystem } from './rh-system'
import { type Receiver, startReceiver } from './start-receiver'
import { openStorage, type StorageKind } from './storage'
import { stopwatch, type Throughput } from './throughput'
import { notifyMany, withCleanUp } from './with-deadline'

/** Options of {@link runReplayBench}. */
export interface ReplayBenchOptions {
  /** Messages delivered normally, then failed and replayed. Default 100,000. */
  messages?: number
  /** Storages to run on, one after the other. Default memory. */
  storages?: StorageKind[]
  /** A burst of N is cut after `30 s + N x msPerDelivery`. Default 2. */
  msPerDelivery?: number
}

/** One storage's figures. */
export interface ReplayRun {
  kind: StorageKind
  /** N `notify` calls delivered to the receiver (answering 204). */
  normal: Throughput
  /** The same receiver down (500): N `notify` calls that fail at once (`retries: 0`). */
  failing: Throughput
  /** One `replay` of the N failed messages, from the call until the last is delivered. */
  replay: Throughput
  /** What `replay` answered it queued. */
  replayed: number
}

/** What {@link runReplayBench} measured. */
export interface ReplayBenchResult {
  messages: number
  runs: ReplayRun[]
  figures: Figure[]
}

/** Issue 13: a replay of failed messages at >= 0.8x of normal delivery throughput. */
const GOAL = 0.8

/**
 * A replay after an outage against normal delivery, on one subscription and one receiver (in
 * its own process): after an unmeasured warm-up, N notifications delivered (the baseline), then the receiver answers 500 and
 * N more fail (no retries, auto-disable off), then it answers 204 again and one `replay` sends
 * the N failed messages again, timed until the last is delivered. rh at `perHost: 64`.
 *
 * @example
 * const result = await runReplayBench({ messages: 1000 })
 * console.log(result.figures[0]?.ratio)
 */
export async function runReplayBench(options: ReplayBenchOptions = {}): Promise<ReplayBenchResult> {
  const messages = options.messages ?? 100_000
  const storages = options.storages ?? ['memory']
  const msPerDelivery = options.msPerDelivery ?? 2
  const payload = await benchPayload()
  const receiver = await startReceiver()
  const run = async (): Promise<ReplayBenchResult> => {
    const runs: ReplayRun[] = []
    for (const kind of storages) {
      runs.push(await replayOn(kind, receiver, payload, messages, msPerDelivery))
    }
    const figures = runs.map((r) =>
      compare(
        'replay',
        `rh replay of ${r.replayed.toLocaleString('en-US')} failed messages, ${r.kind}`,
        r.replay.perSecond,
        'deliveries/s',
        { name: `normal delivery, ${r.kind}`, value: r.normal.perSecond },
        GOAL,
      ),
    )
    return { messages, runs, figures }
  }
  return withCleanUp(run, [['receiver close', () => receiver.close()]])
}

async function replayOn(
  kind: StorageKind,
  receiver: Receiver,
  payload: BenchPayload,
  messages: number,
  msPerDelivery: number,
): Promise<ReplayRun> {
  const storage = await openStorage(kind)
  const rh = createRhSystem(storage, {
    secret: payload.secret,
    concurrency: { global: 64, perHost: 64 },
    retry: { retries: 0 },
    disableAfter: Number.MAX_SAFE_INTEGER,
  })
  const deadline = 30_000 + messages * msPerDelivery
  const measure = async () => {
    await rh.subscribe([receiver.url], 1)
    const [subscription] = (await storage.store.list(BENCH_OWNER, { limit: 1 })).items
    if (!subscription) throw new Error('replay: the subscription was not created')

    await receiver.answerWith(204)
    // Unmeasured: warms up the code paths and the connection pool, so the baseline is not cold.
    const warmUp = Math.min(messages, 2000)
    await burst(rh, receiver, 'warm-up', warmUp, deadline, 'delivered', () =>
      notifyMany(warmUp, 64, () => rh.notify(payload.data)),
    )
    const normal = await burst(
      rh,
      receiver,
      'normal delivery',
      messages,
      deadline,
      'delivered',
      () => notifyMany(messages, 64, () => rh.notify(payload.data)),
    )
    const since = Date.now()
    await receiver.answerWith(500)
    const failing = await burst(rh, receiver, 'failing (500)', messages, deadline, 'failed', () =>
      notifyMany(messages, 64, () => rh.notify(payload.data)),
    )
    await receiver.answerWith(204)
    let replayed = 0
    const replay = await burst(
      rh,
      receiver,
      'replay',
      messages,
      deadline,
      'delivered',
      async () => {
        replayed = (await rh.rh.recovery.replay(BENCH_OWNER, subscription.id, { since })).replayed
      },
    )
    if (replayed !== messages) throw new Error(`replay queued ${replayed} of ${messages}`)
    return { kind, normal, failing, replay, replayed }
  }
  return withCleanUp(measure, [
    ['rh close', () => rh.close()],
    ['storage dispose', () => storage.dispose()],
  ])
}

/** Runs `start` and times it until `count` results of `outcome`; checks the receiver's count. */
async function burst(
  rh: RhSystem,
  receiver: Receiver,
  name: string,
  count: number,
  deadlineMs: number,
  outcome: 'delivered' | 'failed',
  start: () => Promise<unknown>,
): Promise<Throughput> {
  await receiver.reset()
  const watch = stopwatch()
  const seen = collectResults(rh.rh, count, deadlineMs, (o) => o === outcome)
  await start()
  const { counted, completed } = await seen
  const figure = watch.stop(completed ? name : `${name} (cut)`, Math.max(1, counted))
  const stats = await receiver.stats()
  if (completed && (stats.requests !== count || stats.signed !== count)) {
    throw new Error(
      `${name}: the receiver saw ${stats.requests} of ${count} (${stats.signed} signed)`,
    )
  }
  return figure
}
