import type { DeliveryJob } from '../queue/delivery-queue'
import type { JudgedTarget } from '../ssrf/judge-target'
import type { StoredSubscription } from '../store/subscription-store'
import type { AbortHook, AbortListener, TransportRequest } from './transport'

/** A claimed job ready for an attempt: its subscription, read once, and its judged target. */
export interface Dispatch {
  job: DeliveryJob
  subscription: StoredSubscription
  target: JudgedTarget
  /** When it took its host's slot (set by `HostLines`), in ms. */
  slotAt?: number
}

/**
 * An attempt on the wire, and how it is aborted (at its deadline, or by `close()`): it is the
 * request's {@link AbortHook}, and makes the request's `signal` only for a transport that reads
 * it (an `AbortController` and a listener per attempt are a measurable share of a delivery).
 * `released` once `close()` gave its job back to the queue; `settling` once its consequences are
 * being written (then `close()` waits for it instead).
 */
export class Flight implements AbortHook {
  settling = false
  released = false
  /** The attempt and its consequences; set as soon as it starts. */
  done: Promise<void> | undefined = undefined
  aborted = false
  reason: unknown = undefined
  listener: AbortListener | null = null
  private controller: AbortController | null = null

  constructor(readonly dispatch: Dispatch) {}

  get job(): DeliveryJob {
    return this.dispatch.job
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      if (this.aborted) this.controller.abort(this.reason)
    }
    return this.controller.signal
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    // The reason an `AbortController` gives by default, so every transport sees the same.
    this.reason = new DOMException('This operation was aborted', 'AbortError')
    this.controller?.abort(this.reason)
    const listener = this.listener
    this.listener = null
    listener?.onAbort(this.reason)
  }
}

/** The request of one attempt; its `signal` is the flight's, made on first read. */
export class AttemptRequest implements TransportRequest {
  constructor(
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly body: string,
    readonly maxResponseBytes: number,
    readonly abortHook: Flight,
    readonly target: JudgedTarget,
  ) {}

  get signal(): AbortSignal {
    return this.abortHook.signal
  }
}
