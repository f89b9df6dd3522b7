import { describe, expect, it } from 'vitest'
import { deliveryTestKit } from '../../testing/engine-setup'
import { post, transportContract } from '../../testing/transport-contract'
import { describeNetworkError } from '../network-error'
import type { Transport } from '../transport'
import { createTransport, detectRuntime } from './create-transport'
import { type SplitTransportOptions, splitTransport } from './split-transport'

const { defer, receiver } = deliveryTestKit()

function transport(options: SplitTransportOptions): Transport {
  const made = splitTransport(options)
  defer(async () => made.close?.())
  return made
}

/** The global fetch, counting the URLs it is asked for. */
function countingFetch() {
  const urls: string[] = []
  const counted: typeof fetch = (input, init) => {
    urls.push(String(input))
    return globalThis.fetch(input, init)
  }
  return { urls, fetch: counted }
}

/** A DNS that knows one made-up name, counting the questions. */
function madeUpDns(answer: string) {
  const dns = {
    asked: 0,
    resolve: async (hostname: string) => {
      dns.asked++
      return hostname === 'receiver.test' ? [answer] : []
    },
  }
  return dns
}

// Runs on Node, Bun and Deno; createTransport picks it on Bun and Deno.
describe('splitTransport', () => {
  transportContract(() => transport({ allowPrivateTargets: true }), receiver)

  it('sends an IP-literal target with fetch, asking no DNS', async () => {
    const target = await receiver()
    const counted = countingFetch()
    const dns = madeUpDns('127.0.0.1')
    const send = transport({ allowPrivateTargets: true, resolve: dns.resolve, ...counted })
    const response = await send(post(`${target.url}/hooks`))
    expect(response.status).toBe(204)
    expect(counted.urls).toEqual([`${target.url}/hooks`])
    expect(dns.asked).toBe(0)
    expect(target.requests).toHaveLength(1)
  })

  it('refuses a private IP literal before connecting, with neither client', async () => {
    const target = await receiver()
    const counted = countingFetch()
    const error = await transport({ ...counted })(post(target.url)).catch((e: unknown) => e)
    expect(describeNetworkError(error)).toMatch(/target refused: 127\.0\.0\.1 is loopback/)
    expect(counted.urls).toEqual([])
    expect(target.requests).toHaveLength(0)
  })

  it('refuses at connect time, not via fetch, a name resolving to a private address', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const counted = countingFetch()
    const dns = madeUpDns('127.0.0.1')
    const error = await transport({ resolve: dns.resolve, ...counted })(
      post(`http://receiver.test:${port}/`),
    ).catch((e: unknown) => e)
    // The connect-time lookup's wording (fetchTransport's own check words it differently).
    expect(describeNetworkError(error)).toMatch(
      /target refused: receiver\.test resolved to 127\.0\.0\.1/,
    )
    expect(dns.asked).toBe(1)
    expect(counted.urls).toEqual([])
    expect(target.requests).toHaveLength(0)
  })

  it('sends a hostname through its resolver when one is given, even with checks off', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const counted = countingFetch()
    const dns = madeUpDns('127.0.0.1')
    const send = transport({ allowPrivateTargets: true, resolve: dns.resolve, ...counted })
    const response = await send(post(`http://receiver.test:${port}/`))
    expect(response.status).toBe(204)
    expect(dns.asked).toBe(1)
    expect(counted.urls).toEqual([])
    expect(target.requests[0]?.headers.host).toBe(`receiver.test:${port}`)
  })

  it('sends a hostname with fetch when checks are off and the system DNS is used', async () => {
    const urls: string[] = []
    const answering: typeof fetch = async (input) => {
      urls.push(String(input))
      return new Response(null, { status: 204 })
    }
    const send = transport({ allowPrivateTargets: true, fetch: answering })
    expect((await send(post('http://hooks.invalid/x'))).status).toBe(204)
    expect(urls).toEqual(['http://hooks.invalid/x'])
  })

  it('never hands fetch a target that is not http(s), even with checks off', async () => {
    const counted = countingFetch()
    const send = transport({ allowPrivateTargets: true, ...counted })
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi']) {
      const error = await send(post(url)).catch((e: unknown) => e)
      expect(describeNetworkError(error)).toMatch(/^target refused: (file|data) is not http/)
    }
    expect(counted.urls).toEqual([])
  })

  it('aborts while the receiver trickles its body', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.write('still ')
    })
    const controller = new AbortController()
    let headersSeen = false
    const abortOnHeaders: typeof fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init)
      headersSeen = true
      controller.abort()
      return response
    }
    const sent = transport({ allowPrivateTargets: true, fetch: abortOnHeaders })(
      post(target.url, { signal: controller.signal }),
    )
    await expect(sent).rejects.toThrow()
    expect(headersSeen).toBe(true)
  })

  it('joins repeated set-cookie headers as the node:http transports do', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(204, { 'set-cookie': ['a=1', 'b=2'] }).end()
    })
    const response = await transport({ allowPrivateTargets: true })(post(target.url))
    expect(response.headers['set-cookie']).toBe('a=1, b=2')
  })
})

describe.skipIf(detectRuntime() !== 'bun' && detectRuntime() !== 'deno')(
  'createTransport on Bun and Deno',
  () => {
    it('sends IP literals with fetch and hostnames through the connect-time lookup', async () => {
      const target = await receiver()
      const port = new URL(target.url).port
      const counted = countingFetch()
      const dns = madeUpDns('127.0.0.1')
      const made = createTransport({ allowPrivateTargets: true, resolve: dns.resolve, ...counted })
      defer(async () => made.close?.())
      await made(post(target.url))
      await made(post(`http://receiver.test:${port}/`))
      expect(counted.urls).toEqual([target.url])
      expect(dns.asked).toBe(1)
      expect(target.requests).toHaveLength(2)
    })
  },
)
