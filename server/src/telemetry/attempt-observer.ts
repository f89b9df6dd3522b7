import type { Dispatch } from '../delivery/flight'
import type { AttemptOutcome } from '../delivery/send-attempt'
import type { DeliveryResult } from '../delivery/types'

/**
 * Told about every attempt once it is over: what was sent where (`dispatch`), what came back
 * (`outcome`: verdict, status, start and end) and what rh made of it (`result`, or `null` when
 * its consequences could not be written or `close()` took the job back). The engine calls it
 * only when telemetry is configured, so without telemetry it costs nothing. It must not throw.
 *
 * @example
 * const observer: AttemptObserver = {
 *   attempted: (dispatch, outcome, result) => console.log(dispatch.job.id, result?.outcome),
 * }
 */
export interface AttemptObserver {
  attempted(dispatch: Dispatch, outcome: AttemptOutcome, result: DeliveryResult | null): void
}
