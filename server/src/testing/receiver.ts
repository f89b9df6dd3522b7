import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

// The one test receiver of the repository: a node:http server on 127.0.0.1, port 0, that records
// every request. `startReceiver` is the raw form (the test writes the response); `startHookReceiver`
// and `startVerifyingReceiver` are views over it for the API and crash tests.

/** A request as the receiver saw it. */
export interface Received {
  path: string
  headers: Record<string, string>
  body: string
}

type Handler = (request: IncomingMessage, response: ServerResponse, received: Received) => void

/** A real HTTP receiver on 127.0.0.1 for tests. */
export interface Receiver {
  /** The origin, `http://127.0.0.1:<port>`, without a path. */
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
      const body = Buffer.concat(chunks).toString('utf8')
      const received = { path: request.url ?? '/', headers, body }
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

/** A request a {@link HookReceiver} got. */
export type ReceivedHook = Received

/** How a {@link HookReceiver} answers one request; default: echo handshakes, 204 otherwise. */
export type HookAnswer = (hook: ReceivedHook) => { status: number; body?: string }

/** A receiver at `<origin>/hooks` whose answers are data, for the server's API tests. */
export interface HookReceiver {
  url: string
  received: ReceivedHook[]
  /** Deliveries only (handshakes left out). */
  deliveries(): ReceivedHook[]
  /** Changes how later requests are answered. */
  answer(answer: HookAnswer): void
  close(): Promise<void>
}

/** Whether a request body is an rh handshake. */
export const isHandshake = (hook: { body: string }) =>
  hook.body.startsWith('{"type":"rh.handshake"')

/** Echoes the challenge of a handshake; answers a delivery 204. */
export const agree: HookAnswer = (hook) => {
  if (!isHandshake(hook)) return { status: 204 }
  const { data } = JSON.parse(hook.body) as { data: { challenge: string } }
  return { status: 200, body: JSON.stringify({ challenge: data.challenge }) }
}

/**
 * Starts a {@link startReceiver} at `<origin>/hooks` that answers with `answer` (default
 * {@link agree}).
 *
 * @example
 * const receiver = await startHookReceiver()
 * await api('POST', '/hooks/subscriptions', { target_url: receiver.url, events: ['a'] })
 */
export async function startHookReceiver(answer: HookAnswer = agree): Promise<HookReceiver> {
  let current = answer
  const raw = await startReceiver((_, response, hook) => {
    const { status, body } = current(hook)
    response.writeHead(status, body ? { 'content-type': 'application/json' } : {})
    response.end(body)
  })
  return {
    url: `${raw.url}/hooks`,
    received: raw.requests,
    deliveries: () => raw.requests.filter((hook) => !isHandshake(hook)),
    answer(next) {
      current = next
    },
    close: raw.close,
  }
}

/** One delivery a {@link VerifyingReceiver} got. */
export interface VerifiedDelivery extends Received {
  /** The `webhook-id` header. */
  id: string
  /** Whether the signature verified with the independent `standardwebhooks` library. */
  verified: boolean
}

/** A receiver that records deliveries by `webhook-id`, for the crash and CLI tests. */
export interface VerifyingReceiver {
  /** The target URL to subscribe. */
  url: string
  /** Deliveries only (handshakes are answered, not recorded). */
  deliveries: VerifiedDelivery[]
  /** The distinct `webhook-id`s delivered so far. */
  ids(): Set<string>
  /** Resolves once the deliveries satisfy `predicate` (checked on every delivery). */
  waitFor(predicate: (receiver: VerifyingReceiver) => boolean): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a {@link startHookReceiver} that answers handshakes, checks signatures with the
 * independent `standardwebhooks` library when given the secret, and records every delivery by
 * `webhook-id`. `waitFor(predicate)` resolves once the deliveries satisfy it.
 *
 * @example
 * const receiver = await startVerifyingReceiver()
 * await receiver.waitFor((r) => r.ids().size === 10)
 */
export async function startVerifyingReceiver(
  options: { secret?: string } = {},
): Promise<VerifyingReceiver> {
  const deliveries: VerifiedDelivery[] = []
  const waiters = new Set<() => void>()
  const webhook = options.secret ? new Webhook(options.secret) : null
  const hooks = await startHookReceiver((hook) => {
    const answer = agree(hook)
    if (isHandshake(hook)) return answer
    let verified = false
    try {
      webhook?.verify(hook.body, hook.headers)
      verified = webhook !== null
    } catch {}
    deliveries.push({ ...hook, id: String(hook.headers['webhook-id']), verified })
    queueMicrotask(() => {
      for (const waiter of waiters) waiter()
    })
    return answer
  })
  const receiver: VerifyingReceiver = {
    url: hooks.url,
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
    close: hooks.close,
  }
  return receiver
}
