/**
 * Where a webhook id stands: `claimed` (new: handle it now), `done` (handled within the window:
 * skip it) or `in_flight` (another delivery of it is being handled right now).
 */
export type DedupeClaim = 'claimed' | 'done' | 'in_flight'

/**
 * Remembers the `webhook-id`s a receiver has handled, so a retried notification is not handled
 * twice. `claim` must be atomic for one id (a Redis `SET NX`, a unique row): two concurrent
 * claims of a new id give one `claimed`. An id counts as handled only after `complete`;
 * `release` forgets a claim whose handler failed, so the sender's retry runs it again.
 *
 * @example
 * const redisDedupe: DedupeStore = {
 *   async claim(id) {
 *     if (await redis.set(`wh:${id}`, 'pending', { NX: true, PX: 600_000 })) return 'claimed'
 *     return (await redis.get(`wh:${id}`)) === 'done' ? 'done' : 'in_flight'
 *   },
 *   async complete(id) { await redis.set(`wh:${id}`, 'done', { PX: 600_000 }) },
 *   async release(id) { await redis.del(`wh:${id}`) },
 * }
 */
export interface DedupeStore {
  claim(id: string): DedupeClaim | Promise<DedupeClaim>
  complete(id: string): void | Promise<void>
  release(id: string): void | Promise<void>
}

/** Options of {@link memoryDedupe}. */
export interface MemoryDedupeOptions {
  /**
   * How long a handled id is remembered, in milliseconds; 10 minutes by default: twice the
   * receiver's default 300 s tolerance, the whole time a captured delivery could be replayed
   * (`createReceiver` raises it to twice its own tolerance).
   */
  ttlMs?: number | undefined
  /**
   * Most ids remembered; beyond it the oldest are forgotten first, even within `ttlMs`, which
   * lets a replay through: set it only when memory matters more. No limit by default, so ids
   * are kept for `ttlMs` however many arrive (about 150 bytes each).
   */
  max?: number | undefined
  /** The current time in milliseconds; `Date.now` by default. */
  now?: (() => number) | undefined
}

interface Entry {
  state: 'in_flight' | 'done'
  expires: number
}

/**
 * A {@link DedupeStore} in this process's memory: enough for one instance; several instances
 * behind a load balancer need a shared store. Entries expire after `ttlMs` (also an in-flight
 * claim, so a handler that never settles does not block its id forever): time-bounded, so a
 * delivery replayed within the signature tolerance is caught however many came between. With
 * `max`, the oldest also go first beyond it.
 *
 * @example
 * const receiver = createReceiver({ secret, on, dedupe: memoryDedupe({ ttlMs: 600_000, max: 50_000 }) })
 */
export function memoryDedupe(options: MemoryDedupeOptions = {}): DedupeStore {
  const { ttlMs = 600_000, max = Number.POSITIVE_INFINITY, now = Date.now } = options
  // A Map iterates in insertion order, and every write re-inserts: the first key is the oldest.
  const entries = new Map<string, Entry>()

  const put = (id: string, state: Entry['state']) => {
    entries.delete(id)
    entries.set(id, { state, expires: now() + ttlMs })
    for (const [oldest, entry] of entries) {
      if (entries.size <= max && entry.expires > now()) break
      entries.delete(oldest)
    }
  }

  return {
    claim(id) {
      const entry = entries.get(id)
      if (entry && entry.expires > now()) return entry.state === 'done' ? 'done' : 'in_flight'
      put(id, 'in_flight')
      return 'claimed'
    },
    complete(id) {
      put(id, 'done')
    },
    release(id) {
      entries.delete(id)
    },
  }
}
