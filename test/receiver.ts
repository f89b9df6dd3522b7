import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** One request the receiver got. */
export interface Received {
  id: string
  body: string
  headers: IncomingHttpHeaders
  verified: boolean
}

/** A running receiver. */
export interface Receiver {
  /** The target URL to subscribe. */
  url: string
  deliveries: Received[]
  /** The distinct `webhook-id`s delivered so far. */
  ids(): Set<string>
  /** Resolves once the deliveries satisfy `predicate` (checked on every delivery). */
  waitFor(predicate: (receiver: Receiver) => boolean): Promise<void>
  close(): Promise<void>
}

/**
 * A real webhook receiver on 127.0.0.1 (port 0) that answers handshakes, checks signatures with
 * the independent `standardwebhooks` library when given the secret, and records every delivery by
 * `webhook-id`. `waitFor(predicate)` resolves once the deliveries satisfy it.
 *
 * @example
 * const receiver = await startReceiver()
 * await receiver.waitFor((r) => r.ids().size === 10)
 */
export async function startReceiver(options: { secret?: string } = {}): Promise<Receiver> {
  const deliveries: Received[] = []
  const waiters = new Set<() => void>()
  const webhook = options.secret ? new Webhook(options.secret) : null
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const parsed = safeJson(body) as { type?: string; data?: { challenge?: string } } | null
      if (parsed?.type === 'rh.handshake') {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ challenge: parsed.data?.challenge }))
        return
      }
      let verified = false
      try {
        webhook?.verify(body, request.headers as Record<string, string>)
        verified = webhook !== null
      } catch {}
      deliveries.push({
        id: String(request.headers['webhook-id']),
        body,
        headers: request.headers,
        verified,
      })
      response.writeHead(204).end()
      for (const waiter of waiters) waiter()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    deliveries,
    ids: () => new Set(deliveries.map((d) => d.id)),
    waitFor(predicate) {
      return new Promise((resolve) => {
        const check = () => {
          if (!predicate(receiver)) return
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        check()
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return receiver
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
