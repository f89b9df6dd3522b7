import { describe, expect, it } from 'vitest'
import type { DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import {
  type DeliveryRecord,
  type DeliveryStatus,
  type FinalStatus,
  IDEMPOTENCY_WINDOW_MS,
  type MessageRecord,
} from '../queue/message-log'
import { attempt as makeAttempt, nextId } from './factories'

/** A message of alice's, created at `at`. */
function makeMessage(at: number, overrides: Partial<MessageRecord> = {}): MessageRecord {
  const event = overrides.event ?? 'post.created'
  return {
    id: nextId('msg'),
    owner: 'alice',
    event,
    body: JSON.stringify({ type: event, timestamp: new Date(at).toISOString(), data: { at } }),
    created_at: at,
    idempotency_key: null,
    ...overrides,
  }
}

/** The delivery job of `message` to `subscriptionId`, due when the message was created. */
const jobOf = (message: MessageRecord, subscriptionId: string): DeliveryJob => ({
  id: nextId('dlv'),
  message_id: message.id,
  subscription_id: subscriptionId,
  owner: message.owner,
  event: message.event,
  body: message.body,
  attempt: 0,
  next_attempt_at: message.created_at,
  created_at: message.created_at,
})

/** Subscription ids in creation order, so they sort as created (deliveries list in that order). */
const subscriptionIds = (n: number) => Array.from({ length: n }, () => nextId('sub'))

/** What `enqueue` resolved as a duplicate, or `undefined`. */
const duplicateOf = (result: Awaited<ReturnType<DeliveryQueue['enqueue']>>) =>
  (result as { duplicateOf?: string } | undefined)?.duplicateOf

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id)

/**
 * The message-log half of {@link deliveryQueueSuite}: `enqueue` with a message, the final
 * statuses of `complete` and `cancelSubscription`, the reads, redeliver, replay, idempotency keys
 * and pruning. Each test starts from an empty queue made by `makeQueue`.
 *
 * Where the contract leaves room, the suite pins down: `complete` with `delivered`, `failed` or
 * `gone` counts the attempt that finished the job (`attempts` is one more than the job's
 * `attempt`), `cancelled` counts none; a completed job is never claimed again, not even after a
 * late `reschedule`; `updated_at` is the message's `created_at` at first and `now` after a
 * redeliver or replay; `prune` takes the oldest messages first.
 *
 * @example
 * describe('my queue', () => messageLogCases(() => myQueue()))
 */
