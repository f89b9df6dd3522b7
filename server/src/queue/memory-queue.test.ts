import { describe, expect, it } from 'vitest'
import { deliveryQueueSuite } from '../testing/delivery-queue-suite'
import type { DeliveryJob } from './delivery-queue'
import { memoryQueue } from './memory-queue'

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

describe('memoryQueue', () => {
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
