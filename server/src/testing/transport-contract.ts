import { expect, it } from 'vitest'
import type { Transport, TransportRequest } from '../delivery/transport'
import type { Receiver, startReceiver } from './receiver'

/**
 * A POST of a small JSON body to `url`, with a fresh signal and a 1 KiB response limit.
 *
 * @example
 * await transport(post(target.url, { maxResponseBytes: 10 }))
 */
export const post = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"t"}',
  signal: new AbortController().signal,
  maxResponseBytes: 1024,
  ...extra,
})

/**
 * The cases every {@link Transport} passes, as vitest `it`s: call it inside the transport's
 * `describe`. `transport` makes one that may reach 127.0.0.1; `receiver` starts a test receiver
 * closed after the test. `keepsAlive` adds a case: 20 sequential requests use at most 2 sockets.
 *
 * @example
 * describe('fetchTransport', () => {
 *   transportContract(() => fetchTransport({ allowPrivateTargets: true }), receiver)
 * })
 */
export function transportContract(
  transport: () => Transport,
  receiver: (...args: Parameters<typeof startReceiver>) => Promise<Receiver>,
  { keepsAlive = false } = {},
): void {
  it('posts and returns the status, lower-case headers and the body', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(202, { 'X-Thing': 'yes' }).end('accepted')
    })
    const response = await transport()(post(target.url))
    expect(response).toMatchObject({ status: 202, bodyText: 'accepted', bytesRead: 8 })
    expect(response.headers['x-thing']).toBe('yes')
    expect(target.requests[0]?.body).toBe('{"type":"t"}')
  })

  for (const status of [301, 302]) {
    it(`returns a ${status} redirect without following it`, async () => {
      const elsewhere = await receiver()
      const target = await receiver((_, response) => {
        response.writeHead(status, { location: elsewhere.url }).end()
      })
      const response = await transport()(post(target.url))
      expect(response.status).toBe(status)
      expect(elsewhere.requests).toHaveLength(0)
    })
  }

  it('reads no more than maxResponseBytes', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200).end('x'.repeat(100_000))
    })
    const response = await transport()(post(target.url, { maxResponseBytes: 10 }))
    expect(response).toMatchObject({ bodyText: 'xxxxxxxxxx', bytesRead: 10, truncated: true })
  })

  if (!keepsAlive) return
  it('keeps connections alive across sequential requests', async () => {
    const sockets = new Set<unknown>()
    const target = await receiver((request, response) => {
      sockets.add(request.socket)
      response.writeHead(204).end()
    })
    const send = transport()
    for (let n = 0; n < 20; n++) await send(post(target.url))
    expect(sockets.size).toBeLessThanOrEqual(2)
  })
}
