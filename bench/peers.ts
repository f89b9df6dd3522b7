import { benchPayload } from './payload'
import {
  bullmqPeer,
  createTally,
  graphileWorkerPeer,
  type Peer,
  type PeerContext,
  pgBossPeer,
  pQueuePeer,
  signedSender,
} from './peers/index'
import { type Receiver, startReceiver } from './start-receiver'
import { best, stopwatch, type Throughput } from './throughput'
import { notifyMany, withCleanUp, withDeadline } from './with-deadline'

/** The peers, by name. */
export const peerNames = ['p-queue', 'BullMQ', 'pg-boss', 'graphile-worker'] as const

/** Options of {@link runPeersBench}. */
export interface PeersBenchOptions {
  /** Jobs per delivery measurement (one enqueue each, 64 enqueuing at once). Default 20 000. */
  requests?: number
  /** Jobs per fan-out measurement (one bulk enqueue, over `hosts` receiver ports). Default 10 000. */
  fanOut?: number
  hosts?: number
  /** Jobs in flight (worker concurrency), as rh's matched case. Default 64. */
  concurrency?: number
  rounds?: number
  peers?: ReadonlyArray<(typeof peerNames)[number]>
}

/** What {@link runPeersBench} measured, per peer: every round, and the best. */
export interface PeersBenchResult {
  requests: number
  fanOut: number
  concurrency: number
  peers: Array<{ name: string; kind: Peer['kind']; delivery: Throughput[]; fanOut: Throughput[] }>
}

const factories = {
  'p-queue': pQueuePeer,
  BullMQ: bullmqPeer,
  'pg-boss': pgBossPeer,
  'graphile-worker': graphileWorkerPeer,
}

/**
 * The queues users would pick instead of rh, each doing the same signed POSTs to the same
 * receiver: delivery (one enqueue per job, as `notify` x N) and fan-out (one bulk enqueue),
 * each verified by the receiver's count. The run reports rh's ratio to them (see run-benches).
 *
 * @example
 * const result = await runPeersBench({ requests: 100, fanOut: 100, rounds: 1, peers: ['p-queue'] })
 */
export async function runPeersBench(options: PeersBenchOptions = {}): Promise<PeersBenchResult> {
  const requests = options.requests ?? 20_000
  const fanOut = options.fanOut ?? 10_000
  const concurrency = options.concurrency ?? 64
  const rounds = options.rounds ?? 3
  const payload = await benchPayload()
  const receiver = await startReceiver({ ports: options.hosts ?? 8 })
  const sender = await signedSender(receiver.urls, payload, concurrency)
  const tally = createTally()
  const context: PeerContext = {
    urls: receiver.urls,
    payload,
    concurrency,
    send: sender.send,
    ...tally,
  }
  const opened: Peer[] = []
  const run = async (): Promise<PeersBenchResult> => {
    for (const name of options.peers ?? peerNames) opened.push(await factories[name](context))
    const hosts = receiver.urls.length
    const measure = async (peer: Peer, count: number, bulk: boolean) => {
      await receiver.reset()
      const finished = tally.until(count)
      const watch = stopwatch()
      if (bulk)
        await peer.enqueueMany(Array.from({ length: count }, (_, i) => ({ target: i % hosts })))
      else await notifyMany(count, 64, () => peer.enqueue({ target: 0 }))
      await withDeadline(finished, `${peer.name}`, 60_000 + count * 10)
      const figure = watch.stop(`${peer.name}${bulk ? ' fan-out' : ''}`, count)
      await expectSeen(receiver, figure.name, count)
      return figure
    }
    for (const peer of opened) await measure(peer, Math.min(requests, 5000), false)
    const results = opened.map((peer) => ({
      name: peer.name,
      kind: peer.kind,
      delivery: [] as Throughput[],
      fanOut: [] as Throughput[],
    }))
    for (let round = 0; round < rounds; round++) {
      for (const [i, peer] of opened.entries()) {
        results[i]?.delivery.push(await measure(peer, requests, false))
        results[i]?.fanOut.push(await measure(peer, fanOut, true))
      }
    }
    return { requests, fanOut, concurrency, peers: results }
  }
  return withCleanUp(run, [
    ['peers close', () => Promise.all(opened.map((peer) => peer.close()))],
    ['sender close', () => sender.close()],
    ['receiver close', () => receiver.close()],
  ])
}

/** The best round of a list of rounds. */
export const bestRound = (rounds: Throughput[]): Throughput | undefined =>
  rounds.length ? rounds.reduce(best) : undefined

async function expectSeen(receiver: Receiver, name: string, count: number) {
  const stats = await receiver.stats()
  if (stats.requests !== count || stats.signed !== count) {
    throw new Error(`${name}: receiver saw ${stats.requests} (${stats.signed} signed) of ${count}`)
  }
}
