import { describe, expect, it, vi } from 'vitest'
import { deliveryTestKit } from '../../testing/engine-setup'
import { post, transportContract } from '../../testing/transport-contract'
import { describeNetworkError } from '../network-error'
import type { AbortHook, Transport } from '../transport'
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
  transportContract(() => transport({ allowPrivateTargets: true }), receiver, {
    keepsAlive: true,
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

  it('joins repeated response headers, as the other transports do', async () => {
    const target = await receiver((_, response) => {
      response.setHeader('x-tag', ['a', 'b'])
      response.writeHead(204).end()
    })
    const response = await transport({ allowPrivateTargets: true })(post(target.url))
    expect(response.headers['x-tag']).toBe('a, b')
  })

  it('rejects with the signal reason when it aborts while the body is still arriving', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.write('still ')
    })
    const controller = new AbortController()
    const onHeaders = target.request(1)
    const sent = transport({ allowPrivateTargets: true })(
      post(target.url, { signal: controller.signal }),
    ).catch((e: unknown) => e)
    await onHeaders
    const reason = new Error('deadline')
    controller.abort(reason)
    expect(await sent).toBe(reason)
  })

  it('rejects at once when the signal aborts while waiting for a connection', async () => {
    // The first request is answered on `release()`, later ones at once.
    let release = null as (() => void) | null
    const target = await receiver((_, response) => {
      if (release) response.writeHead(204).end()
      else release = () => response.writeHead(204).end()
    })
    const send = transport({ allowPrivateTargets: true, connections: 1 })
    const first = send(post(target.url))
    await target.request(1)
    const controller = new AbortController()
    const queued = send(post(target.url, { signal: controller.signal })).catch((e: unknown) => e)
    const reason = new Error('closing')
    controller.abort(reason)
    expect(await queued).toBe(reason)
    release?.()
    expect((await first).status).toBe(204)
    // The aborted one never reached the receiver, even once the connection was free.
    expect((await send(post(target.url))).status).toBe(204)
    expect(target.requests).toHaveLength(2)
  })

  it('rejects with an already aborted signal without sending', async () => {
    const target = await receiver()
    const controller = new AbortController()
    controller.abort(new Error('late'))
    const error = await transport({ allowPrivateTargets: true })(
      post(target.url, { signal: controller.signal }),
    ).catch((e: unknown) => e)
    expect((error as Error).message).toBe('late')
    expect(target.requests).toHaveLength(0)
  })

  it("listens to the engine's abort hook instead of the signal when it has one", async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.write('still ')
    })
    const hook: AbortHook = { aborted: false, reason: undefined, listener: null }
    const signal = new AbortController().signal
    const onRequest = target.request(1)
    const sent = transport({ allowPrivateTargets: true })(
      post(target.url, { signal, abortHook: hook }),
    ).catch((e: unknown) => e)
    await onRequest
    await vi.waitFor(() => expect(hook.listener).not.toBeNull())
    const reason = new Error('deadline')
    hook.listener?.onAbort(reason)
    expect(await sent).toBe(reason)
  })

  it('lets go of the abort hook once the exchange has settled', async () => {
    const target = await receiver()
    const hook: AbortHook = { aborted: false, reason: undefined, listener: null }
    const response = await transport({ allowPrivateTargets: true })(
      post(target.url, { abortHook: hook }),
    )
    expect(response.status).toBe(204)
    expect(hook.listener).toBeNull()
  })
})
