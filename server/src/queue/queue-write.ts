import type { AttemptRecord, DeliveryJob } from './delivery-queue'
import { createGroupCommit, type GroupCommitOptions, type Waiter } from './group-commit'
import type { FinalStatus, MessageRecord } from './message-log'

/**
 * One write of a durable queue, as data, so that a group commit can write many alike in one
 * statement. A backend maps each kind to its SQL (or commands); which writes it may merge is
 * its own business, as long as the result is that of writing them one by one, in order.
 */
export type QueueWrite =
  | { kind: 'enqueue'; jobs: readonly DeliveryJob[]; message?: MessageRecord | undefined }
  | { kind: 'complete'; id: string; status: FinalStatus }
  | { kind: 'reschedule'; id: string; attempt: number; at: number }
  | { kind: 'cancel'; subscriptionId: string }
  | { kind: 'attempt'; record: AttemptRecord }

/** A {@link QueueWrite} waiting for its group: settled once the group has committed. */
export interface PendingWrite extends Waiter<void> {
  write: QueueWrite
}

/**
 * The write side of a durable queue: each `write` joins the next group, and `commit` writes a
 * whole group (see {@link createGroupCommit}); it must settle every pending write it is given.
 *
 * @example
 * const writes = createQueueWriter(async (group) => applyQueueWrites(sql, channel, group))
 * await writes.write({ kind: 'complete', id: 'dlv_...' })
 */
export function createQueueWriter(
  commit: (group: PendingWrite[]) => Promise<void>,
  options: GroupCommitOptions = {},
) {
  const group = createGroupCommit(commit, options)
  return {
    /** Resolves once `write` has committed. */
    write(write: QueueWrite): Promise<void> {
      return new Promise<void>((resolve, reject) => group.add({ write, resolve, reject }))
    },
    /** Resolves once every write made so far has committed (or failed). */
    drain: group.drain,
    /** Takes the writes waiting for the next group (see `take` of {@link createGroupCommit}). */
    take: group.take,
  }
}
