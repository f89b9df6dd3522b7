import { eventMatches } from '@rh/protocol'
import { newId } from '../ids'
import type { Page } from '../page'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from './delivery-queue'
import { createMessageIndex, type Delivery, type LoggedMessage } from './memory-message-index'
import {
  type DeliveryRecord,
  type FinalStatus,
  IDEMPOTENCY_WINDOW_MS,
  type MessageRecord,
} from './message-log'
import { createTimeline, type TimelineItem } from './timeline'

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** Attempts kept per subscription in the log; the oldest go first. Default 100. */
  attemptLogLimit?: number
  /**
   * Messages kept in the message log; beyond it the oldest whose deliveries are all final are
   * dropped (their attempts stay while the attempt log holds them). Messages with a pending delivery are never dropped, so the
   * log may hold more while they wait. Default 100,000.
   */
  maxMessages?: number
}

/**
 * A delivery (a job) and its place in the pending or the leased timeline, in one object: a
 * backlog of many thousands is kept, and scavenged, at one object per job. `at` is when it may
 * next be claimed (its due time while pending, its lease expiry while leased).
 */
interface Entry extends DeliveryJob, TimelineItem, Delivery {
  leased: boolean
  /** In its line's `waiting` (a `fifo` job behind the line's head): in no timeline. */
  waiting: boolean
  /** Its neighbours among the pending jobs of its subscription (an intrusive list). */
  prevSibling: Entry | null
  nextSibling: Entry | null
}

/**
 * The pending `fifo` jobs of one subscription: the head is the only one in a timeline (due,
 * leased or waiting for its retry); the rest wait in message order until it is settled.
 */
