import { describe, expect, it } from 'vitest'
import type { DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import { job, attempt as makeAttempt, nextId as unique } from './factories'
import { fifoQueueCases } from './fifo-queue-cases'
import { messageLogCases } from './message-log-suite'

/** A job of its own subscription, so no two jobs of the suite share one. */
const makeJob = (at: number, overrides: Partial<DeliveryJob> = {}): DeliveryJob =>
  job(at, { subscription_id: unique('sub'), ...overrides })

const ids = (jobs: DeliveryJob[]) => jobs.map((job) => job.id)

/**
 * The behaviour every {@link DeliveryQueue} must have, as a vitest suite: the job queue, the
 * attempt log and the message log (see `messageLogCases`). `makeQueue` must return an empty
 * queue each time. Times are small integers: a queue must never read the wall clock.
 *
 * @example
 * import { deliveryQueueSuite } from '@rh/server/testing'
 * deliveryQueueSuite('my queue', async () => myQueue(await freshDatabase()))
 */
export function deliveryQueueSuite(
  name: string,
  makeQueue: () => DeliveryQueue | Promise<DeliveryQueue>,
): void {
  describe(`DeliveryQueue: ${name}`, () => {
    it('is empty at first', async () => {
      const queue = await makeQueue()
      expect(await queue.size()).toBe(0)
      expect(await queue.nextDueAt()).toBeNull()
      expect(await queue.claim(Number.MAX_SAFE_INTEGER, 10, 1000)).toEqual([])
    })

    it('keeps a job byte for byte and hands it out only once it is due', async () => {
      const queue = await makeQueue()
      const job = makeJob(1000, { body: '{"emoji":"\u{1F600}","quote":"\\"","nul":"\\u0000"}' })
      await queue.enqueue([job])
      expect(await queue.size()).toBe(1)
      expect(await queue.nextDueAt()).toBe(1000)
      expect(await queue.claim(999, 10, 30_000)).toEqual([])
      expect(await queue.claim(1000, 10, 30_000)).toEqual([job])
    })

    it('ignores a job enqueued twice with the same id', async () => {
      const queue = await makeQueue()
      const job = makeJob(0)
      await queue.enqueue([job])
      await queue.enqueue([job])
      expect(await queue.size()).toBe(1)
    })

    it('claims at most the limit, earliest first', async () => {
      const queue = await makeQueue()
      const [late, early, middle] = [makeJob(30), makeJob(10), makeJob(20)]
      await queue.enqueue([late, early, middle] as DeliveryJob[])
      expect(await queue.claim(100, 0, 1000)).toEqual([])
      expect(ids(await queue.claim(100, 2, 1000))).toEqual([early?.id, middle?.id])
      expect(ids(await queue.claim(100, 2, 1000))).toEqual([late?.id])
    })

    it('does not hand a leased job to a second worker until the lease runs out', async () => {
      const queue = await makeQueue()
      const job = makeJob(0)
      await queue.enqueue([job])
      expect(ids(await queue.claim(10, 10, 1000))).toEqual([job.id])
      expect(await queue.claim(500, 10, 1000)).toEqual([])
      expect(await queue.nextDueAt()).toBe(1010)
      expect(await queue.size()).toBe(1)
      expect(ids(await queue.claim(1010, 10, 1000))).toEqual([job.id])
    })

    it('reschedules a job with its attempt count and releases the lease', async () => {
      const queue = await makeQueue()
      const job = makeJob(0)
      await queue.enqueue([job])
      await queue.claim(0, 1, 60_000)
      await queue.reschedule(job.id, 1, 5000)
      expect(await queue.nextDueAt()).toBe(5000)
      expect(await queue.claim(4999, 1, 1000)).toEqual([])
      expect(await queue.claim(5000, 1, 1000)).toEqual([
        { ...job, attempt: 1, next_attempt_at: 5000 },
      ])
    })

    it('releases a lease at once when rescheduled to now', async () => {
      const queue = await makeQueue()
      const job = makeJob(0)
      await queue.enqueue([job])
      await queue.claim(100, 1, 60_000)
      await queue.reschedule(job.id, 0, 100)
      expect(ids(await queue.claim(100, 1, 60_000))).toEqual([job.id])
    })

    it('never hands out a completed job again', async () => {
      const queue = await makeQueue()
      const [done, pending] = [makeJob(0), makeJob(50)]
      await queue.enqueue([done, pending] as DeliveryJob[])
      await queue.claim(0, 1, 1000)
      await queue.complete(done?.id as string, 'delivered')
      expect(await queue.size()).toBe(1)
      expect(await queue.nextDueAt()).toBe(50)
      await queue.complete('dlv_never_enqueued', 'failed')
      expect(await queue.size()).toBe(1)
    })

    it('cancels every pending job of a subscription and only those', async () => {
      const queue = await makeQueue()
      const gone = unique('sub')
      const kept = makeJob(0)
      await queue.enqueue([
        makeJob(0, { subscription_id: gone }),
        makeJob(5, { subscription_id: gone }),
        kept,
      ])
      await queue.claim(0, 1, 1000)
      await queue.cancelSubscription(gone)
      expect(await queue.size()).toBe(1)
      expect(ids(await queue.claim(10_000, 10, 1000))).toEqual([kept.id])
      await queue.complete(kept.id, 'delivered')
      expect(await queue.nextDueAt()).toBeNull()
    })

    it('lists attempts of one subscription of one owner, newest first, in pages', async () => {
      const queue = await makeQueue()
      const sub = unique('sub')
      const records = [1, 2, 3, 4, 5].map((n) => makeAttempt({ subscription_id: sub, attempt: n }))
      for (const record of records) await queue.recordAttempt(record)
      await queue.recordAttempt(makeAttempt({ subscription_id: sub, owner: 'mallory' }))
      await queue.recordAttempt(makeAttempt())
      const first = await queue.listAttempts('alice', sub, { limit: 2 })
      expect(first.items).toEqual([records[4], records[3]])
      expect(first.nextCursor).toEqual(expect.any(String))
      const second = await queue.listAttempts('alice', sub, {
        limit: 2,
        cursor: first.nextCursor ?? undefined,
      })
      expect(second.items).toEqual([records[2], records[1]])
      const third = await queue.listAttempts('alice', sub, {
        limit: 2,
        cursor: second.nextCursor ?? undefined,
      })
      expect(third).toEqual({ items: [records[0]], nextCursor: null })
    })

    it("keeps each attempt's response excerpt as it was recorded, or null", async () => {
      const queue = await makeQueue()
      const sub = unique('sub')
      const longest = `<b>"é"</b> 😀 ${'x'.repeat(240)}`
      const records = [
        makeAttempt({ subscription_id: sub, attempt: 1, response_excerpt: null }),
        makeAttempt({ subscription_id: sub, attempt: 2, response_excerpt: longest }),
        makeAttempt({
          subscription_id: sub,
          attempt: 3,
          response_status: null,
          error: 'timeout',
          response_excerpt: null,
        }),
      ]
      for (const record of records) await queue.recordAttempt(record)
      const page = await queue.listAttempts('alice', sub, { limit: 10 })
      expect(page.items.map((a) => a.response_excerpt)).toEqual([null, longest, null])
      expect(page.items).toEqual([...records].reverse())
    })

    it('shows no attempts to another owner', async () => {
      const queue = await makeQueue()
      const record = makeAttempt()
      await queue.recordAttempt(record)
      expect(await queue.listAttempts('mallory', record.subscription_id, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      })
    })

    messageLogCases(makeQueue)
    fifoQueueCases(makeQueue)
  })
}
