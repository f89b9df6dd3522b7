import type { Clock } from '../clock'
import { ResthooksError } from '../errors'
import { type AttemptVerdict, classifyStatus } from './classify-response'
import type { Deadlines } from './deadlines'
import { signedHeaders } from './delivery-headers'
import { AttemptRequest, type Flight } from './flight'
import { describeNetworkError } from './network-error'
import { responseExcerpt } from './response-excerpt'
import type { Signers } from './signing'
import type { Transport } from './transport'

/** What {@link sendAttempt} needs. */
export interface AttemptContext {
  transport: Transport
  signers: Signers
  clock: Clock
  /** Every attempt's deadline, on one timer. */
  deadlines: Deadlines
  maxResponseBytes: number
}

/** What one attempt produced: the verdict on the receiver's answer, and when. */
export interface AttemptOutcome {
  verdict: AttemptVerdict
  status: number | null
  retryAfter: string | undefined
  /** The start of the response body, as the attempt log keeps it; `null` without one. */
  responseExcerpt: string | null
  startedAt: number
  /** When the response or the error came, in ms. */
  endedAt: number
}

/**
 * One attempt: signs the job's body afresh (a new `webhook-timestamp`), POSTs it to the judged
 * target under one deadline, and classifies the answer. Never throws: a refused target, a
 * network error or the deadline are a `failed` verdict with the reason.
 *
 * @example
 * const outcome = await sendAttempt(flight, context)
 * if (outcome.verdict.kind === 'delivered') ...
 */
export async function sendAttempt(
  flight: Flight,
  context: AttemptContext,
): Promise<AttemptOutcome> {
  const { job, subscription, target } = flight.dispatch
  const startedAt = context.clock.now()
  const deadline = context.deadlines.start(flight, startedAt)
  let verdict: AttemptVerdict
  let status: number | null = null
  let retryAfter: string | undefined
  let excerpt: string | null = null
  try {
    if (target.refusal) throw new ResthooksError('target_refused', target.refusal)
    const signer = context.signers.forSubscription(subscription, startedAt)
    if (!signer) throw new Error('no signing key for this subscription')
    const timestamp = Math.floor(startedAt / 1000)
    const id = job.message_id
    // A string at once where the key signs synchronously: no promise and no `await` for it.
    const signed = signer.signNow({ id, timestamp, body: job.body })
    const signature = typeof signed === 'string' ? signed : await signed
    const headers = signedHeaders(id, timestamp, signature)
    const request = new AttemptRequest(
      subscription.target_url,
      headers,
      job.body,
      context.maxResponseBytes,
      flight,
      target,
    )
    const response = await context.transport(request)
    status = response.status
    retryAfter = response.headers['retry-after']
    excerpt = responseExcerpt(response.bodyText)
    verdict = classifyStatus(status)
  } catch (error) {
    const message =
      error instanceof ResthooksError
        ? error.message
        : flight.aborted
          ? 'timeout'
          : describeNetworkError(error)
    verdict = { kind: 'failed', error: message, retryable: true }
  } finally {
    context.deadlines.cancel(deadline)
  }
  return {
    verdict,
    status,
    retryAfter,
    responseExcerpt: excerpt,
    startedAt,
    endedAt: context.clock.now(),
  }
}
