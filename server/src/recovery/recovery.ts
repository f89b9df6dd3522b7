import type { Attempt } from '@rh/protocol'

/**
 * What an operator does after an outage, as the handler and `Resthooks` call it. Every method is
 * scoped to an owner: another owner's message or subscription is `not_found`. Failures are
 * `ResthooksError`s: `not_found` (404), `subscription_inactive` (409: paused or disabled, re-enable
 * first), `no_subscription_secret` (409: the server signs with its own key).
 *
 * @example
 * await rh.recovery.replay('acme', 'sub_…', { since: Date.parse('2026-12-01T10:00:00Z') })
 */
export interface Recovery {
  /**
   * Sends one message again, to every active subscription it went to, or only to
   * `subscriptionId`. Resolves how many deliveries were queued.
   */
  redeliver(
    owner: string,
    messageId: string,
    subscriptionId?: string,
  ): Promise<{ redelivered: number }>
  /**
   * Queues a subscription's messages of `[since, until)` again, in message order, with the same
   * ids and bytes: `status: 'failed'` (default) what failed or was cancelled, `'all'` every
   * message of its events. Times in ms since the epoch.
   */
  replay(
    owner: string,
    subscriptionId: string,
    query: { since: number; until?: number | undefined; status?: 'failed' | 'all' | undefined },
  ): Promise<{ replayed: number }>
  /**
   * A new secret for the subscription, returned once; the previous one keeps signing beside it
   * (both signatures in `webhook-signature`) for `graceMs` (default 24 h).
   */
  rotateSecret(
    owner: string,
    subscriptionId: string,
    options?: { graceMs?: number },
  ): Promise<{ secret: string; previous_secret_expires_at: string }>
  /** Sends a signed `rh.ping` to the subscription's target now and answers with the attempt. */
  sendTest(owner: string, subscriptionId: string): Promise<TestAttempt>
}

/** The result of a test event: the attempt as the log would show it (it is not logged). */
export type TestAttempt = Omit<Attempt, 'next_attempt_at'>
