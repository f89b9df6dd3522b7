import type { Page } from '../store/subscription-store'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from './delivery-queue'

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** Attempts kept per subscription in the log; the oldest go first. Default 100. */
  attemptLogLimit?: number
}

/** A job in the heap: `at` is when it may next be claimed (its due time, or its lease expiry). */
interface Entry {
  job: DeliveryJob
  at: number
  index: number
}

interface LoggedAttempt {
  seq: number
  record: AttemptRecord
}

/**
 * An in-memory {@link DeliveryQueue}: a min-heap of jobs by the time they may next be claimed
 * (due time or lease expiry), so `claim` and `nextDueAt` cost O(log n) and O(1). A job costs
 * its object, one heap slot and two index entries; the body string is shared by every job of a
 * notification. Nothing survives a restart: use the SQLite or PostgreSQL queue for durability.
 *
 * @example
 * const queue = memoryQueue({ attemptLogLimit: 50 })
 * await queue.enqueue([job])
 * const due = await queue.claim(Date.now(), 10, 30_000)
 */
export function memoryQueue(options: MemoryQueueOptions = {}): DeliveryQueue {
  const attemptLogLimit = options.attemptLogLimit ?? 100
  const heap: Entry[] = []
  const byId = new Map<string, Entry>()
  const bySubscription = new Map<string, Set<Entry>>()
  const attempts = new Map<string, LoggedAttempt[]>()
  let seq = 0

  const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.job.id < b.job.id)

  function place(entry: Entry, index: number) {
    heap[index] = entry
    entry.index = index
  }

  function up(index: number) {
    const entry = heap[index] as Entry
    let i = index
    while (i > 0) {
      const parentIndex = (i - 1) >> 1
      const parent = heap[parentIndex] as Entry
      if (!before(entry, parent)) break
      place(parent, i)
      i = parentIndex
    }
    place(entry, i)
  }

  function down(index: number) {
    const entry = heap[index] as Entry
    let i = index
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child =
        right < heap.length && before(heap[right] as Entry, heap[left] as Entry) ? right : left
      const smallest = heap[child] as Entry
      if (!before(smallest, entry)) break
      place(smallest, i)
      i = child
    }
    place(entry, i)
  }

  function fix(entry: Entry) {
    up(entry.index)
    down(entry.index)
  }

  function remove(entry: Entry) {
    const last = heap.pop() as Entry
    if (last !== entry) {
      place(last, entry.index)
      fix(last)
    }
    byId.delete(entry.job.id)
    const siblings = bySubscription.get(entry.job.subscription_id)
    siblings?.delete(entry)
    if (siblings?.size === 0) bySubscription.delete(entry.job.subscription_id)
  }

  return {
    async enqueue(jobs) {
      for (const job of jobs) {
        if (byId.has(job.id)) continue
        const entry: Entry = { job: { ...job }, at: job.next_attempt_at, index: heap.length }
        heap.push(entry)
        up(entry.index)
        byId.set(job.id, entry)
        const siblings = bySubscription.get(job.subscription_id)
        if (siblings) siblings.add(entry)
        else bySubscription.set(job.subscription_id, new Set([entry]))
      }
    },

    async claim(now, limit, leaseMs) {
      const claimed: Entry[] = []
      while (claimed.length < limit) {
        const top = heap[0]
        if (!top || top.at > now) break
        // Lease it: it stays in the heap, claimable again when the lease runs out.
        top.at = now + leaseMs
        down(0)
        claimed.push(top)
      }
      return claimed.map((entry) => ({ ...entry.job }))
    },

    async complete(id) {
      const entry = byId.get(id)
      if (entry) remove(entry)
    },

    async reschedule(id, attempt, nextAttemptAt) {
      const entry = byId.get(id)
      if (!entry) return
      entry.job.attempt = attempt
      entry.job.next_attempt_at = nextAttemptAt
      entry.at = nextAttemptAt
      fix(entry)
    },

    async nextDueAt() {
      return heap[0]?.at ?? null
    },

    async size() {
      return heap.length
    },

    async cancelSubscription(subscriptionId) {
      for (const entry of [...(bySubscription.get(subscriptionId) ?? [])]) remove(entry)
    },

    async recordAttempt(record) {
      let log = attempts.get(record.subscription_id)
      if (!log) {
        log = []
        attempts.set(record.subscription_id, log)
      }
      if (log.some((logged) => logged.record.id === record.id)) return
      log.push({ seq: ++seq, record: { ...record } })
      if (log.length > attemptLogLimit) log.splice(0, log.length - attemptLogLimit)
    },

    async listAttempts(owner, subscriptionId, query): Promise<Page<AttemptRecord>> {
      const below =
        query.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(query.cursor)
      const log = attempts.get(subscriptionId) ?? []
      const items: LoggedAttempt[] = []
      let more = false
      for (let i = log.length - 1; i >= 0; i--) {
        const logged = log[i] as LoggedAttempt
        if (logged.seq >= below || logged.record.owner !== owner) continue
        if (items.length === query.limit) {
          more = true
          break
        }
        items.push(logged)
      }
      const last = items.at(-1)
      return {
        items: items.map((logged) => ({ ...logged.record })),
        nextCursor: more && last ? last.seq.toString(36) : null,
      }
    },
  }
}

/** The cursor is the base-36 sequence number of the last attempt of the previous page. */
function decodeCursor(cursor: string): number {
  return /^[0-9a-z]{1,10}$/.test(cursor) ? Number.parseInt(cursor, 36) : 0
}
