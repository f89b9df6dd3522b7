import type { Page } from '../store/subscription-store'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from './delivery-queue'

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** Attempts kept per subscription in the log; the oldest go first. Default 100. */
  attemptLogLimit?: number
}

/**
 * A job in one of the two heaps: `at` is when it may next be claimed (its due time while
 * pending, its lease expiry while leased).
 */
interface Entry {
  job: DeliveryJob
  /** `job.id`, kept beside `at`: the heap compares it on every tie (one load fewer). */
  id: string
  at: number
  index: number
  leased: boolean
}

interface LoggedAttempt {
  seq: number
  record: AttemptRecord
}

/**
 * An in-memory {@link DeliveryQueue}: two min-heaps by the time a job may next be claimed, with
 * the job id breaking ties: pending jobs by due time, leased jobs by lease expiry (a lease that
 * runs out moves its job back to the pending heap). `claim` and `complete` cost O(log n) and
 * `nextDueAt` O(1); the leased heap holds only what the workers hold, so completing a delivery
 * never sifts through the whole backlog. A job costs its object, one heap slot and two index
 * entries; the body string is shared by every job of a notification. Nothing survives a
 * restart: use the SQLite or PostgreSQL queue for durability.
 *
 * @example
 * const queue = memoryQueue({ attemptLogLimit: 50 })
 * await queue.enqueue([job])
 * const due = await queue.claim(Date.now(), 10, 30_000)
 */
export function memoryQueue(options: MemoryQueueOptions = {}): DeliveryQueue {
  const attemptLogLimit = options.attemptLogLimit ?? 100
  const pending = createHeap()
  const leased = createHeap()
  const byId = new Map<string, Entry>()
  const bySubscription = new Map<string, Set<Entry>>()
  const attempts = new Map<string, LoggedAttempt[]>()
  let seq = 0

  function remove(entry: Entry) {
    ;(entry.leased ? leased : pending).remove(entry)
    byId.delete(entry.job.id)
    const siblings = bySubscription.get(entry.job.subscription_id)
    siblings?.delete(entry)
    if (siblings?.size === 0) bySubscription.delete(entry.job.subscription_id)
  }

  /** Leases that ran out by `now` make their jobs claimable again. */
  function expireLeases(now: number) {
    for (let top = leased.peek(); top && top.at <= now; top = leased.peek()) {
      leased.pop()
      top.leased = false
      pending.push(top)
    }
  }

  return {
    async enqueue(jobs) {
      for (const job of jobs) {
        if (byId.has(job.id)) continue
        const entry: Entry = {
          job: { ...job },
          id: job.id,
          at: job.next_attempt_at,
          index: 0,
          leased: false,
        }
        pending.push(entry)
        byId.set(job.id, entry)
        const siblings = bySubscription.get(job.subscription_id)
        if (siblings) siblings.add(entry)
        else bySubscription.set(job.subscription_id, new Set([entry]))
      }
    },

    async claim(now, limit, leaseMs) {
      expireLeases(now)
      const jobs: DeliveryJob[] = []
      while (jobs.length < limit) {
        const top = pending.peek()
        if (!top || top.at > now) break
        pending.pop()
        top.at = now + leaseMs
        top.leased = true
        leased.push(top)
        jobs.push({ ...top.job })
      }
      return jobs
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
      if (entry.leased) {
        leased.remove(entry)
        entry.leased = false
        pending.push(entry)
      } else {
        pending.fix(entry)
      }
    },

    async nextDueAt() {
      const due = pending.peek()?.at ?? null
      const expiry = leased.peek()?.at ?? null
      if (due === null) return expiry
      return expiry === null ? due : Math.min(due, expiry)
    },

    async size() {
      return pending.size() + leased.size()
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
      // Attempt ids grow with time: one above the newest logged is new without a scan.
      const newest = log[log.length - 1]
      if (newest && record.id <= newest.record.id && log.some((l) => l.record.id === record.id)) {
        return
      }
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

/** A binary min-heap of entries by (`at`, job id); each entry knows its index. */
interface Heap {
  peek(): Entry | undefined
  push(entry: Entry): void
  pop(): Entry | undefined
  remove(entry: Entry): void
  /** Restores the order after `entry.at` changed. */
  fix(entry: Entry): void
  size(): number
}

function createHeap(): Heap {
  const items: Entry[] = []
  const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.id < b.id)

  function place(entry: Entry, index: number) {
    items[index] = entry
    entry.index = index
  }

  function up(index: number) {
    const entry = items[index] as Entry
    let i = index
    while (i > 0) {
      const parentIndex = (i - 1) >> 1
      const parent = items[parentIndex] as Entry
      if (!before(entry, parent)) break
      place(parent, i)
      i = parentIndex
    }
    place(entry, i)
  }

  function down(index: number) {
    const entry = items[index] as Entry
    let i = index
    for (;;) {
      const left = 2 * i + 1
      if (left >= items.length) break
      const right = left + 1
      const child =
        right < items.length && before(items[right] as Entry, items[left] as Entry) ? right : left
      const smallest = items[child] as Entry
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
    const last = items.pop() as Entry
    if (last !== entry) {
      place(last, entry.index)
      fix(last)
    }
  }

  return {
    peek: () => items[0],
    push(entry) {
      place(entry, items.length)
      up(entry.index)
    },
    pop() {
      const top = items[0]
      if (top) remove(top)
      return top
    },
    remove,
    fix,
    size: () => items.length,
  }
}
