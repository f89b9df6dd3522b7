import { describe, expect, it } from 'vitest'
import { deliveryQueueSuite } from '../testing/delivery-queue-suite'
import { attempt, nextId } from '../testing/factories'
import type { DeliveryJob, DeliveryQueue } from './delivery-queue'
import { memoryQueue } from './memory-queue'
import type { MessageRecord } from './message-log'

deliveryQueueSuite('memory', () => memoryQueue())

const job = (n: number, at: number, subscription = 'sub_1'): DeliveryJob => ({
  id: `dlv_${String(n).padStart(26, '0')}`,
  message_id: 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC',
  subscription_id: subscription,
  owner: 'alice',
  event: 'post.created',
  body: '{"type":"post.created"}',
  attempt: 0,
  next_attempt_at: at,
  created_at: 0,
})

/** Logs a message of alice's created at `at` with one job to `subscription`. */
async function publish(queue: DeliveryQueue, at: number, subscription = 'sub_1') {
  const message: MessageRecord = {
    id: nextId('msg'),
    owner: 'alice',
    event: 'post.created',
    body: `{"at":${at}}`,
    created_at: at,
    idempotency_key: null,
  }
  const delivery: DeliveryJob = {
    ...job(0, at, subscription),
    id: nextId('dlv'),
    message_id: message.id,
    body: message.body,
    created_at: at,
  }
  await queue.enqueue([delivery], message)
  return { message, delivery }
}

const logged = async (queue: DeliveryQueue) =>
  (await queue.listMessages('alice', { limit: 1000 })).items.map((m) => m.id)

describe('memoryQueue', () => {
  it('drops the oldest settled messages past maxMessages', async () => {
    const queue = memoryQueue({ maxMessages: 3 })
    const waiting = await publish(queue, 1)
    const sent = [await publish(queue, 2), await publish(queue, 3)]
    expect(await queue.claim(3, 10, 1000)).toHaveLength(3)
    for (const { delivery } of sent) {
      await queue.complete(delivery.id, 'delivered')
      await queue.recordAttempt(
        attempt({ subscription_id: 'sub_1', message_id: delivery.message_id }),
      )
    }
    const fourth = await publish(queue, 4)
    // The oldest is still pending, so the next oldest went instead.
    expect(await logged(queue)).toEqual([fourth, sent[1], waiting].map((m) => m?.message.id))
    expect(await queue.getMessage('alice', sent[0]?.message.id as string)).toBeNull()
    // Their attempts stay while the (separately bounded) attempt log holds them.
    const attempts = await queue.listAttempts('alice', 'sub_1', { limit: 10 })
    expect(attempts.items).toHaveLength(2)

    await queue.complete(waiting.delivery.id, 'failed')
    expect(await logged(queue)).toHaveLength(3)
    const fifth = await publish(queue, 5)
    expect(await logged(queue)).toEqual([fifth, fourth, sent[1]].map((m) => m?.message.id))
    expect(await queue.size()).toBe(2)
  })

  it('keeps a message with a pending delivery past maxMessages until it settles', async () => {
    const queue = memoryQueue({ maxMessages: 2 })
    const held = [await publish(queue, 1), await publish(queue, 2), await publish(queue, 3)]
    expect(await logged(queue)).toHaveLength(3)
    for (const { delivery } of held) await queue.complete(delivery.id, 'delivered')
    expect(await logged(queue)).toHaveLength(2)
    expect(await queue.size()).toBe(0)
  })

  it('stays within maxMessages through many deliveries', async () => {
    const queue = memoryQueue({ maxMessages: 1000 })
    for (let n = 0; n < 20_000; n++) {
      const { delivery } = await publish(queue, n, `sub_${n % 50}`)
      const [claimed] = await queue.claim(n, 1, 1000)
      expect(claimed?.id).toBe(delivery.id)
      await queue.complete(delivery.id, n % 3 === 0 ? 'failed' : 'delivered')
    }
    expect(await logged(queue)).toHaveLength(1000)
    const failed = await queue.listSubscriptionMessages('alice', 'sub_0', {
      status: 'failed',
      limit: 100,
    })
    expect(failed.items.every((m) => m.created_at >= 19_000)).toBe(true)
    expect(failed.items.length).toBeGreaterThan(0)
    expect(await queue.size()).toBe(0)
  })

  it('keeps only the newest attempts of a subscription past the log limit', async () => {
    const queue = memoryQueue({ attemptLogLimit: 3 })
    for (let n = 1; n <= 5; n++) {
      await queue.recordAttempt({
        id: `atm_${n}`,
        subscription_id: 'sub_1',
        owner: 'alice',
        message_id: 'msg_1',
        event: 'e',
        attempt: n,
        outcome: 'failed',
        response_status: 500,
        error: null,
        response_excerpt: null,
        duration_ms: 1,
        started_at: '2025-01-01T00:00:00.000Z',
        next_attempt_at: null,
      })
    }
    const page = await queue.listAttempts('alice', 'sub_1', { limit: 10 })
    expect(page.items.map((a) => a.attempt)).toEqual([5, 4, 3])
  })

  it('hands out jobs in due order whatever order they arrive and move in', async () => {
    const queue = memoryQueue()
    const dues = Array.from({ length: 500 }, (_, n) => (n * 7919) % 1000)
    await queue.enqueue(dues.map((at, n) => job(n, at, `sub_${n % 7}`)))
    await queue.cancelSubscription('sub_3')
    for (let n = 0; n < 500; n += 5) await queue.reschedule(job(n, 0).id, 1, 2000 - n)
    const claimed = await queue.claim(10_000, 1000, 1)
    const times = claimed.map((j) => j.next_attempt_at)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(claimed.some((j) => j.subscription_id === 'sub_3')).toBe(false)
    expect(claimed).toHaveLength(await queue.size())
  })

  it('holds 100,000 pending retries in well under 1 KB each', async () => {
    const queue = memoryQueue()
    const body = JSON.stringify({ type: 'post.created', data: { title: 'x'.repeat(200) } })
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const before = process.memoryUsage().heapUsed
    const jobs: DeliveryJob[] = []
    for (let n = 0; n < 100_000; n++) {
      jobs.push({ ...job(n, n, `sub_${n % 1000}`), body, attempt: 1 })
    }
    await queue.enqueue(jobs)
    jobs.length = 0
    gc?.()
    const perJob = (process.memoryUsage().heapUsed - before) / 100_000
    expect(await queue.size()).toBe(100_000)
    expect(perJob).toBeLessThan(1024)
  })
})
