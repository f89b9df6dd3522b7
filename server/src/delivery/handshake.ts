import type { Signer } from '@rh/protocol'
import type { Clock } from '../clock'
import { ResthooksError } from '../errors'
import { newId } from '../ids'
import { encodeBase64Url } from './base64url'
import { deliveryHeaders } from './delivery-headers'
import { describeNetworkError, networkErrorCode } from './network-error'
import type { Transport } from './transport'

/** What {@link handshake} needs. */
export interface HandshakeContext {
  transport: Transport
  clock: Clock
  /** The signer of the target's key (its own secret, else the global one). */
  signer: Signer | null
  /** Deadline for the whole exchange, in ms. */
  timeout: number
  maxResponseBytes: number
}

const failed = (detail: string, cause?: unknown) =>
  new ResthooksError('handshake_failed', detail, cause === undefined ? {} : { cause })

/**
 * Intent verification: POSTs a signed `{ type: 'rh.handshake', timestamp, data: { challenge,
 * events } }` to the target, which must answer 2xx with JSON `{ "challenge": "<same>" }` before
 * the deadline. The challenge is 32 random bytes, base64url. Throws
 * `ResthooksError('handshake_failed')` saying what went wrong. Guard the target first.
 *
 * @example
 * await handshake({ target_url, events: ['post.created'] }, context)
 */
export async function handshake(
  target: { target_url: string; events: string[] },
  context: HandshakeContext,
): Promise<void> {
  if (!context.signer) throw failed('no signing key for this subscription')
  const challenge = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)))
  const now = context.clock.now()
  const body = JSON.stringify({
    type: 'rh.handshake',
    timestamp: new Date(now).toISOString(),
    data: { challenge, events: target.events },
  })
  const controller = new AbortController()
  const cancel = context.clock.setTimer(() => controller.abort(), context.timeout)
  let status: number
  let text: string
  try {
    const headers = await deliveryHeaders(context.signer, newId('msg', now), now, body)
    const response = await context.transport({
      url: target.target_url,
      headers,
      body,
      signal: controller.signal,
      maxResponseBytes: context.maxResponseBytes,
    })
    status = response.status
    text = response.bodyText
  } catch (error) {
    const why = describeNetworkError(error, controller.signal)
    const code = networkErrorCode(error)
    throw failed(
      why === 'timeout'
        ? `the target did not answer the handshake (POST ${target.target_url}) within ${context.timeout} ms`
        : `the handshake could not reach the target: POST ${target.target_url} failed: ${why}${code ? ` (${code})` : ''}`,
      error,
    )
  } finally {
    cancel()
  }
  if (status === 401 || status === 403) {
    throw failed(
      `the target answered the handshake with status ${status}, expected 2xx: it refused the signature. A receiver must verify with the subscription's secret; the server generates one (shown once, after the handshake) unless the subscribe request gives its own "secret", so subscribe with your own secret and give the receiver the same one`,
    )
  }
  if (status < 200 || status >= 300) {
    throw failed(`the target answered the handshake with status ${status}, expected 2xx`)
  }
  let echoed: unknown
  try {
    echoed = (JSON.parse(text) as { challenge?: unknown } | null)?.challenge
  } catch {
    throw failed('the target answered the handshake without a JSON body { "challenge": ... }')
  }
  if (echoed !== challenge) {
    throw failed('the target did not echo the handshake challenge')
  }
}
