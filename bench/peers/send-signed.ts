import type { BenchPayload } from '../payload'
import type { PeerJob } from './peer'

/**
 * The work every peer does per job, as rh does per attempt: sign the body with
 * `standardwebhooks` (a fresh `webhook-id` and timestamp) and POST it with undici's `request`
 * through a keep-alive pool, the same headers and body as the baseline.
 *
 * @example
 * const sender = await signedSender(urls, payload, 64)
 * await sender.send({ target: 0 })
 */
export async function signedSender(
  urls: string[],
  payload: BenchPayload,
  connections: number,
): Promise<{ send(job: PeerJob): Promise<void>; close(): Promise<void> }> {
  const { Agent, request } = await import('undici')
  const { Webhook } = await import('standardwebhooks')
  const agent = new Agent({ connections, keepAliveTimeout: 60_000 })
  const webhook = new Webhook(payload.secret)
  let n = 0
  return {
    async send(job) {
      const id = `msg_peer_${n++}`
      const now = new Date()
      const headers = {
        ...payload.headers,
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': webhook.sign(id, now, payload.body),
      }
      const url = urls[job.target % urls.length] as string
      const response = await request(url, {
        dispatcher: agent,
        method: 'POST',
        headers,
        body: payload.body,
      })
      await response.body.dump()
      if (response.statusCode !== 204) throw new Error(`receiver answered ${response.statusCode}`)
    },
    close: () => agent.close(),
  }
}
