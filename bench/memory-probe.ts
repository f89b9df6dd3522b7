/**
 * @module bench/memory-probe — run by {@link runMemoryBench} in a child process with
 * `--expose-gc`: fills rh's memory queue or memory store and prints resident memory before and
 * after, as one JSON line.
 *
 *   node --expose-gc --import tsx --conditions=source bench/memory-probe.ts queue 100000
 */

import { newId } from '../server/src/ids'
import type { DeliveryJob } from '../server/src/queue/delivery-queue'
import { memoryQueue } from '../server/src/queue/memory-queue'
import { memoryStore } from '../server/src/store/memory-store'

/** What the probe prints. */
export interface MemoryProbeResult {
  kind: 'queue' | 'store'
  count: number
  /** `rss` after a full gc, with the modules loaded and the store or queue empty. */
  rssBefore: number
  rssAfter: number
  heapBefore: number
  heapAfter: number
}

const gc = (globalThis as { gc?: (options?: object) => void }).gc
if (!gc) throw new Error('run with --expose-gc')

/** Full collections that also compact and give free pages back (V8's last-resort flavour). */
function settle() {
  for (let i = 0; i < 3; i++) gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' })
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

async function fillQueue(count: number) {
  const queue = memoryQueue()
  const now = Date.now()
  // Retries pile up behind failing receivers: 1000 subscriptions of 10 owners hold them.
  const subscriptions = Array.from({ length: 1000 }, () => newId('sub'))
  const before = settle()
  for (let i = 0; i < count; i += 1000) {
    const jobs: DeliveryJob[] = []
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      // A pending retry: its own notification (own message id and 300-byte body), attempt 1 done.
      jobs.push({
        id: newId('dlv'),
        message_id: newId('msg'),
        subscription_id: subscriptions[j % subscriptions.length] as string,
        owner: `owner_${j % 10}`,
        event: 'invoice.paid',
        body: JSON.stringify({
          type: 'invoice.paid',
          timestamp: new Date(now + j).toISOString(),
          data: { id: `inv_${j}`, note: 'x'.repeat(220) },
        }),
        attempt: 1,
        next_attempt_at: now + 5000 + j,
        created_at: now,
      })
    }
    await queue.enqueue(jobs)
  }
  if ((await queue.size()) !== count) throw new Error('the queue lost jobs')
  return { before, after: settle(), keep: queue }
}

async function fillStore(count: number) {
  const store = memoryStore()
  const before = settle()
  const start = Date.now()
  for (let i = 0; i < count; i++) {
    const at = new Date(start + i).toISOString()
    await store.create({
      id: newId('sub'),
      owner: `owner_${i % 1000}`,
      target_url: `https://hooks.example.com/tenant/${i}`,
      events: ['invoice.paid'],
      status: 'active',
      metadata: {},
      secret: null,
      consecutive_failures: 0,
      created_at: at,
      updated_at: at,
    })
  }
  if ((await store.match('owner_7', 'invoice.paid')).length !== Math.ceil((count - 7) / 1000)) {
    throw new Error('the store lost subscriptions')
  }
  return { before, after: settle(), keep: store }
}

const [kind, countText] = process.argv.slice(2)
const count = Number(countText)
if ((kind !== 'queue' && kind !== 'store') || !(count > 0)) {
  throw new Error('usage: memory-probe.ts queue|store <count>')
}
const { before, after, keep } = kind === 'queue' ? await fillQueue(count) : await fillStore(count)
const result: MemoryProbeResult = {
  kind,
  count,
  rssBefore: before.rss,
  rssAfter: after.rss,
  heapBefore: before.heapUsed,
  heapAfter: after.heapUsed,
}
console.log(JSON.stringify(result))
// Keep the filled structure alive until after the measurement.
if (keep === null) console.log('unreachable')
