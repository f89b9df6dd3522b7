import { describe, expect, it } from 'vitest'
import { deliveryTestKit } from '../testing/engine-setup'
import { fetchTransport } from './transports/fetch-transport'

const { receiver, setup } = deliveryTestKit()

/** A receiver that answers every delivery with `status` and `body` as JSON. */
const answering = (status: number, body: string) =>
  receiver((_, response) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(body)
  })

const transports = {
  'the runtime transport': () => ({}),
  'the fetch transport': () => ({ transport: fetchTransport({ allowPrivateTargets: true }) }),
}

describe.each(Object.entries(transports))('the attempt log, over %s', (_, transport) => {
  it("keeps the start of the receiver's response body", async () => {
    const target = await answering(500, '{"error":"db down"}\n')
    const { store, queue, engine, next } = setup({ ...transport(), retry: { retries: 0 } })
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'failed', response_status: 500 })

    const [logged] = (await queue.listAttempts('alice', sub.id, { limit: 10 })).items
    expect(logged).toMatchObject({ response_status: 500, response_excerpt: '{"error":"db down"}' })
  })

  it('caps a long body at 256 characters', async () => {
    const body = JSON.stringify({ error: 'x'.repeat(290) })
    const target = await answering(500, body)
    const { store, queue, engine, next } = setup({ ...transport(), retry: { retries: 0 } })
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    await next()

    const [logged] = (await queue.listAttempts('alice', sub.id, { limit: 10 })).items
    expect(body.length).toBe(302)
    expect(logged?.response_excerpt).toBe(body.slice(0, 256))
  })

  it('keeps null when the receiver answers without a body', async () => {
    const target = await receiver()
    const { store, queue, engine, next } = setup(transport())
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'delivered', response_status: 204 })

    const [logged] = (await queue.listAttempts('alice', sub.id, { limit: 10 })).items
    expect(logged?.response_excerpt).toBeNull()
  })

  it('keeps null when no response arrived', async () => {
    const target = await receiver()
    await target.close()
    const { store, queue, engine, next } = setup({ ...transport(), retry: { retries: 0 } })
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'failed', response_status: null })

    const [logged] = (await queue.listAttempts('alice', sub.id, { limit: 10 })).items
    expect(logged?.response_excerpt).toBeNull()
  })
})
