import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request a {@link HookReceiver} got. */
export interface ReceivedHook {
  headers: Record<string, string>
  body: string
}

/** How a {@link HookReceiver} answers one request; default: echo handshakes, 204 otherwise. */
export type HookAnswer = (hook: ReceivedHook) => { status: number; body?: string }

/** A real receiver on 127.0.0.1 for the server's tests. */
export interface HookReceiver {
  url: string
  received: ReceivedHook[]
  /** Deliveries only (handshakes left out). */
  deliveries(): ReceivedHook[]
  /** Changes how later requests are answered. */
  answer(answer: HookAnswer): void
  close(): Promise<void>
}

const isHandshake = (hook: ReceivedHook) => hook.body.startsWith('{"type":"rh.handshake"')

/** Echoes the challenge of a handshake; answers a delivery 204. */
export const agree: HookAnswer = (hook) => {
  if (!isHandshake(hook)) return { status: 204 }
  const { data } = JSON.parse(hook.body) as { data: { challenge: string } }
  return { status: 200, body: JSON.stringify({ challenge: data.challenge }) }
}

/**
 * Starts a node:http receiver on 127.0.0.1, port 0, that records every request.
 *
 * @example
 * const receiver = await startHookReceiver()
 * await api('POST', '/hooks/subscriptions', { target_url: receiver.url, events: ['a'] })
 */
export async function startHookReceiver(answer: HookAnswer = agree): Promise<HookReceiver> {
  const received: ReceivedHook[] = []
  let current = answer
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers[name] = value
      }
      const hook = { headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(hook)
      const { status, body } = current(hook)
      response.writeHead(status, body ? { 'content-type': 'application/json' } : {})
      response.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    deliveries: () => received.filter((hook) => !isHandshake(hook)),
    answer(next) {
      current = next
    },
    close() {
      server.closeAllConnections?.()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
