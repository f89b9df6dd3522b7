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
  /** Deadline of a handshake, in ms. */
  timeout: number
  maxResponseBytes: number
}

/**
 * The SSRF guard (with DNS) and the handshake, as the subscription routes use them: a handshake
 * is guarded first and sent like a delivery, through the same transport and signed with the key
 * the subscription's deliveries will use.
 *
 * @example
 * const checks = createTargetChecks({ transport, signers, clock, allowPrivateTargets: false, timeout: 5000, maxResponseBytes: 65536 })
 * await checks.guard('https://hooks.example.com/rh')
 */
export function createTargetChecks(options: TargetChecksOptions): TargetChecks {
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
        timeout: options.timeout,
        maxResponseBytes: options.maxResponseBytes,
      })
    },
  }
}
