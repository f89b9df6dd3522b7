import type { Page } from '../page'

/**
 * Where one delivery (a message x a subscription) stands in the message log.
 * - `pending`: queued or retrying.
 * - `delivered`: a 2xx.
 * - `failed`: the last retry failed (a dead letter, replayable).
 * - `gone`: the receiver answered 410; the subscription was removed.
 * - `cancelled`: dropped unsent: the subscription was deleted, paused or disabled meanwhile
 *   (replayable with the dead letters once it is active again).
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'gone' | 'cancelled'

/** A final {@link DeliveryStatus}: what `complete` records. */
export type FinalStatus = Exclude<DeliveryStatus, 'pending'>

/** One accepted notification, as the message log keeps it. */
export interface MessageRecord {
  /** `msg_…`, the `webhook-id`; time-ordered. */
  id: string
  owner: string
  event: string
  /** The exact envelope bytes (JSON text) every delivery of it sends. */
  body: string
  /** When `notify` accepted it, in ms since the epoch. */
  created_at: number
  /**
   * The caller's `Idempotency-Key`, or `null`. The same key from the same owner within
   * {@link IDEMPOTENCY_WINDOW_MS} of `created_at` is the same message.
   */
  idempotency_key: string | null
}

/** One delivery of a message, as the message log keeps it. */
export interface DeliveryRecord {
  /** The delivery job's id (`dlv_…`). */
  id: string
  message_id: string
  subscription_id: string
  status: DeliveryStatus
  /** Attempts made so far (0 before the first; a redeliver or replay starts again at 0). */
  attempts: number
  /** When the status last changed, in ms since the epoch. */
  updated_at: number
}

/** A message with its deliveries, as `getMessage` returns it. */
export interface MessageWithDeliveries extends MessageRecord {
  /** Every delivery of it, in subscription id order. */
  deliveries: DeliveryRecord[]
}

/** A message with one subscription's delivery, as `listSubscriptionMessages` returns it. */
export interface MessageForSubscription extends MessageRecord {
  delivery: DeliveryRecord
}

/** A page query over an owner's messages (times in ms since the epoch, `since` inclusive, `until` exclusive). */
export interface MessageQuery {
  event?: string | undefined
  since?: number | undefined
  until?: number | undefined
  cursor?: string | undefined
  limit: number
}

/** What {@link MessageLog.replay} sends again. */
export interface ReplayQuery {
  /** Messages created at or after this time (ms since the epoch). */
  since: number
  /** ... and before this time (exclusive); default: now. */
  until?: number | undefined
  /**
   * `failed` (default): the subscription's deliveries that ended `failed` or `cancelled`.
   * `all`: every message of the owner whose event is in `events`, whatever became of it, also
   * those the subscription never got (it was paused, disabled or not yet subscribed); a delivery
   * still `pending` is left as it is.
   */
  status: 'failed' | 'all'
  /** The subscription's events (read by the caller): which messages `all` takes. */
  events: readonly string[]
  /** Now: the replayed deliveries are due at once, in message order. */
  now: number
  /**
   * The subscription's `ordering` is `fifo`: the replayed deliveries join its line (one at a
   * time, in message order; see `DeliveryJob.fifo`). Default false.
   */
  fifo?: boolean | undefined
}

/** How long an idempotency key holds, in ms: 24 hours. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * The message half of durable delivery state: every accepted notification with what became of
 * each of its deliveries, readable per owner and per subscription, and sent again on demand.
 * Owners are isolated: an owner never reads or replays another's message (`null`/`0`, never an
 * error that tells it exists).
 *
 * Writes come with the {@link JobQueue}: `enqueue(jobs, message)` logs the message in the same
 * commit as its jobs, `complete(id, status)` records a delivery's final status (a backend keeps
 * the job's row with its status rather than adding a write per delivery).
 */
export interface MessageLog {
  /** The owner's messages, newest first. */
  listMessages(owner: string, query: MessageQuery): Promise<Page<MessageRecord>>
  /** One of the owner's messages with every delivery of it, or `null`. */
  getMessage(owner: string, id: string): Promise<MessageWithDeliveries | null>
  /** The messages one subscription of the owner was sent, newest first, optionally by status. */
  listSubscriptionMessages(
    owner: string,
    subscriptionId: string,
    query: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
  ): Promise<Page<MessageForSubscription>>
  /**
   * Sends one message again to the given subscriptions (the caller passes only active ones it
   * was delivered to): each delivery becomes `pending` with 0 attempts, due at `now`; one
   * already `pending` is left as it is. Resolves how many deliveries were queued.
   */
  redeliver(
    owner: string,
    messageId: string,
    subscriptionIds: readonly string[],
    now: number,
  ): Promise<number>
  /**
   * Queues the matching messages again for one subscription, due at `now` in message order,
   * with the same message ids and bytes. Atomic: after a crash either all or none are queued.
   * Resolves how many deliveries were queued.
   */
  replay(owner: string, subscriptionId: string, query: ReplayQuery): Promise<number>
  /**
   * Removes up to `limit` messages created before `before` whose deliveries are all final, with
   * their deliveries (and attempts). Resolves how many messages went; the caller repeats while
   * it is `limit`. Never touches a pending delivery.
   */
  prune(before: number, limit: number): Promise<number>
}
