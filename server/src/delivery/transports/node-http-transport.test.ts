import { describe, expect, it } from 'vitest'
import { deliveryTestKit } from '../../testing/engine-setup'
import { post, transportContract } from '../../testing/transport-contract'
import { describeNetworkError } from '../network-error'
import type { Transport } from '../transport'
import { nodeHttpTransport } from './node-http-transport'

const { defer, receiver } = deliveryTestKit()

function transport(options: Parameters<typeof nodeHttpTransport>[0]): Transport {
  const made = nodeHttpTransport(options)
  defer(async () => made.close?.())
  return made
}

/** A DNS that knows one made-up name, and can be told to change its answer (rebinding). */
function rebindingDns(first: string) {
  const dns = {
    answer: first,
    asked: 0,
    resolve: async (hostname: string) => {
      dns.asked++
      return hostname === 'rebind.test' ? [dns.answer] : []
    },
  }
  return dns
}

// Runs on Node, Bun and Deno: each must connect through the `lookup` it is given.
describe('nodeHttpTransport', () => {
  transportContract(() => transport({ allowPrivateTargets: true }), receiver, {
    keepsAlive: true,
  })

  it('sends the body in one piece with its Content-Length in bytes', async () => {
    const target = await receiver()
    const body = '{"type":"t","data":"héllo"}'
    await transport({ allowPrivateTargets: true })(post(target.url, { body }))
    expect(target.requests[0]?.body).toBe(body)
    expect(target.requests[0]?.headers['content-length']).toBe(String(Buffer.byteLength(body)))
    expect(target.requests[0]?.headers['transfer-encoding']).toBeUndefined()
  })

  it('connects through its resolver: a made-up hostname reaches the address it gave', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const dns = rebindingDns('127.0.0.1')
    const response = await transport({ allowPrivateTargets: true, resolve: dns.resolve })(
      post(`http://rebind.test:${port}/`),
    )
    expect(response.status).toBe(204)
    expect(dns.asked).toBe(1)
    expect(target.requests[0]?.headers.host).toBe(`rebind.test:${port}`)
  })

  it('refuses, at connect time, a hostname that resolves to a private address', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const dns = rebindingDns('127.0.0.1')
    const error = await transport({ resolve: dns.resolve })(
      post(`http://rebind.test:${port}/`),
    ).catch((e: unknown) => e)
    expect(describeNetworkError(error)).toMatch(
      /target refused: rebind\.test resolved to 127\.0\.0\.1/,
    )
    expect(dns.asked).toBe(1)
    expect(target.requests).toHaveLength(0)
  })

  it('refuses a private IP literal before connecting', async () => {
    const target = await receiver()
    const error = await transport({})(post(target.url)).catch((e: unknown) => e)
    expect(describeNetworkError(error)).toMatch(/target refused: 127\.0\.0\.1 is loopback/)
    expect(target.requests).toHaveLength(0)
  })

  it('aborts a request whose receiver does not answer', async () => {
    const target = await receiver(() => {})
    const controller = new AbortController()
    const sent = transport({ allowPrivateTargets: true })(
      post(target.url, { signal: controller.signal }),
    )
    await target.request(1)
    controller.abort()
    await expect(sent).rejects.toThrow()
  })
})
