import { describe, expect, it } from 'vitest'
import { describeNetworkError } from '../network-error'
import { deliveryTestKit } from '../test-kit/engine-setup'
import { post, transportContract } from '../test-kit/transport-contract'
import type { Transport } from '../transport'
import { detectRuntime } from './create-transport'
import { undiciTransport } from './undici-transport'

const { defer, receiver } = deliveryTestKit()

function transport(options: Parameters<typeof undiciTransport>[0]): Transport {
  const made = undiciTransport(options)
  defer(async () => made.close?.())
  return made
}

const local = async (hostname: string) => (hostname === 'receiver.test' ? ['127.0.0.1'] : [])

// undici is the transport rh selects on Node only; Bun and Deno use fetchTransport.
describe.skipIf(detectRuntime() !== 'node')('undiciTransport', () => {
  transportContract(() => transport({ allowPrivateTargets: true }), receiver)

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
