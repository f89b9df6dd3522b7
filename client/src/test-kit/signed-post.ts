import { sign } from '@rh/protocol'

let sequence = 0

/**
 * A fresh `webhook-id`, distinct per call within the process.
 *
 * @example
 * const id = nextMessageId() // 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y001'
 */
export const nextMessageId = (): string =>
  `msg_01J9Z8Q4B7M2X5R8T1V3W6Y${String(++sequence).padStart(3, '0')}`

/**
 * The `RequestInit` of a Standard-Webhooks-signed JSON POST of `body`, for `fetch` or `Request`.
 *
 * @example
 * await fetch(url, await signedPost(secret, { id: nextMessageId(), timestamp, body }))
 */
export async function signedPost(
  keys: string | readonly string[],
  { id, timestamp, body }: { id: string; timestamp: number; body: string },
): Promise<RequestInit> {
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': await sign(keys, { id, timestamp, body }),
    },
  }
}
