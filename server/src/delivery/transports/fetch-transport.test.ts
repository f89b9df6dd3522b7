import { afterEach, describe, expect, it } from 'vitest'
import { ResthooksError } from '../../errors'
import { type Receiver, startReceiver } from '../test-kit/receiver'
import type { TransportRequest } from '../transport'
import { fetchTransport } from './fetch-transport'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args)
  cleanups.push(() => started.close())
  return started
}

const post = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"t"}',
  signal: new AbortController().signal,
  maxResponseBytes: 1024,
  ...extra,
})

describe('fetchTransport', () => {
  it('posts and returns the status, lower-case headers and the body', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(202, { 'X-Thing': 'yes' }).end('accepted')
    })
    const response = await fetchTransport({ allowPrivateTargets: true })(post(target.url))
    expect(response).toMatchObject({ status: 202, bodyText: 'accepted', bytesRead: 8 })
    expect(response.headers['x-thing']).toBe('yes')
  })

  it('returns a redirect without following it', async () => {
    const elsewhere = await receiver()
    const target = await receiver((_, response) => {
      response.writeHead(302, { location: elsewhere.url }).end()
    })
    const response = await fetchTransport({ allowPrivateTargets: true })(post(target.url))
    expect(response.status).toBe(302)
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('reads no more than maxResponseBytes', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200).end('y'.repeat(100_000))
    })
    const response = await fetchTransport({ allowPrivateTargets: true })(
      post(target.url, { maxResponseBytes: 10 }),
    )
    expect(response).toMatchObject({ bodyText: 'yyyyyyyyyy', bytesRead: 10, truncated: true })
  })

  it('refuses a hostname that resolves to a private address before fetching', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const resolve = async () => ['127.0.0.1']
    const error = await fetchTransport({ resolve })(post(`http://receiver.test:${port}/`)).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ResthooksError)
    expect(target.requests).toHaveLength(0)
  })
})
