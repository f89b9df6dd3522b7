import type { Peer, PeerContext } from './peer'

/** The machine's Redis; override with `RH_BENCH_REDIS_URL`. */
const redisUrl = process.env.RH_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * BullMQ on Redis: a queue of its own name and a worker in this process with `concurrency`,
 * completed jobs removed at once (`removeOnComplete`), as its docs advise for throughput; bulk
 * enqueue with `addBulk`. The queue is obliterated on close.
 *
 * @example
 * const peer = await bullmqPeer(context)
 */
export async function bullmqPeer(context: PeerContext): Promise<Peer> {
  const { Queue, Worker } = await import('bullmq')
  const { default: Redis } = await import('ioredis')
  const connect = () => new Redis(redisUrl, { maxRetriesPerRequest: null })
  const name = `rh-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const queueConnection = connect()
  const workerConnection = connect()
  const queue = new Queue(name, {
    connection: queueConnection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  })
  const worker = new Worker(name, async (job) => context.send(job.data), {
    connection: workerConnection,
    concurrency: context.concurrency,
  })
  worker.on('completed', () => context.done())
  await worker.waitUntilReady()
  return {
    name: 'BullMQ',
    kind: 'durable',
    async enqueue(job) {
      await queue.add('deliver', job)
    },
    async enqueueMany(jobs) {
      await queue.addBulk(jobs.map((data) => ({ name: 'deliver', data })))
    },
    async close() {
      await worker.close()
      await queue.obliterate({ force: true })
      await queue.close()
      queueConnection.disconnect()
      workerConnection.disconnect()
    },
  }
}
