import type { Peer, PeerContext } from './peer'

/**
 * p-queue in memory: one queue with `concurrency` workers, each job a signed POST.
 *
 * @example
 * const peer = await pQueuePeer(context)
 */
export async function pQueuePeer(context: PeerContext): Promise<Peer> {
  const { default: PQueue } = await import('p-queue')
  const queue = new PQueue({ concurrency: context.concurrency })
  const run = (job: { target: number }) => async () => {
    await context.send(job)
    context.done()
  }
  return {
    name: 'p-queue',
    kind: 'memory',
    async enqueue(job) {
      void queue.add(run(job))
    },
    async enqueueMany(jobs) {
      void queue.addAll(jobs.map(run))
    },
    async close() {
      queue.clear()
      await queue.onIdle()
    },
  }
}