interface Line {
  head: Entry
  waiting: Entry[]
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
 * index entry by id; the pending jobs of a subscription are linked through their entries, for
 * `cancelSubscription`; the body string is shared by every job of a notification.
 *
 * The message log ({@link createMessageIndex}) indexes messages by owner and deliveries by
 * subscription; a completed job stays there as its delivery with its final status, until its
 * message is pruned or, past `maxMessages`, dropped oldest first. A job enqueued without a
 * logged message is forgotten once completed. Nothing survives a restart: use the SQLite or
 * PostgreSQL queue for durability.
 *
 * @example
 * const queue = memoryQueue({ attemptLogLimit: 50, maxMessages: 10_000 })
 * await queue.enqueue([job], message)
 * const due = await queue.claim(Date.now(), 10, 30_000)
 */
export function memoryQueue(options: MemoryQueueOptions = {}): DeliveryQueue {
  const attemptLogLimit = options.attemptLogLimit ?? 100
  const trimStep = Math.max(1, Math.ceil(attemptLogLimit / 4))
  const pending = createTimeline<Entry>()
  // Leases run for the same time from a growing now: they too arrive in order, and the run
  // takes completions in any order at O(1), where a heap sifted on every one.
  const leased = createTimeline<Entry>()
  /** Every job: pending, and final ones while their message is logged. */
  const byId = new Map<string, Entry>()
  /** The first of each subscription's pending jobs. */
  const pendingBySubscription = new Map<string, Entry>()
  const attempts = new Map<string, LoggedAttempt[]>()
  /** The line of each subscription with pending `fifo` jobs. */
  const lines = new Map<string, Line>()
  let waitingJobs = 0
  const log = createMessageIndex<Entry>({
    maxMessages: options.maxMessages ?? 100_000,
    onDrop(message, pruned) {
      for (const delivery of message.deliveries) {
        byId.delete(delivery.id)
        // Evicting runs on the delivery path, where an attempt log is bounded on its own anyway;
        // pruning (retention) runs in the background and takes the attempts along.
        if (pruned) forgetAttempts(delivery.subscription_id, message.id)
      }
    },
  })
  let seq = 0
  let enqueued = 0

  /** Takes `entry` out of the timeline holding it (pending or leased). */
  function untime(entry: Entry) {
    if (entry.leased) leased.remove(entry)
    else pending.remove(entry)
  }

  function link(entry: Entry) {
    const first = pendingBySubscription.get(entry.subscription_id) ?? null
    entry.prevSibling = null
    entry.nextSibling = first
    if (first) first.prevSibling = entry
    pendingBySubscription.set(entry.subscription_id, entry)
  }

  function unlink(entry: Entry) {
    const { prevSibling, nextSibling } = entry
    if (nextSibling) nextSibling.prevSibling = prevSibling
    if (prevSibling) prevSibling.nextSibling = nextSibling
    else if (nextSibling) pendingBySubscription.set(entry.subscription_id, nextSibling)
    else pendingBySubscription.delete(entry.subscription_id)
    entry.prevSibling = null
    entry.nextSibling = null
  }

  /**
   * Makes the pending `entry` claimable when due: into the pending timeline, or, a `fifo` job
   * behind its line's head, into the line's `waiting` in message order.
   */
  function schedule(entry: Entry, append: boolean) {
    entry.leased = false
    entry.waiting = false
    if (entry.fifo) {
      const line = lines.get(entry.subscription_id)
      if (line) {
        const { head } = line
        // An earlier message goes before a head no worker holds (as a durable queue's claim
        // takes the first of a line whose jobs are all due).
        if (!head.leased && inMessageOrder(entry, head) < 0) {
          pending.remove(head)
          head.waiting = true
          insertInOrder(line.waiting, head)
          waitingJobs++
          line.head = entry
          pending.push(entry, append)
          return
        }
        entry.waiting = true
        insertInOrder(line.waiting, entry)
        waitingJobs++
        return
      }
      lines.set(entry.subscription_id, { head: entry, waiting: [] })
    }
    pending.push(entry, append)
  }

  /** The `fifo` `entry` leaves its line; when it was the head, the next in order takes its place. */
  function leaveLine(entry: Entry) {
    const line = lines.get(entry.subscription_id)
    if (!line) return
    if (entry.waiting) {
      line.waiting.splice(line.waiting.indexOf(entry), 1)
      waitingJobs--
      entry.waiting = false
      return
    }
    if (line.head !== entry) return
    const next = line.waiting.shift()
    if (!next) {
      lines.delete(entry.subscription_id)
      return
    }
    waitingJobs--
    next.waiting = false
    next.at = next.next_attempt_at
    line.head = next
    pending.push(next, false)
  }

  /** The pending `entry` ends with `status`: out of the timelines, into the log as final. */
  function finish(entry: Entry, status: FinalStatus) {
    if (entry.fifo) {
      const waiting = entry.waiting
      leaveLine(entry)
      if (!waiting) untime(entry)
    } else {
      untime(entry)
    }
    unlink(entry)
    if (status !== 'cancelled') entry.attempt++
    entry.status = status
    entry.updated_at = entry.claimed_at
    if (entry.message === null) byId.delete(entry.id)
    else log.settled(entry.message)
  }

  /** Makes `entry` pending again from attempt 0, due at `now`, after the entries queued before. */
  function requeue(entry: Entry, now: number) {
    entry.status = 'pending'
    entry.attempt = 0
    entry.next_attempt_at = now
    entry.at = now
    entry.seq = ++enqueued
    entry.updated_at = now
    entry.claimed_at = now
    schedule(entry, true)
    link(entry)
    if (entry.message) log.unsettled(entry.message)
  }

  function forgetAttempts(subscriptionId: string, messageId: string) {
    const logged = attempts.get(subscriptionId)
    if (!logged) return
    const kept = logged.filter((l) => l.record.message_id !== messageId)
    if (kept.length === 0) attempts.delete(subscriptionId)
    else if (kept.length !== logged.length) attempts.set(subscriptionId, kept)
  }

  /** Leases that ran out by `now` make their jobs claimable again. */
  function expireLeases(now: number) {
    for (let top = leased.peek(); top && top.at <= now; top = leased.peek()) {
      leased.pop()
      top.leased = false
      pending.push(top, false)
    }
  }

  function add(job: DeliveryJob, message: LoggedMessage<Entry> | null, now: number) {
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
      fifo: job.fifo === true,
      waiting: false,
      seq: ++enqueued,
      at: job.next_attempt_at,
      index: 0,
      inRun: false,
      leased: false,
      prevSibling: null,
      nextSibling: null,
      status: 'pending',
      updated_at: now,
      claimed_at: now,
      message,
      olderSent: null,
      newerSent: null,
    }
    schedule(entry, true)
    byId.set(job.id, entry)
    link(entry)
    if (message) log.attach(message, entry)
    return entry
  }

