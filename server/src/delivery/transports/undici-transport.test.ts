import { afterEach, describe, expect, it } from 'vitest'
import { describeNetworkError } from '../network-error'
import { type Receiver, startReceiver } from '../test-kit/receiver'
import type { Transport, TransportRequest } from '../transport'
import { detectRuntime } from './create-transport'
import { undiciTransport } from './undici-transport'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args)
  cleanups.push(() => started.close())
  return started
}

function transport(options: Parameters<typeof undiciTransport>[0]): Transport {
  const made = undiciTransport(options)
  cleanups.push(async () => made.close?.())
  return made
}

const post = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"t"}',
  signal: new AbortController().signal,
  maxResponseBytes: 1024,
  ...extra,
})

const local = async (hostname: string) => (hostname === 'receiver.test' ? ['127.0.0.1'] : [])

// undici is the transport rh selects on Node only; Bun and Deno use fetchTransport.
describe.skipIf(detectRuntime() !== 'node')('undiciTransport', () => {
  it('posts and returns the status, lower-case headers and the body', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(202, { 'X-Thing': 'yes' }).end('accepted')
    })
    const response = await transport({ allowPrivateTargets: true })(post(target.url))
    expect(response).toMatchObject({ status: 202, bodyText: 'accepted', bytesRead: 8 })
    expect(response.headers['x-thing']).toBe('yes')
    expect(target.requests[0]?.body).toBe('{"type":"t"}')
  })

  it('keeps connections alive across sequential requests', async () => {
    const sockets = new Set<unknown>()
    const target = await receiver((request, response) => {
      sockets.add(request.socket)
      response.writeHead(204).end()
    })
    const send = transport({ allowPrivateTargets: true })
    for (let n = 0; n < 20; n++) await send(post(target.url))
    expect(sockets.size).toBeLessThanOrEqual(2)
  })

  it('returns a redirect without following it', async () => {
    const elsewhere = await receiver()
    const target = await receiver((_, response) => {
      response.writeHead(301, { location: elsewhere.url }).end()
    })
    const response = await transport({ allowPrivateTargets: true })(post(target.url))
    expect(response.status).toBe(301)
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('reads no more than maxResponseBytes', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200).end('x'.repeat(100_000))
    })
    const response = await transport({ allowPrivateTargets: true })(
      post(target.url, { maxResponseBytes: 10 }),
    )
    expect(response).toMatchObject({ bodyText: 'xxxxxxxxxx', bytesRead: 10, truncated: true })
  })

  it('connects to the address its resolver gave', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const response = await transport({ allowPrivateTargets: true, resolve: local })(
      post(`http://receiver.test:${port}/`),
    )
    expect(response.status).toBe(204)
  })

  it('refuses, at connect time, a hostname that resolves to a private address', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const error = await transport({ resolve: local })(post(`http://receiver.test:${port}/`)).catch(
      (e: unknown) => e,
    )
    expect(describeNetworkError(error)).toMatch(
      /target refused: receiver\.test resolved to 127\.0\.0\.1/,
    )
    expect(target.requests).toHaveLength(0)
  })

  it('refuses a private IP literal before connecting', async () => {
    const target = await receiver()
    const error = await transport({})(post(target.url)).catch((e: unknown) => e)
    expect(describeNetworkError(error)).toMatch(/target refused: 127\.0\.0\.1 is loopback/)
    expect(target.requests).toHaveLength(0)
  })
})
