import { describe, expect, it } from 'vitest'
import { ResthooksError } from '../../errors'
import { deliveryTestKit } from '../test-kit/engine-setup'
import { post, transportContract } from '../test-kit/transport-contract'
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
})
