import { describe, expect, it } from 'vitest'
import { ResthooksError } from '../../errors'
import { deliveryTestKit } from '../../testing/engine-setup'
import { post, transportContract } from '../../testing/transport-contract'
import { describeNetworkError } from '../network-error'
import { fetchTransport } from './fetch-transport'

const { receiver } = deliveryTestKit()

describe('fetchTransport', () => {
  transportContract(() => fetchTransport({ allowPrivateTargets: true }), receiver)

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

  it('never fetches a target that is not http(s), even with address checks off', async () => {
    const asked: string[] = []
    const fetch: typeof globalThis.fetch = async (input) => {
      asked.push(String(input))
      return new Response('secret')
    }
    const send = fetchTransport({ allowPrivateTargets: true, fetch })
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi']) {
      const error = await send(post(url)).catch((e: unknown) => e)
      expect(describeNetworkError(error)).toMatch(
        /^target refused: (file|data) is not http or https$/,
      )
    }
    expect(asked).toEqual([])
  })
})