export function messageLogCases(makeQueue: () => DeliveryQueue | Promise<DeliveryQueue>): void {
  /** Logs a message created at `at` with one job per subscription; returns both. */
  async function publish(
    queue: DeliveryQueue,
    at: number,
    subscriptions: readonly string[],
    overrides: Partial<MessageRecord> = {},
  ) {
    const message = makeMessage(at, overrides)
    const jobs = subscriptions.map((subscription) => jobOf(message, subscription))
    expect(duplicateOf(await queue.enqueue(jobs, message))).toBeUndefined()
    return { message, jobs }
  }

  /** Claims `job` (alone: nothing else may be due at `now`) and completes it with `status`. */
  async function finish(queue: DeliveryQueue, job: DeliveryJob, status: FinalStatus, now: number) {
    await queue.reschedule(job.id, job.attempt, now)
    expect(ids(await queue.claim(now, 1, 1000))).toEqual([job.id])
    await queue.complete(job.id, status)
  }

  const delivery = (
    job: DeliveryJob,
    status: DeliveryStatus,
    attempts: number,
    updatedAt: number | unknown = expect.any(Number),
  ): DeliveryRecord => ({
    id: job.id,
    message_id: job.message_id,
    subscription_id: job.subscription_id,
    status,
    attempts,
    updated_at: updatedAt as number,
  })

  const statusesOf = async (queue: DeliveryQueue, message: MessageRecord) =>
    (await queue.getMessage(message.owner, message.id))?.deliveries.map((d) => d.status)

  describe('message log', () => {
    it('logs the message of an enqueue byte for byte, also one with no jobs', async () => {
      const queue = await makeQueue()
      const [sub] = subscriptionIds(1) as [string]
      const { message, jobs } = await publish(queue, 100, [sub], {
        body: '{"emoji":"\u{1F600}","quote":"\\"","nul":"\\u0000","sp":" \\n"}',
      })
      const { message: silent } = await publish(queue, 200, [], { event: 'post.deleted' })
      expect(await queue.getMessage('alice', message.id)).toEqual({
        ...message,
        deliveries: [delivery(jobs[0] as DeliveryJob, 'pending', 0, 100)],
      })
      expect(await queue.getMessage('alice', silent.id)).toEqual({ ...silent, deliveries: [] })
      expect(await queue.listMessages('alice', { limit: 10 })).toEqual({
        items: [silent, message],
        nextCursor: null,
      })
      expect(await queue.size()).toBe(1)
      expect(await queue.claim(100, 10, 1000)).toEqual(jobs)
    })

    it('logs a message enqueued twice once', async () => {
      const queue = await makeQueue()
      const message = makeMessage(100)
      const job = jobOf(message, nextId('sub'))
      await queue.enqueue([job], message)
      await queue.enqueue([job], message)
      expect(ids((await queue.listMessages('alice', { limit: 10 })).items)).toEqual([message.id])
      expect(await queue.size()).toBe(1)
    })

    it('answers null for a message it never logged', async () => {
      const queue = await makeQueue()
      await publish(queue, 100, [nextId('sub')])
      expect(await queue.getMessage('alice', nextId('msg'))).toBeNull()
    })

    it("lists the owner's messages newest first, in pages", async () => {
      const queue = await makeQueue()
      const messages: MessageRecord[] = []
      for (let n = 1; n <= 5; n++) messages.push((await publish(queue, n * 100, [])).message)
      await publish(queue, 600, [], { owner: 'bob' })
      const first = await queue.listMessages('alice', { limit: 2 })
      expect(first.items).toEqual([messages[4], messages[3]])
      const second = await queue.listMessages('alice', {
        limit: 2,
        cursor: first.nextCursor ?? 'missing',
      })
      expect(second.items).toEqual([messages[2], messages[1]])
      const third = await queue.listMessages('alice', {
        limit: 2,
        cursor: second.nextCursor ?? 'missing',
      })
      expect(third).toEqual({ items: [messages[0]], nextCursor: null })
    })

    it('filters messages by event and by time, since inclusive and until exclusive', async () => {
      const queue = await makeQueue()
      const created: MessageRecord[] = []
      for (let n = 0; n < 8; n++) {
        const event = n % 2 === 0 ? 'post.created' : 'post.deleted'
        created.push((await publish(queue, n * 100, [], { event })).message)
      }
      const newest = (list: MessageRecord[]) => ids(list).reverse()
      const list = async (query: { event?: string; since?: number; until?: number }) =>
        ids((await queue.listMessages('alice', { ...query, limit: 50 })).items)
      expect(await list({ event: 'post.deleted' })).toEqual(
        newest(created.filter((m) => m.event === 'post.deleted')),
      )
      expect(await list({ since: 200, until: 500 })).toEqual(newest(created.slice(2, 5)))
      expect(await list({ event: 'post.created', since: 200, until: 600 })).toEqual(
        newest([created[2], created[4]] as MessageRecord[]),
      )
      expect(await list({ event: 'post' })).toEqual([])
      const first = await queue.listMessages('alice', {
        event: 'post.created',
        since: 100,
        limit: 2,
      })
      expect(ids(first.items)).toEqual(newest([created[4], created[6]] as MessageRecord[]))
      const rest = await queue.listMessages('alice', {
        event: 'post.created',
        since: 100,
        limit: 2,
        cursor: first.nextCursor ?? 'missing',
      })
      expect(rest).toEqual({ items: [created[2]], nextCursor: null })
    })

    it('shows another owner nothing and lets it change nothing', async () => {
      const queue = await makeQueue()
      const [sub] = subscriptionIds(1) as [string]
      const { message, jobs } = await publish(queue, 100, [sub])
      await finish(queue, jobs[0] as DeliveryJob, 'failed', 100)
      expect(await queue.getMessage('mallory', message.id)).toBeNull()
      expect(await queue.listMessages('mallory', { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      })
      expect(await queue.listSubscriptionMessages('mallory', sub, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      })
      expect(await queue.redeliver('mallory', message.id, [sub], 500)).toBe(0)
      for (const status of ['failed', 'all'] as const) {
        const query = { since: 0, status, events: ['post.created'], now: 500 }
        expect(await queue.replay('mallory', sub, query)).toBe(0)
      }
      expect(await statusesOf(queue, message)).toEqual(['failed'])
      expect(await queue.claim(10_000, 10, 1000)).toEqual([])
    })

    it('shows each delivery of a message with its status and attempts', async () => {
      const queue = await makeQueue()
      const subs = subscriptionIds(5)
      const { message, jobs } = await publish(queue, 100, subs)
      const [delivered, failed, gone, cancelled, retrying] = jobs as [
        DeliveryJob,
        DeliveryJob,
        DeliveryJob,
        DeliveryJob,
        DeliveryJob,
      ]
      expect(ids(await queue.claim(100, 10, 1000))).toEqual(ids(jobs))
      await queue.complete(delivered.id, 'delivered')
      await queue.reschedule(failed.id, 1, 200)
      await queue.reschedule(retrying.id, 1, 5000)
      await queue.complete(gone.id, 'gone')
      await queue.complete(cancelled.id, 'cancelled')
      expect(ids(await queue.claim(200, 10, 1000))).toEqual([failed.id])
      await queue.reschedule(failed.id, 2, 300)
      expect(ids(await queue.claim(300, 10, 1000))).toEqual([failed.id])
      await queue.complete(failed.id, 'failed')
      expect(await queue.getMessage('alice', message.id)).toEqual({
        ...message,
        deliveries: [
          delivery(delivered, 'delivered', 1),
          delivery(failed, 'failed', 3),
          delivery(gone, 'gone', 1),
          delivery(cancelled, 'cancelled', 0),
          delivery(retrying, 'pending', 1),
        ],
      })
      const deliveries = (await queue.getMessage('alice', message.id))?.deliveries ?? []
      for (const d of deliveries) expect(d.updated_at).toBeGreaterThanOrEqual(100)
      expect(await queue.size()).toBe(1)
    })

    it('never hands out a completed job again, even after a late reschedule', async () => {
      const statuses: FinalStatus[] = ['delivered', 'failed', 'gone', 'cancelled']
      for (const status of statuses) {
        const queue = await makeQueue()
        const { message, jobs } = await publish(queue, 100, subscriptionIds(1))
        const job = jobs[0] as DeliveryJob
        await finish(queue, job, status, 100)
        expect(await queue.size(), status).toBe(0)
        expect(await queue.nextDueAt(), status).toBeNull()
        await queue.reschedule(job.id, 1, 200)
        expect(await queue.claim(Number.MAX_SAFE_INTEGER, 10, 1000), status).toEqual([])
        expect(await statusesOf(queue, message), status).toEqual([status])
        expect(await queue.size(), status).toBe(0)
      }
    })

    it('cancels the pending deliveries of a subscription, leased or not, and only those', async () => {
      const queue = await makeQueue()
      const [gone, kept] = subscriptionIds(2) as [string, string]
      const done = await publish(queue, 100, [gone])
      await finish(queue, done.jobs[0] as DeliveryJob, 'delivered', 100)
      const leased = await publish(queue, 200, [gone, kept])
      expect(await queue.claim(200, 10, 60_000)).toEqual(leased.jobs)
      const waiting = await publish(queue, 300, [gone])
      await queue.cancelSubscription(gone)
      expect(await statusesOf(queue, done.message)).toEqual(['delivered'])
      expect(await statusesOf(queue, leased.message)).toEqual(['cancelled', 'pending'])
      expect(await statusesOf(queue, waiting.message)).toEqual(['cancelled'])
      expect(await queue.size()).toBe(1)
      expect(ids(await queue.claim(100_000, 10, 1000))).toEqual([leased.jobs[1]?.id])
    })

    it('lists the messages one subscription was sent, newest first, by status, in pages', async () => {
      const queue = await makeQueue()
      const [sub, other] = subscriptionIds(2) as [string, string]
      const sent: Array<{ message: MessageRecord; job: DeliveryJob }> = []
      const theirs: DeliveryJob[] = []
      for (let n = 1; n <= 5; n++) {
        const { message, jobs } = await publish(queue, n * 100, [sub, other])
        sent.push({ message, job: jobs[0] as DeliveryJob })
        theirs.push(jobs[1] as DeliveryJob)
      }
      expect(await queue.claim(500, 20, 60_000)).toHaveLength(10)
      for (const job of theirs) await queue.complete(job.id, 'delivered')
      // The 1st, 3rd and 5th failed; the 2nd and 4th are still pending.
      for (const n of [0, 2, 4]) await queue.complete(sent[n]?.job.id as string, 'failed')
      await publish(queue, 600, [other])
      const all = await queue.listSubscriptionMessages('alice', sub, { limit: 10 })
      expect(all.nextCursor).toBeNull()
      expect(ids(all.items)).toEqual(ids(sent.map((s) => s.message)).reverse())
      expect(all.items[0]).toEqual({
        ...sent[4]?.message,
        delivery: delivery(sent[4]?.job as DeliveryJob, 'failed', 1),
      })
      expect(all.items[1]).toEqual({
        ...sent[3]?.message,
        delivery: delivery(sent[3]?.job as DeliveryJob, 'pending', 0),
      })
      const first = await queue.listSubscriptionMessages('alice', sub, {
        status: 'failed',
        limit: 2,
      })
      expect(ids(first.items)).toEqual([sent[4]?.message.id, sent[2]?.message.id])
      const rest = await queue.listSubscriptionMessages('alice', sub, {
        status: 'failed',
        limit: 2,
        cursor: first.nextCursor ?? 'missing',
      })
      expect(ids(rest.items)).toEqual([sent[0]?.message.id])
      expect(rest.nextCursor).toBeNull()
      const pending = await queue.listSubscriptionMessages('alice', sub, {
        status: 'pending',
        limit: 10,
      })
      expect(ids(pending.items)).toEqual([sent[3]?.message.id, sent[1]?.message.id])
      expect(
        (await queue.listSubscriptionMessages('alice', sub, { status: 'gone', limit: 10 })).items,
      ).toEqual([])
    })
  })

  describe('redeliver', () => {
    it('queues the given deliveries again from attempt 0, due now, and leaves pending ones', async () => {
      const queue = await makeQueue()
      const subs = subscriptionIds(4)
      const { message, jobs } = await publish(queue, 100, subs)
      const [delivered, failed, pending, untouched] = jobs as [
        DeliveryJob,
        DeliveryJob,
        DeliveryJob,
        DeliveryJob,
      ]
      expect(await queue.claim(100, 10, 1000)).toEqual(jobs)
      await queue.complete(delivered.id, 'delivered')
      await queue.reschedule(failed.id, 2, 150)
      await queue.claim(150, 10, 1000)
      await queue.complete(failed.id, 'failed')
      await queue.reschedule(pending.id, 2, 9000)
      await queue.complete(untouched.id, 'failed')
      const given = [delivered, failed, pending].map((job) => job.subscription_id)
      expect(await queue.redeliver('alice', message.id, given, 5000)).toBe(2)
      expect((await queue.getMessage('alice', message.id))?.deliveries).toEqual([
        delivery(delivered, 'pending', 0, 5000),
        delivery(failed, 'pending', 0, 5000),
        delivery(pending, 'pending', 2),
        delivery(untouched, 'failed', 1),
      ])
      expect(await queue.size()).toBe(3)
      expect(await queue.nextDueAt()).toBe(5000)
      expect(await queue.claim(5000, 10, 1000)).toEqual([
        { ...delivered, attempt: 0, next_attempt_at: 5000 },
        { ...failed, attempt: 0, next_attempt_at: 5000 },
      ])
    })

    it('queues nothing for a message it does not know', async () => {
      const queue = await makeQueue()
      const { jobs } = await publish(queue, 100, subscriptionIds(1))
      await finish(queue, jobs[0] as DeliveryJob, 'failed', 100)
      const subs = [jobs[0]?.subscription_id as string]
      expect(await queue.redeliver('alice', nextId('msg'), subs, 500)).toBe(0)
      expect(await queue.size()).toBe(0)
    })
  })

  describe('replay', () => {
    it("queues a subscription's failed and cancelled deliveries of [since, until) in message order", async () => {
      const queue = await makeQueue()
      const [sub, other] = subscriptionIds(2) as [string, string]
      const outcomes: Array<FinalStatus | 'pending'> = [
        'failed', // before since
        'failed',
        'cancelled',
        'delivered',
        'gone',
        'failed',
        'pending',
        'failed', // at until
      ]
      const sent: Array<{ message: MessageRecord; jobs: DeliveryJob[] }> = []
      for (let n = 0; n < outcomes.length; n++) {
        sent.push(await publish(queue, 100 + n * 100, [sub, other]))
      }
      expect(await queue.claim(800, 100, 1000)).toHaveLength(16)
      // Finished newest first, so that message order is not the order they became final.
      for (const [n, outcome] of [...outcomes.entries()].reverse()) {
        const [mine, theirs] = (sent[n] as { jobs: DeliveryJob[] }).jobs as [
          DeliveryJob,
          DeliveryJob,
        ]
        await queue.complete(theirs.id, 'failed')
        if (outcome === 'pending') await queue.reschedule(mine.id, 1, 50_000)
        else await queue.complete(mine.id, outcome)
      }
      const query = { since: 200, until: 800, status: 'failed', events: ['post.created'] } as const
      expect(await queue.replay('alice', sub, { ...query, now: 10_000 })).toBe(3)
      const replayed = [1, 2, 5].map((n) => sent[n]?.jobs[0] as DeliveryJob)
      expect(await queue.claim(10_000, 10, 1000)).toEqual(
        replayed.map((job) => ({ ...job, attempt: 0, next_attempt_at: 10_000 })),
      )
      for (const job of replayed) {
        const message = await queue.getMessage('alice', job.message_id)
        expect(message?.deliveries[0]).toEqual(delivery(job, 'pending', 0, 10_000))
        expect(message?.deliveries[1]?.status).toBe('failed')
      }
      expect(await statusesOf(queue, sent[0]?.message as MessageRecord)).toEqual([
        'failed',
        'failed',
      ])
      expect(await statusesOf(queue, sent[7]?.message as MessageRecord)).toEqual([
        'failed',
        'failed',
      ])
      expect(await statusesOf(queue, sent[6]?.message as MessageRecord)).toEqual([
        'pending',
        'failed',
      ])
    })

    it('replays up to now when no until is given', async () => {
      const queue = await makeQueue()
      const [sub] = subscriptionIds(1) as [string]
      const early = await publish(queue, 100, [sub])
      const late = await publish(queue, 300, [sub])
      expect(await queue.claim(300, 10, 1000)).toHaveLength(2)
      await queue.complete(early.jobs[0]?.id as string, 'failed')
      await queue.complete(late.jobs[0]?.id as string, 'failed')
      const query = { since: 0, status: 'failed', events: ['post.created'], now: 300 } as const
      expect(await queue.replay('alice', sub, query)).toBe(1)
      expect(ids(await queue.claim(300, 10, 1000))).toEqual([early.jobs[0]?.id])
    })

    it("queues every message of the subscription's events with 'all', also ones it never got", async () => {
      const queue = await makeQueue()
      const [sub, other] = subscriptionIds(2) as [string, string]
      const events = ['post.created', 'post.updated']
      const delivered = await publish(queue, 100, [sub])
      const missed = await publish(queue, 200, [], { event: 'post.updated' })
      const otherEvent = await publish(queue, 300, [sub], { event: 'post.deleted' })
      const pending = await publish(queue, 400, [sub])
      const failed = await publish(queue, 500, [sub])
      await publish(queue, 600, [], { owner: 'bob' })
      const elsewhere = await publish(queue, 700, [other])
      const late = await publish(queue, 2000, [])
      expect(await queue.claim(700, 10, 1000)).toHaveLength(5)
      await queue.complete(delivered.jobs[0]?.id as string, 'delivered')
      await queue.complete(otherEvent.jobs[0]?.id as string, 'delivered')
      await queue.reschedule(pending.jobs[0]?.id as string, 1, 50_000)
      await queue.complete(failed.jobs[0]?.id as string, 'failed')
      await queue.complete(elsewhere.jobs[0]?.id as string, 'delivered')

      const query = { since: 0, until: 1000, status: 'all', events, now: 10_000 } as const
      expect(await queue.replay('alice', sub, query)).toBe(4)
      const queued = [delivered, missed, failed, elsewhere].map((m) => m.message)
      const claimed = await queue.claim(10_000, 10, 1000)
      expect(claimed).toEqual(
        queued.map((message) => ({
          id: expect.stringMatching(/^dlv_/),
          message_id: message.id,
          subscription_id: sub,
          owner: 'alice',
          event: message.event,
          body: message.body,
          attempt: 0,
          next_attempt_at: 10_000,
          created_at: message.created_at,
        })),
      )
      expect(claimed[0]?.id).toBe(delivered.jobs[0]?.id)
      expect(claimed[2]?.id).toBe(failed.jobs[0]?.id)
      expect((await queue.getMessage('alice', missed.message.id))?.deliveries).toEqual([
        {
          id: claimed[1]?.id,
          message_id: missed.message.id,
          subscription_id: sub,
          status: 'pending',
          attempts: 0,
          updated_at: 10_000,
        },
      ])
      expect(await statusesOf(queue, elsewhere.message)).toEqual(['pending', 'delivered'])
      expect(await statusesOf(queue, otherEvent.message)).toEqual(['delivered'])
      expect(await statusesOf(queue, pending.message)).toEqual(['pending'])
      expect(await statusesOf(queue, late.message)).toEqual([])
      expect(await queue.size()).toBe(5)
      const mine = await queue.listSubscriptionMessages('alice', sub, { limit: 10 })
      expect(ids(mine.items)).toContain(missed.message.id)
    })

    it("takes the messages of a subscription's patterns with 'all', each once", async () => {
      const queue = await makeQueue()
      const [sub, everything] = subscriptionIds(2) as [string, string]
      const created = await publish(queue, 100, [], { event: 'order.created' })
      const deeper = await publish(queue, 200, [], { event: 'order.created.v2' })
      await publish(queue, 300, [], { event: 'order' })
      await publish(queue, 400, [], { event: 'orders.created' })
      const underscore = await publish(queue, 500, [], { event: 'order_x.paid' })
      const window = { since: 0, until: 1000, status: 'all', now: 10_000 } as const
      // A name and a pattern taking the same message: one delivery of it.
      const events = ['order.created', 'order.*']
      expect(await queue.replay('alice', sub, { ...window, events })).toBe(2)
      const claimed = await queue.claim(10_000, 10, 1000)
      expect(claimed.map((job) => job.message_id)).toEqual(
        [created, deeper].map((m) => m.message.id),
      )
      expect(await queue.replay('alice', everything, { ...window, events: ['*'] })).toBe(5)
      expect(await queue.replay('alice', sub, { ...window, events: ['order_.*'] })).toBe(0)
      expect(await statusesOf(queue, underscore.message)).toEqual(['pending'])
    })
  })

  describe('idempotency keys', () => {
    it('answers the first message for a key the owner used within the window and writes nothing', async () => {
      const queue = await makeQueue()
      const sub = nextId('sub')
      const first = await publish(queue, 1000, [sub], { idempotency_key: 'order-7' })
      const again = makeMessage(1000 + IDEMPOTENCY_WINDOW_MS - 1, { idempotency_key: 'order-7' })
      const result = await queue.enqueue([jobOf(again, sub)], again)
      expect(duplicateOf(result)).toBe(first.message.id)
      expect(await queue.getMessage('alice', again.id)).toBeNull()
      expect(ids((await queue.listMessages('alice', { limit: 10 })).items)).toEqual([
        first.message.id,
      ])
      expect(await queue.size()).toBe(1)
    })

    it('takes the same key from another owner, another key, no key, or after the window', async () => {
      const queue = await makeQueue()
      const sub = nextId('sub')
      await publish(queue, 1000, [sub], { idempotency_key: 'order-7' })
      await publish(queue, 1001, [sub], { idempotency_key: 'order-7', owner: 'bob' })
      await publish(queue, 1002, [sub], { idempotency_key: 'order-8' })
      await publish(queue, 1003, [sub])
      await publish(queue, 1004, [sub])
      const later = 1000 + IDEMPOTENCY_WINDOW_MS + 1
      await publish(queue, later, [sub], { idempotency_key: 'order-7' })
      expect((await queue.listMessages('alice', { limit: 10 })).items).toHaveLength(5)
      expect(await queue.size()).toBe(6)
    })
  })

  describe('prune', () => {
    it('removes old messages whose deliveries are all final, oldest first, with their attempts', async () => {
      const queue = await makeQueue()
      const [sub, other] = subscriptionIds(2) as [string, string]
      const delivered = await publish(queue, 100, [sub, other])
      const stillPending = await publish(queue, 150, [sub, other])
      const failed = await publish(queue, 200, [sub, other])
      const silent = await publish(queue, 300, [])
      const recent = await publish(queue, 1000, [sub])
      expect(await queue.claim(1000, 20, 60_000)).toHaveLength(7)
      for (const job of [...delivered.jobs, ...recent.jobs, stillPending.jobs[0] as DeliveryJob]) {
        await queue.complete(job.id, 'delivered')
      }
      await queue.reschedule(stillPending.jobs[1]?.id as string, 1, 5000)
      await queue.complete(failed.jobs[0]?.id as string, 'failed')
      await queue.complete(failed.jobs[1]?.id as string, 'cancelled')
      const attemptOf = (message: MessageRecord) =>
        makeAttempt({ subscription_id: sub, message_id: message.id })
      const attempts = [delivered, stillPending, failed, recent].map((m) => attemptOf(m.message))
      for (const attempt of attempts) await queue.recordAttempt(attempt)

      expect(await queue.prune(1000, 2)).toBe(2)
      const left = async () => ids((await queue.listMessages('alice', { limit: 10 })).items)
      expect(await left()).toEqual(ids([recent, silent, stillPending].map((m) => m.message)))
      expect(await queue.prune(1000, 2)).toBe(1)
      expect(await queue.prune(1000, 2)).toBe(0)
      expect(await left()).toEqual(ids([recent, stillPending].map((m) => m.message)))
      expect(await queue.getMessage('alice', delivered.message.id)).toBeNull()
      expect(await statusesOf(queue, stillPending.message)).toEqual(['delivered', 'pending'])
      const logged = await queue.listAttempts('alice', sub, { limit: 10 })
      expect(ids(logged.items)).toEqual(ids([attempts[3], attempts[1]] as Array<{ id: string }>))
      expect(await queue.size()).toBe(1)
      expect(ids(await queue.claim(5000, 10, 1000))).toEqual([stillPending.jobs[1]?.id])
    })
  })
}
