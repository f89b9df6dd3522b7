import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request as the receiver saw it. */
export interface Received {
  path: string
  headers: Record<string, string>
  body: string
}

type Handler = (request: IncomingMessage, response: ServerResponse, received: Received) => void

/** A real HTTP receiver on 127.0.0.1 for tests. */
export interface Receiver {
  url: string
  requests: Received[]
  /** Resolves with the next request (or the `n`th, 1-based, if it already came). */
  request(n: number): Promise<Received>
  close(): Promise<void>
}

/**
 * Starts a node:http server on 127.0.0.1, port 0. `handle` answers each request after its body
 * was read; the default answers 204.
 *
 * @example
 * const receiver = await startReceiver((req, res) => res.writeHead(500).end())
 */
export async function startReceiver(
  handle: Handler = (_, response) => {
    response.writeHead(204).end()
  },
): Promise<Receiver> {
  const requests: Received[] = []
  const waiters: Array<{ n: number; resolve: (received: Received) => void }> = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers[name] = value
      }
      const received = { path: request.url ?? '/', headers, body: Buffer.concat(chunks).toString() }
      requests.push(received)
      for (const waiter of waiters.filter((w) => w.n === requests.length)) waiter.resolve(received)
      handle(request, response, received)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    request(n) {
      const seen = requests[n - 1]
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve) => waiters.push({ n, resolve }))
    },
    close() {
      server.closeAllConnections?.()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
