import { postgresUrl } from '../storage'
import type { Peer, PeerContext } from './peer'

/**
 * pg-boss on PostgreSQL, in a schema of its own (dropped on close), a pool of 8: a queue with
 * `notify`, workers fetching in batches (`batchSize` x `localConcurrency` = `concurrency` in
 * flight, bursting while batches come back full), as its docs advise for throughput; bulk
 * enqueue with `insert`.
 *
 * @example
 * const peer = await pgBossPeer(context)
 */
export async function pgBossPeer(context: PeerContext): Promise<Peer> {
  const { PgBoss } = await import('pg-boss')
  const schema = `rh_bench_pgboss_${process.pid}`
  const boss = new PgBoss({ connectionString: postgresUrl, schema, max: 8 })
  boss.on('error', (error) => console.error('pg-boss:', error))
  await boss.start()
  const queue = 'deliver'
  await boss.createQueue(queue, { notify: true })
  const workers = 4
  await boss.work<{ target: number }>(
    queue,
    {
      batchSize: Math.ceil(context.concurrency / workers),
      localConcurrency: workers,
      pollingIntervalSeconds: 0.5,
      burstWhenBatchFull: true,
    },
    async (jobs) => {
      await Promise.all(jobs.map((job) => context.send(job.data)))
      for (const _ of jobs) context.done()
    },
  )
  return {
    name: 'pg-boss',
    kind: 'durable',
    async enqueue(job) {
      await boss.send(queue, job)
    },
    async enqueueMany(jobs) {
      for (let i = 0; i < jobs.length; i += 1000) {
        await boss.insert(
          queue,
          jobs.slice(i, i + 1000).map((data) => ({ data })),
        )
      }
    },
    async close() {
      await boss.stop({ graceful: false })
      const { default: driver } = await import('postgres')
      const admin = driver(postgresUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`drop schema if exists "${schema}" cascade`)
      await admin.end({ timeout: 5 })
    },
  }
}