  return {
    async enqueue(jobs, message) {
      if (message) {
        const duplicate = log.byKey(message)
        if (duplicate && duplicate.id !== message.id) {
          if (message.created_at - duplicate.created_at < IDEMPOTENCY_WINDOW_MS) {
            return { duplicateOf: duplicate.id }
          }
        }
        log.add(message)
      }
      for (const job of jobs) {
        if (byId.has(job.id)) continue
        const logged = log.get(job.message_id)
        add(job, logged && logged.owner === job.owner ? logged : null, job.created_at)
      }
      if (message) log.evict()
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
        top.claimed_at = now
        leased.push(top, true)
        jobs.push(jobOf(top))
      }
      return jobs
    },

    async complete(id, status) {
      const entry = byId.get(id)
      if (entry?.status === 'pending') finish(entry, status)
    },

    async reschedule(id, attempt, nextAttemptAt) {
      const entry = byId.get(id)
      // A job waiting in its line was never claimed: nothing to put back.
      if (entry?.status !== 'pending' || entry.waiting) return
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
      return pending.size() + leased.size() + waitingJobs
    },

    async cancelSubscription(subscriptionId) {
      for (let entry = pendingBySubscription.get(subscriptionId); entry; ) {
        const next: Entry | null = entry.nextSibling
        finish(entry, 'cancelled')
        entry = next ?? undefined
      }
    },

    async recordAttempt(record) {
      let logged = attempts.get(record.subscription_id)
      if (!logged) {
        logged = []
        attempts.set(record.subscription_id, logged)
      }
      // Attempt ids grow with time: one above the newest logged is new without a scan.
      const newest = logged[logged.length - 1]
      if (
        newest &&
        record.id <= newest.record.id &&
        logged.some((l) => l.record.id === record.id)
      ) {
        return
      }
      logged.push({ seq: ++seq, record: { ...record } })
      // Trimmed in steps of a quarter of the limit, not on every attempt: shifting a full log
      // per delivery cost more than the rest of recording it. Reads skip the surplus.
      if (logged.length >= attemptLogLimit + trimStep) {
        logged.splice(0, logged.length - attemptLogLimit)
      }
    },

    async listAttempts(owner, subscriptionId, query): Promise<Page<AttemptRecord>> {
      const below =
        query.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(query.cursor)
      const logged = attempts.get(subscriptionId) ?? []
      const items: LoggedAttempt[] = []
      let more = false
      const oldest = Math.max(0, logged.length - attemptLogLimit)
      for (let i = logged.length - 1; i >= oldest; i--) {
        const entry = logged[i] as LoggedAttempt
        if (entry.seq >= below || entry.record.owner !== owner) continue
        if (items.length === query.limit) {
          more = true
          break
        }
        items.push(entry)
      }
      const last = items.at(-1)
      return {
        items: items.map((entry) => ({ ...entry.record })),
        nextCursor: more && last ? last.seq.toString(36) : null,
      }
    },

    async listMessages(owner, query) {
      const { event, since, until } = query
      const page = log.messagesOf(owner, query.cursor, query.limit, (message) => {
        if (event !== undefined && message.event !== event) return false
        if (since !== undefined && message.created_at < since) return false
        return until === undefined || message.created_at < until
      })
      return { items: page.items.map(recordOf), nextCursor: page.nextCursor }
    },

    async getMessage(owner, id) {
      const message = log.get(id)
      if (!message || message.owner !== owner) return null
      const deliveries = message.deliveries
        .map(deliveryOf)
        .sort((a, b) => (a.subscription_id < b.subscription_id ? -1 : 1))
      return { ...recordOf(message), deliveries }
    },

    async listSubscriptionMessages(owner, subscriptionId, query) {
      const { status } = query
      const page = log.deliveriesOf(
        subscriptionId,
        query.cursor,
        query.limit,
        (entry) =>
          entry.owner === owner &&
          entry.message !== null &&
          (status === undefined || entry.status === status),
      )
      return {
        items: page.items.map((entry) => ({
          ...recordOf(entry.message as LoggedMessage<Entry>),
          delivery: deliveryOf(entry),
        })),
        nextCursor: page.nextCursor,
      }
    },

