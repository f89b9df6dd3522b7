import type { Clock } from '../clock'
import type { MessageLog } from '../queue/message-log'

/** How long the message log keeps a finished message by default, in ms: 30 days. */
export const DEFAULT_MESSAGE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000

/** How often the pruner looks, in ms: every minute. */
const PRUNE_INTERVAL_MS = 60_000

/** Messages removed per `prune` call: one bounded write at a time. */
const PRUNE_BATCH = 1000

/** What {@link createMessagePruner} needs. */
export interface MessagePrunerOptions {
  queue: Pick<MessageLog, 'prune'>
  clock: Clock
  /** Messages older than this, in ms, whose deliveries are all final, go. */
  retentionMs: number
}

/** The retention timer of one engine. */
export interface MessagePruner {
  /** Starts pruning every minute. Idempotent. */
  start(): void
  /** Stops the timer; resolves once a prune under way has finished its batch. */
  stop(): Promise<void>
}

/**
 * Keeps the message log within its retention: every minute on the injected clock, removes
 * finished messages older than `retentionMs` in batches of 1000, repeating while a batch was
 * full and yielding a macrotask between batches, so delivery never waits behind it. Runs never
 * overlap; an error (the database is down) waits for the next minute.
 *
 * @example
 * const pruner = createMessagePruner({ queue, clock, retentionMs: DEFAULT_MESSAGE_RETENTION_MS })
 * pruner.start()
 * await pruner.stop()
 */
export function createMessagePruner(options: MessagePrunerOptions): MessagePruner {
  const { queue, clock, retentionMs } = options
  let running = false
  let cancelTimer: (() => void) | null = null
  let run: Promise<void> | null = null

  const schedule = () => {
    cancelTimer = clock.setTimer(() => {
      cancelTimer = null
      run = prune().finally(() => {
        run = null
        if (running) schedule()
      })
    }, PRUNE_INTERVAL_MS)
  }

  async function prune() {
    try {
      while (running) {
        const removed = await queue.prune(clock.now() - retentionMs, PRUNE_BATCH)
        if (removed < PRUNE_BATCH) return
        // Lets deliveries that were waiting behind this batch run before the next.
        await new Promise<void>((resolve) => clock.setTimer(resolve, 0))
      }
    } catch {
      // The next minute tries again: nothing is lost by pruning later.
    }
  }

  return {
    start() {
      if (running) return
      running = true
      schedule()
    },
    async stop() {
      running = false
      cancelTimer?.()
      cancelTimer = null
      await run
    },
  }
}
