import { describe, expect, it } from 'vitest'
import type { DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import type { MessageRecord } from '../queue/message-log'
import { job, nextId } from './factories'

const ids = (jobs: DeliveryJob[]) => jobs.map((job) => job.id)

/** `n` jobs of one subscription's line, accepted at 1, 2, … (in message order). */
function line(n: number, subscriptionId = nextId('sub')): DeliveryJob[] {
  return Array.from({ length: n }, (_, i) =>
    job(i + 1, { subscription_id: subscriptionId, fifo: true }),
  )
}

/** A message of alice's created at `at`, and its `fifo` job to `subscriptionId`. */
function published(at: number, subscriptionId: string, fifo = true) {
  const message: MessageRecord = {
    id: nextId('msg'),
    owner: 'alice',
    event: 'post.created',
    body: JSON.stringify({ type: 'post.created', data: { at } }),
    created_at: at,
    idempotency_key: null,
  }
  const delivery = job(at, {
    message_id: message.id,
    subscription_id: subscriptionId,
    body: message.body,
    ...(fifo ? { fifo: true } : {}),
  })
  return { message, job: delivery }
}

/**
 * The ordered-delivery half of {@link deliveryQueueSuite}: a subscription's `fifo` jobs form a
 * line of which only the head (first in message order) is claimable, and only while no job of the
 * line is leased or waiting for its retry; unordered jobs are claimed beside lines as before.
 * Each test starts from an empty queue made by `makeQueue`.
 *
 * @example
 * describe('my queue', () => fifoQueueCases(() => myQueue()))
 */
export function fifoQueueCases(makeQueue: () => DeliveryQueue | Promise<DeliveryQueue>): void {
  describe('ordered delivery (fifo jobs)', () => {
    it('hands out only the head of a line, and the next once it is completed', async () => {
      const queue = await makeQueue()
      const [first, second, third] = line(3) as [DeliveryJob, DeliveryJob, DeliveryJob]
      const unordered = job(1, { subscription_id: nextId('sub') })
      await queue.enqueue([third, first, second, unordered])
      expect(await queue.size()).toBe(4)
      const claimed = await queue.claim(100, 10, 1000)
      expect(ids(claimed).sort()).toEqual([first.id, unordered.id].sort())
      expect(claimed.find((j) => j.id === first.id)).toEqual(first)
      expect(await queue.claim(100, 10, 1000)).toEqual([])
      await queue.complete(first.id, 'delivered')
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([second.id])
      await queue.complete(second.id, 'delivered')
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([third.id])
      await queue.complete(third.id, 'delivered')
      expect(await queue.size()).toBe(1)
    })

    it('keeps the line behind a job waiting for its retry, then retries it first', async () => {
      const queue = await makeQueue()
      const [first, second] = line(2) as [DeliveryJob, DeliveryJob]
      await queue.enqueue([first, second])
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([first.id])
      await queue.reschedule(first.id, 1, 500)
      expect(await queue.claim(400, 10, 1000)).toEqual([])
      expect(await queue.nextDueAt()).toBe(500)
      expect(ids(await queue.claim(500, 10, 1000))).toEqual([first.id])
      // A final failure settles it: the dead letter is skipped and the line goes on.
      await queue.complete(first.id, 'failed')
      expect(ids(await queue.claim(500, 10, 1000))).toEqual([second.id])
    })

    it('gives a head whose lease ran out (its worker died) again, never the next', async () => {
      const queue = await makeQueue()
      const [first, second] = line(2) as [DeliveryJob, DeliveryJob]
      await queue.enqueue([first, second])
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([first.id])
      expect(await queue.nextDueAt()).toBe(1100)
      expect(await queue.claim(1099, 10, 1000)).toEqual([])
      expect(ids(await queue.claim(1100, 10, 1000))).toEqual([first.id])
      await queue.complete(first.id, 'gone')
      expect(ids(await queue.claim(1100, 10, 1000))).toEqual([second.id])
    })

    it('holds an earlier message that joins late until the one in flight is settled', async () => {
      const queue = await makeQueue()
      const subscriptionId = nextId('sub')
      const [early, middle, late] = line(3, subscriptionId) as [
        DeliveryJob,
        DeliveryJob,
        DeliveryJob,
      ]
      await queue.enqueue([middle, late])
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([middle.id])
      await queue.enqueue([early])
      expect(await queue.claim(100, 10, 1000)).toEqual([])
      await queue.complete(middle.id, 'delivered')
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([early.id])
      await queue.complete(early.id, 'delivered')
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([late.id])
    })

    it('claims the heads of many lines at once, one job per line', async () => {
      const queue = await makeQueue()
      const lines = [line(3), line(3), line(3)]
      await queue.enqueue(lines.flat())
      const heads = lines.map((jobs) => (jobs[0] as DeliveryJob).id)
      expect(ids(await queue.claim(100, 10, 1000)).sort()).toEqual([...heads].sort())
      expect(ids(await queue.claim(100, 1, 1000))).toEqual([])
    })

    it('is not starved by a backlog of unordered jobs that fills every claim', async () => {
      const queue = await makeQueue()
      const [head] = line(2) as [DeliveryJob]
      const backlog = Array.from({ length: 5 }, () => job(0, { subscription_id: nextId('sub') }))
      await queue.enqueue([...backlog, head])
      const claimed: string[] = []
      for (let round = 0; round < 3; round++) claimed.push(...ids(await queue.claim(100, 2, 1000)))
      expect(claimed).toContain(head.id)
      expect(claimed).toHaveLength(6)
    })

    it('cancels a whole line', async () => {
      const queue = await makeQueue()
      const jobs = line(3)
      await queue.enqueue(jobs)
      expect(await queue.claim(100, 10, 1000)).toHaveLength(1)
      await queue.cancelSubscription(jobs[0]?.subscription_id as string)
      expect(await queue.size()).toBe(0)
      expect(await queue.claim(5000, 10, 1000)).toEqual([])
    })

    it('replays a line one message at a time, in message order', async () => {
      const queue = await makeQueue()
      const subscriptionId = nextId('sub')
      const sent = [1, 2, 3].map((at) => published(at, subscriptionId))
      for (const { message, job } of sent) await queue.enqueue([job], message)
      for (const { job } of sent) {
        expect(ids(await queue.claim(100, 10, 1000))).toEqual([job.id])
        await queue.complete(job.id, 'failed')
      }
      const query = { since: 0, status: 'failed' as const, events: [], now: 200, fifo: true }
      expect(await queue.replay('alice', subscriptionId, query)).toBe(3)
      for (const { job } of sent) {
        const claimed = await queue.claim(200, 10, 1000)
        expect(ids(claimed)).toEqual([job.id])
        expect(claimed[0]?.fifo).toBe(true)
        await queue.complete(job.id, 'delivered')
      }
      expect(await queue.claim(200, 10, 1000)).toEqual([])
    })

    it('redelivers into the line: after the one in flight, before later messages', async () => {
      const queue = await makeQueue()
      const subscriptionId = nextId('sub')
      const sent = [1, 2, 3].map((at) => published(at, subscriptionId))
      const [first, second, third] = sent as [(typeof sent)[0], (typeof sent)[0], (typeof sent)[0]]
      await queue.enqueue([first.job], first.message)
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([first.job.id])
      await queue.complete(first.job.id, 'delivered')
      await queue.enqueue([second.job], second.message)
      await queue.enqueue([third.job], third.message)
      expect(ids(await queue.claim(100, 10, 1000))).toEqual([second.job.id])
      expect(await queue.redeliver('alice', first.message.id, [subscriptionId], 150)).toBe(1)
      expect(await queue.claim(150, 10, 1000)).toEqual([])
      await queue.complete(second.job.id, 'delivered')
      expect(ids(await queue.claim(150, 10, 1000))).toEqual([first.job.id])
      await queue.complete(first.job.id, 'delivered')
      expect(ids(await queue.claim(150, 10, 1000))).toEqual([third.job.id])
    })
  })
}
