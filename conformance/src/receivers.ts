import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HANDSHAKE_EVENT } from '@rh/protocol'
import { ConformanceError } from './errors'

/** A request a receiver got, with what it answered. */
export interface RecordedRequest {
  method: string
  headers: Record<string, string>
  /** The raw body, as the bytes arrived (UTF-8). */
  body: string
  /** When it arrived, ms since the epoch. */
  receivedAt: number
  /** The status the receiver answered. */
  status: number
}

/** What a receiver answers. */
export interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
  /** Drop the connection without an answer: the sender sees a network error (`status` unused). */
  drop?: boolean
  /** Never answer: the request stays open until the pool closes (`status` unused). */
  hang?: boolean
}

/**
 * How a receiver answers an `rh.handshake`: `echo` the challenge (agree), answer a
 * `wrong-challenge`, answer 200 with `no-challenge`, or answer an `error` status (500).
 */
export type HandshakeMode = 'echo' | 'wrong-challenge' | 'no-challenge' | 'error'

/** How a receiver behaves; by default it agrees to handshakes and answers 204 to deliveries. */
export interface ReceiverBehaviour {
  /** The answer to the `index`-th delivery (0 for the first). */
  reply?: (delivery: RecordedRequest, index: number) => Reply
  handshake?: HandshakeMode
}

/** One receiver: its URL and what it received so far. */
export interface Receiver {
  readonly url: string
  /** Deliveries (every request but handshakes), in arrival order. */
  readonly deliveries: RecordedRequest[]
  readonly handshakes: RecordedRequest[]
  /** Resolves with the first `count` deliveries once they arrived; rejects after `timeoutMs`. */
  waitForDeliveries(count: number, timeoutMs: number): Promise<RecordedRequest[]>
}

/** The suite's HTTP receivers: one `node:http` server on 127.0.0.1, one path per receiver. */
export interface ReceiverPool {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string
  create(behaviour?: ReceiverBehaviour): Receiver
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024

interface ReceiverState extends Receiver {
  behaviour: ReceiverBehaviour
  waiters: Set<() => void>
}

/**
 * Starts the receivers the server suite subscribes: a `node:http` server on `host` (127.0.0.1)
 * and port 0, one path per receiver.
 *
 * @example
 * const pool = await startReceivers()
 * const receiver = pool.create({ reply: (_, i) => ({ status: i === 0 ? 500 : 204 }) })
 */
export async function startReceivers(
  options: { host?: string; now?: () => number } = {},
): Promise<ReceiverPool> {
  const now = options.now ?? Date.now
  const host = options.host ?? '127.0.0.1'
  const receivers = new Map<string, ReceiverState>()
  let next = 0

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const receiver = receivers.get((req.url ?? '/').split('?')[0] ?? '/')
    const body = await readBody(req)
    if (!receiver) {
      res.writeHead(404).end()
      return
    }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      headers,
      body,
      receivedAt: now(),
      status: 0,
    }
    const challenge = handshakeChallenge(body)
    let reply: Reply
    if (challenge !== undefined) {
      reply = answerHandshake(receiver.behaviour.handshake ?? 'echo', challenge)
      receiver.handshakes.push(recorded)
    } else {
      const index = receiver.deliveries.length
      reply = receiver.behaviour.reply?.(recorded, index) ?? { status: 204 }
      receiver.deliveries.push(recorded)
    }
    recorded.status = reply.drop || reply.hang ? 0 : reply.status
    if (reply.drop) res.socket?.destroy()
    else if (!reply.hang) res.writeHead(reply.status, reply.headers).end(reply.body)
    for (const wake of [...receiver.waiters]) wake()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    origin,
    create(behaviour = {}) {
      const path = `/r/${++next}`
      const state: ReceiverState = {
        url: `${origin}${path}`,
        deliveries: [],
        handshakes: [],
        behaviour,
        waiters: new Set(),
        waitForDeliveries(count, timeoutMs) {
          return new Promise((resolve, reject) => {
            const done = () => {
              if (state.deliveries.length < count) return
              cleanup()
              resolve(state.deliveries.slice(0, count))
            }
            const timer = setTimeout(() => {
              cleanup()
              reject(
                new ConformanceError('timeout', `deliveries did not arrive at ${state.url}`, {
                  expected: `${count} deliver${count === 1 ? 'y' : 'ies'} within ${timeoutMs} ms`,
                  seen: `${state.deliveries.length}`,
                }),
              )
            }, timeoutMs)
            const cleanup = () => {
              clearTimeout(timer)
              state.waiters.delete(done)
            }
            state.waiters.add(done)
            done()
          })
        },
      }
      receivers.set(path, state)
      return state
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Keep-alive sockets of the server under test would hold close() open.
        server.closeAllConnections?.()
      })
    },
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) break
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function handshakeChallenge(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; data?: { challenge?: unknown } }
    if (parsed?.type !== HANDSHAKE_EVENT) return undefined
    const challenge = parsed.data?.challenge
    return typeof challenge === 'string' ? challenge : ''
  } catch {
    return undefined
  }
}

function answerHandshake(mode: HandshakeMode, challenge: string): Reply {
  const json = { 'content-type': 'application/json' }
  switch (mode) {
    case 'echo':
      return { status: 200, headers: json, body: JSON.stringify({ challenge }) }
    case 'wrong-challenge':
      return { status: 200, headers: json, body: JSON.stringify({ challenge: `${challenge}x` }) }
    case 'no-challenge':
      return { status: 200, headers: json, body: '{}' }
    case 'error':
      return { status: 500 }
  }
}