    async redeliver(owner, messageId, subscriptionIds, now) {
      const message = log.get(messageId)
      if (!message || message.owner !== owner) return 0
      let queued = 0
      for (const subscriptionId of subscriptionIds) {
        const entry = log.delivery(subscriptionId, messageId)
        if (!entry || entry.status === 'pending') continue
        requeue(entry, now)
        queued++
      }
      return queued
    },

    async replay(owner, subscriptionId, query) {
      const until = query.until ?? query.now
      const inRange = (message: LoggedMessage<Entry>) =>
        message.owner === owner && message.created_at >= query.since && message.created_at < until
      const due: Array<Entry | LoggedMessage<Entry>> = []
      if (query.status === 'failed') {
        log.forEachDelivery(subscriptionId, (entry) => {
          const replayable = entry.status === 'failed' || entry.status === 'cancelled'
          if (replayable && entry.message && inRange(entry.message)) due.push(entry)
        })
      } else {
        // Names and patterns (`order.*`, `*`) alike.
        const takes = (event: string) => query.events.some((entry) => eventMatches(entry, event))
        const sent = new Map<string, Entry>()
        log.forEachDelivery(subscriptionId, (entry) => sent.set(entry.message_id, entry))
        log.forEachMessage(owner, (message) => {
          if (!inRange(message) || !takes(message.event)) return
          const entry = sent.get(message.id)
          if (entry?.status !== 'pending') due.push(entry ?? message)
        })
      }
      // Queued in message order (due at the same time, earlier entries are claimed first).
      const fresh: Array<[LoggedMessage<Entry>, Entry]> = []
      for (const item of due) {
        const fifo = query.fifo === true
        if (!('deliveries' in item)) {
          item.fifo = fifo
          requeue(item, query.now)
        } else {
          const job = newJob(item, subscriptionId, query.now)
          if (fifo) job.fifo = true
          fresh.push([item, add(job, null, query.now)])
        }
      }
      for (const [message, entry] of fresh) entry.message = message
      log.attachSorted(subscriptionId, fresh)
      return due.length
    },

    async prune(before, limit) {
      return log.prune(before, limit)
    },
  }
}

/** A new delivery job of `message` to `subscriptionId`, due at `now`. */
function newJob(message: LoggedMessage<Entry>, subscriptionId: string, now: number): DeliveryJob {
  return {
    id: newId('dlv', now),
    message_id: message.id,
    subscription_id: subscriptionId,
    owner: message.owner,
    event: message.event,
    body: message.body,
    attempt: 0,
    next_attempt_at: now,
    created_at: message.created_at,
  }
}

/** Inserts `entry` into a line's `waiting`, in message order (usually at the end). */
function insertInOrder(waiting: Entry[], entry: Entry) {
  let i = waiting.length
  while (i > 0 && inMessageOrder(entry, waiting[i - 1] as Entry) < 0) i--
  waiting.splice(i, 0, entry)
}

/** Message order: accepted first, then message id, then job id. */
function inMessageOrder(a: DeliveryJob, b: DeliveryJob): number {
  if (a.created_at !== b.created_at) return a.created_at - b.created_at
  if (a.message_id !== b.message_id) return a.message_id < b.message_id ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** A copy of the job fields of an entry, for a worker (which never sees the entry itself). */
function jobOf(entry: Entry): DeliveryJob {
  const job: DeliveryJob = {
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
  if (entry.fifo) job.fifo = true
  return job
}

function recordOf(message: LoggedMessage<Entry>): MessageRecord {
  return {
    id: message.id,
    owner: message.owner,
    event: message.event,
    body: message.body,
    created_at: message.created_at,
    idempotency_key: message.idempotency_key,
  }
}

function deliveryOf(entry: Entry): DeliveryRecord {
  return {
    id: entry.id,
    message_id: entry.message_id,
    subscription_id: entry.subscription_id,
    status: entry.status,
    attempts: entry.attempt,
    updated_at: entry.updated_at,
  }
}

/** The cursor is the base-36 sequence number of the last attempt of the previous page. */
function decodeCursor(cursor: string): number {
  return /^[0-9a-z]{1,10}$/.test(cursor) ? Number.parseInt(cursor, 36) : 0
}
