import type { Signer } from '@rh/protocol'

/** The `user-agent` of every delivery and handshake. */
export const USER_AGENT = 'rh/0.1'

/**
 * The headers of one attempt: Standard Webhooks `webhook-id` (the message id, the same on every
 * retry), a fresh `webhook-timestamp` (unix seconds) and a signature over both and the body.
 *
 * @example
 * const headers = await deliveryHeaders(signer, job.message_id, clock.now(), job.body)
 */
export async function deliveryHeaders(
  signer: Signer,
  messageId: string,
  now: number,
  body: string,
): Promise<Record<string, string>> {
  const timestamp = Math.floor(now / 1000)
  const signature = await signer.sign({ id: messageId, timestamp, body })
  return signedHeaders(messageId, timestamp, signature)
}

/**
 * The headers of one attempt whose signature is already made (see {@link deliveryHeaders}).
 *
 * @example
 * const headers = signedHeaders(job.message_id, timestamp, await signer.sign({ id, timestamp, body }))
 */
export function signedHeaders(
  messageId: string,
  timestamp: number,
  signature: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  }
}
