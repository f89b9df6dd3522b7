import { collectResults } from './collect-results'
import { compare, type Figure } from './figure'
import { type BenchPayload, benchPayload } from './payload'
import { createRhSystem } from './rh-system'
import { type Receiver, startReceiver } from './start-receiver'
import { openStorage, type StorageKind } from './storage'
import { stopwatch, type Throughput } from './throughput'
import { notifyMany, withCleanUp } from './with-deadline'

/** Options of {@link runOrderedBench}. */
export interface OrderedBenchOptions {
  /** Notifications; each goes to every subscription. Default 200 (20,000 deliveries). */
  messages?: number
  /** Subscriptions (all ordered, or all unordered). Default 100. */
  subscriptions?: number
  /** Storages to run on, one after the other. Default memory. */
  storages?: StorageKind[]
  /** A burst is cut after `30 s + deliveries x msPerDelivery`. Default 2. */
  msPerDelivery?: number
}

/** One storage's figures. */
export interface OrderedRun {
  kind: StorageKind
  /** `messages` notifications to `subscriptions` unordered subscriptions. */
  unordered: Throughput
  /** The same to as many `ordering: 'fifo'` subscriptions. */
  ordered: Throughput
}

/** What {@link runOrderedBench} measured. */
export interface OrderedBenchResult {
  messages: number
  subscriptions: number
  runs: OrderedRun[]
  figures: Figure[]
}

/**
 * Ordered delivery (issue 15) beside unordered: M notifications, each to S subscriptions on one
 * receiver (its own process, 204), rh at `perHost: 64`; once with S unordered subscriptions,
 * once with S `ordering: 'fifo'` ones (each line one delivery at a time, so S lines keep up to S
 * in flight), on a fresh system each, timed from the first `notify` to the last delivery.
 *
 * @example
 * const result = await runOrderedBench({ messages: 50, storages: ['memory', 'postgres'] })
 * console.log(result.figures.map((f) => f.ratio))
 */
export async function runOrderedBench(
  options: OrderedBenchOptions = {},
): Promise<OrderedBenchResult> {
  const messages = options.messages ?? 200
  const subscriptions = options.subscriptions ?? 100
  const storages = options.storages ?? ['memory']
  const msPerDelivery = options.msPerDelivery ?? 2
  const payload = await benchPayload()
  const receiver = await startReceiver()
  const run = async (): Promise<OrderedBenchResult> => {
    const runs: OrderedRun[] = []
    for (const kind of storages) {
      const shape = { kind, receiver, payload, messages, subscriptions, msPerDelivery }
      const unordered = await burstOn({ ...shape, fifo: false })
      const ordered = await burstOn({ ...shape, fifo: true })
      runs.push({ kind, unordered, ordered })
    }
    const figures = runs.map((r) =>
      compare(
        'ordered',
        `rh, ${subscriptions} ordered (fifo) subscriptions, ${r.kind}`,
        r.ordered.perSecond,
        'deliveries/s',
        {
          name: `${subscriptions} unordered subscriptions, ${r.kind}`,
          value: r.unordered.perSecond,
        },
      ),
    )
    return { messages, subscriptions, runs, figures }
  }
  return withCleanUp(run, [['receiver close', () => receiver.close()]])
}

interface Shape {
  kind: StorageKind
  receiver: Receiver
  payload: BenchPayload
  messages: number
  subscriptions: number
  msPerDelivery: number
  fifo: boolean
}

async function burstOn(shape: Shape): Promise<Throughput> {
  const { kind, receiver, payload, messages, subscriptions, fifo } = shape
  const storage = await openStorage(kind)
  const rh = createRhSystem(storage, {
    secret: payload.secret,
    concurrency: { global: 64, perHost: 64 },
  })
  const deliveries = messages * subscriptions
  const name = `${fifo ? 'ordered' : 'unordered'}, ${kind}`
  const measure = async () => {
    await rh.subscribe([receiver.url], subscriptions, fifo ? { ordering: 'fifo' } : {})
    await receiver.reset()
    const watch = stopwatch()
    const seen = collectResults(
      rh.rh,
      deliveries,
      30_000 + deliveries * shape.msPerDelivery,
      (outcome) => outcome === 'delivered',
    )
    await notifyMany(messages, 16, () => rh.notify(payload.data))
    const { counted, completed } = await seen
    const figure = watch.stop(completed ? name : `${name} (cut)`, Math.max(1, counted))
    const stats = await receiver.stats()
    if (completed && stats.requests !== deliveries) {
      throw new Error(`${name}: the receiver saw ${stats.requests} of ${deliveries}`)
    }
    return figure
  }
  return withCleanUp(measure, [
    ['rh close', () => rh.close()],
    ['storage dispose', () => storage.dispose()],
  ])
}
