import { postgresUrl } from '../storage'
import type { Peer, PeerContext } from './peer'

/**
 * graphile-worker on PostgreSQL, in a schema of its own (dropped on close): `concurrency` jobs at
 * once, a pool of 16, a local queue and batched completions (`localQueue.size`,
 * `completeJobBatchDelay`), as its performance docs advise; bulk enqueue with `addJobs`.
 *
 * @example
 * const peer = await graphileWorkerPeer(context)
 */
export async function graphileWorkerPeer(context: PeerContext): Promise<Peer> {
  const { makeWorkerUtils, run } = await import('graphile-worker')
  const schema = `rh_bench_graphile_${process.pid}`
  const connection = { connectionString: postgresUrl, schema }
  const utils = await makeWorkerUtils(connection)
  await utils.migrate()
  const runner = await run({
    ...connection,
    concurrency: context.concurrency,
    maxPoolSize: 16,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: new (await import('graphile-worker')).Logger(() => () => {}),
    preset: { worker: { localQueue: { size: context.concurrency + 1 }, completeJobBatchDelay: 0 } },
    taskList: {
      deliver: async (job) => {
        await context.send(job as { target: number })
      },
    },
  })
  runner.events.on('job:success', () => context.done())
  return {
    name: 'graphile-worker',
    kind: 'durable',
    async enqueue(job) {
      await utils.addJob('deliver', job)
    },
    async enqueueMany(jobs) {
      await utils.addJobs(jobs.map((payload) => ({ identifier: 'deliver', payload })))
    },
    async close() {
      await runner.stop()
      await utils.release()
      const { default: driver } = await import('postgres')
      const admin = driver(postgresUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`drop schema if exists "${schema}" cascade`)
      await admin.end({ timeout: 5 })
    },
  }
}
