import type { DeliveryBenchResult } from './delivery'
import type { FanOutBenchResult } from './fan-out'
import { compare, type Figure } from './figure'
import { bestRound, type PeersBenchResult } from './peers'
import type { StorageKind } from './storage'

/** The rh results of the same run that the peers are compared with. */
export interface PeerComparable {
  delivery?: DeliveryBenchResult
  fanOut?: FanOutBenchResult
}

/** The peers of each storage's class: memory against p-queue, durable against the rest. */
const peerClass = (kind: StorageKind) => (kind === 'memory' ? 'memory' : 'durable')

/**
 * rh's ratio to each peer of its class, for delivery (rh at matched concurrency against the
 * peers at the same) and fan-out (rh at defaults against the peers with their bulk enqueue);
 * without rh results in the run, each peer's own rate.
 *
 * @example
 * report.figures.push(...peerFigures(peers, { delivery, fanOut }))
 */
export function peerFigures(peers: PeersBenchResult, rh: PeerComparable): Figure[] {
  const figures: Figure[] = []
  for (const peer of peers.peers) {
    const delivery = bestRound(peer.delivery)
    const fanOut = bestRound(peer.fanOut)
    if (!delivery || !fanOut) continue
    const pairs: Array<[string, Partial<Record<StorageKind, { perSecond: number }>>, number]> = [
      ['delivery', rh.delivery?.rh ?? {}, delivery.perSecond],
      ['fan-out', rh.fanOut?.rh ?? {}, fanOut.perSecond],
    ]
    for (const [what, byKind, value] of pairs) {
      const matched = Object.entries(byKind).filter(
        ([kind]) => kind !== 'sqlite-normal' && peerClass(kind as StorageKind) === peer.kind,
      )
      if (matched.length === 0) {
        figures.push({
          bench: 'peers',
          name: `${peer.name} ${what}`,
          value,
          unit: 'jobs/s',
          baseline: null,
          ratio: null,
          goal: null,
        })
      }
      for (const [kind, own] of matched) {
        figures.push(
          compare(
            'peers',
            `rh, ${kind}, ${what} vs ${peer.name}`,
            own?.perSecond ?? 0,
            'deliveries/s',
            {
              name: peer.name,
              value,
            },
          ),
        )
      }
    }
  }
  return figures
}
