// Ordered delivery through the client: a real @rh/server over node:http on 127.0.0.1.
import { createResthooks } from '@rh/server'
import { toNodeHandler as serverNodeHandler } from '@rh/server/node'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { RhClientError } from './client-error'
import { createClient, type SubscribeOptions } from './create-client'
import { bearerOwner, httpServers } from './test-kit/http-servers'
import { rejection } from './test-kit/rejection'

const rh = createResthooks({
  authenticate: bearerOwner,
  handshake: false,
  allowPrivateTargets: true,
})
const servers = httpServers()
let baseUrl: string

beforeAll(async () => {
  baseUrl = `${await servers.listen(serverNodeHandler(rh))}/hooks`
})

afterAll(async () => {
  await servers.closeAll()
  await rh.close({ graceMs: 0 })
})

describe('ordering through createClient', () => {
  it("subscribes with ordering 'fifo', reads it back, and turns it off", async () => {
    const client = createClient({ baseUrl, headers: { authorization: 'Bearer alice' } })
    const created = await client.subscribe('order.paid', 'http://127.0.0.1:9/hooks', {
      ordering: 'fifo',
    })
    expect(created.ordering).toBe('fifo')
    expect((await client.get(created.id)).ordering).toBe('fifo')
    const unordered = await client.update(created.id, { ordering: 'none' })
    expect(unordered.ordering).toBeUndefined()
  })

  it('refuses ordering under the go-resthooks profile, which has none', async () => {
    const client = createClient({ baseUrl, profile: 'go-resthooks' })
    const error = await rejection(
      client.subscribe('order.paid', 'http://127.0.0.1:9/hooks', { ordering: 'fifo' }),
      RhClientError,
    )
    expect(error.code).toBe('unsupported')
  })

  it("types ordering as 'none' | 'fifo'", () => {
    expectTypeOf<SubscribeOptions['ordering']>().toEqualTypeOf<'none' | 'fifo' | undefined>()
  })
})
