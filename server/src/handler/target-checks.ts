import type { Clock } from '../clock'
import { handshake } from '../delivery/handshake'
import type { Signers, SubscriptionKeys } from '../delivery/signing'
import type { Transport } from '../delivery/transport'
import { guardTarget, type Resolve } from '../ssrf/guard-target'

/** The subscription handler's checks of a new or changed target, before anything is stored. */
export interface TargetChecks {
  /** Refuses a target before any connection; throws `ResthooksError('target_refused')`. */
  guard(url: string): Promise<void>
  /** Intent verification; throws `ResthooksError('handshake_failed')` (or `target_refused`). */
  handshake(target: { target_url: string; events: string[] } & SubscriptionKeys): Promise<void>
}

/** What {@link createTargetChecks} needs: the delivery's own transport and keys. */
export interface TargetChecksOptions {
  transport: Transport
  signers: Signers
  clock: Clock
  resolve?: Resolve | undefined
  allowPrivateTargets: boolean
  /**
   * The deliveries' attempt `timeout` in ms (default 10 s): a handshake gets as long, at most
   * {@link HANDSHAKE_TIMEOUT_MS}, since the subscriber waits for it.
   */
  attemptTimeout?: number | undefined
  /** The deliveries' `maxResponseBytes` (default 64 KiB). */
  maxResponseBytes?: number | undefined
}

/** The longest a handshake may take, in ms. */
export const HANDSHAKE_TIMEOUT_MS = 5000

/**
 * The SSRF guard (with DNS) and the handshake, as the subscription routes use them: a handshake
 * is guarded first and sent like a delivery, through the same transport and signed with the key
 * the subscription's deliveries will use.
 *
 * @example
 * const checks = createTargetChecks({ transport, signers, clock, allowPrivateTargets: false })
 * await checks.guard('https://hooks.example.com/rh')
 */
export function createTargetChecks(options: TargetChecksOptions): TargetChecks {
  const timeout = Math.min(options.attemptTimeout ?? 10_000, HANDSHAKE_TIMEOUT_MS)
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024
  const guardOptions = {
    resolve: options.resolve,
    allowPrivateTargets: options.allowPrivateTargets,
  }
  return {
    async guard(url) {
      await guardTarget(url, guardOptions)
    },
    async handshake(target) {
      await guardTarget(target.target_url, guardOptions)
      await handshake(target, {
        transport: options.transport,
        clock: options.clock,
        // During a rotation both secrets sign, as on deliveries.
        signer: options.signers.forSubscription(target, options.clock.now()),
        timeout,
        maxResponseBytes,
      })
    },
  }
}
