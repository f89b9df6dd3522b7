import type { Page } from '../page'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from './delivery-queue'
import { createTimeline, type TimelineItem } from './timeline'

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** Attempts kept per subscription in the log; the oldest go first. Default 100. */
  attemptLogLimit?: number
}

/**
 * A job (its own copy of the fields) and its place in the pending or the leased timeline, in
 * one object: a backlog of many thousands is kept, and scavenged, at one object per job.
 * `at` is when it may next be claimed (its due time while pending, its lease expiry while leased).
 */
interface Entry extends DeliveryJob, TimelineItem {
  leased: boolean
  /** Its neighbours among the jobs of its subscription (an intrusive list). */
  prevSibling: Entry | null
  nextSibling: Entry | null
}

interface LoggedAttempt {
  seq: number
  record: AttemptRecord
}

/**
 * An in-memory {@link DeliveryQueue}. Pending jobs live in a timeline by due time (enqueue order
 * breaking ties): fresh jobs arrive in due order and join an in-order run, O(1) to add and to
 * claim even under a backlog of many thousands; retries and out-of-order times go to a min-heap.
 * Leased jobs are in a second timeline by lease expiry (a lease that runs out moves its job back
 * to pending), which holds only what the workers hold, so completing a delivery never touches
 * the backlog. `nextDueAt` is O(1). A job costs one object (its fields and its place) and one
 * index entry by id; the jobs of a subscription are linked through their entries, for
 * `cancelSubscription`; the body string is shared by every job of a notification. Nothing
 * survives a restart: use the SQLite or PostgreSQL queue for durability.
 *
 * @example
 * const queue = memoryQueue({ attemptLogLimit: 50 })
 * await queue.enqueue([job])
 * const due = await queue.claim(Date.now(), 10, 30_000)
 */
export function memoryQueue(options: MemoryQueueOptions = {}): DeliveryQueue {
  const attemptLogLimit = options.attemptLogLimit ?? 100
  const trimStep = Math.max(1, Math.ceil(attemptLogLimit / 4))
  const pending = createTimeline<Entry>()
  // Leases run for the same time from a growing now: they too arrive in order, and the run
  // takes completions in any order at O(1), where a heap sifted on every one.
  const leased = createTimeline<Entry>()
  const byId = new Map<string, Entry>()
  /** The first of each subscription's pending jobs. */
  const bySubscription = new Map<string, Entry>()
  const attempts = new Map<string, LoggedAttempt[]>()
  let seq = 0
  let enqueued = 0

  /** Takes `entry` out of the timeline holding it (pending or leased). */
  function untime(entry: Entry) {
    if (entry.leased) leased.remove(entry)
    else pending.remove(entry)
  }

  function remove(entry: Entry) {
    untime(entry)
    byId.delete(entry.id)
    const { prevSibling, nextSibling } = entry
    if (nextSibling) nextSibling.prevSibling = prevSibling
    if (prevSibling) prevSibling.nextSibling = nextSibling
    else if (nextSibling) bySubscription.set(entry.subscription_id, nextSibling)
    else bySubscription.delete(entry.subscription_id)
  }

  /** Leases that ran out by `now` make their jobs claimable again. */
  function expireLeases(now: number) {
    for (let top = leased.peek(); top && top.at <= now; top = leased.peek()) {
      leased.pop()
      top.leased = false
      pending.push(top, false)
    }
  }

  return {
    async enqueue(jobs) {
      for (const job of jobs) {
        if (byId.has(job.id)) continue
        const first = bySubscription.get(job.subscription_id) ?? null
        const entry: Entry = {
          id: job.id,
          message_id: job.message_id,
          subscription_id: job.subscription_id,
          owner: job.owner,
          event: job.event,
          body: job.body,
          attempt: job.attempt,
          next_attempt_at: job.next_attempt_at,
          created_at: job.created_at,
          seq: ++enqueued,
          at: job.next_attempt_at,
          index: 0,
          inRun: false,
          leased: false,
          prevSibling: null,
          nextSibling: first,
        }
        pending.push(entry, true)
        byId.set(job.id, entry)
        if (first) first.prevSibling = entry
        bySubscription.set(job.subscription_id, entry)
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
        leased.push(top, true)
        jobs.push(jobOf(top))
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
      untime(entry)
      entry.attempt = attempt
      entry.next_attempt_at = nextAttemptAt
      entry.at = nextAttemptAt
      entry.leased = false
      pending.push(entry, false)
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
      for (let entry = bySubscription.get(subscriptionId); entry; ) {
        const next: Entry | null = entry.nextSibling
        remove(entry)
        entry = next ?? undefined
      }
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
      // Trimmed in steps of a quarter of the limit, not on every attempt: shifting a full log
      // per delivery cost more than the rest of recording it. Reads skip the surplus.
      if (log.length >= attemptLogLimit + trimStep) log.splice(0, log.length - attemptLogLimit)
    },

    async listAttempts(owner, subscriptionId, query): Promise<Page<AttemptRecord>> {
      const below =
        query.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(query.cursor)
      const log = attempts.get(subscriptionId) ?? []
      const items: LoggedAttempt[] = []
      let more = false
      const oldest = Math.max(0, log.length - attemptLogLimit)
      for (let i = log.length - 1; i >= oldest; i--) {
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

/** A copy of the job fields of an entry, for a worker (which never sees the entry itself). */
function jobOf(entry: Entry): DeliveryJob {
  return {
    id: entry.id,
    message_id: entry.message_id,
    subscription_id: entry.subscription_id,
    owner: entry.owner,
    event: entry.event,
    body: entry.body,
    attempt: entry.attempt,
    next_attempt_at: entry.next_attempt_at,
    created_at: entry.created_at,
  }
}

/** The cursor is the base-36 sequence number of the last attempt of the previous page. */
function decodeCursor(cursor: string): number {
  return /^[0-9a-z]{1,10}$/.test(cursor) ? Number.parseInt(cursor, 36) : 0
}
