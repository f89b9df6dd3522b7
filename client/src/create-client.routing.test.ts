// Routing end to end: the client against a real @rh/server over node:http on 127.0.0.1.
import { createResthooks } from '@rh/server'
import { toNodeHandler as serverNodeHandler } from '@rh/server/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RhClientError } from './client-error'
import { createClient } from './create-client'
import { bearerOwner, httpServers } from './test-kit/http-servers'
import { rejection } from './test-kit/rejection'

type Events = { 'order.created': { amount: number }; 'order.paid': { amount: number } }

const rh = createResthooks<Events>({
  authenticate: bearerOwner,
  events: ['order.created', 'order.paid'],
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

describe('routing through createClient', () => {
  it('subscribes to a pattern with a filter, and changes and removes the filter', async () => {
    const client = createClient<Events>({ baseUrl, headers: { authorization: 'Bearer alice' } })
    const filter = { path: 'amount', gte: 100 }
    const created = await client.subscribe('order.*', 'http://127.0.0.1:9/hooks', { filter })
    expect(created).toMatchObject({ events: ['order.*'], filter })
    expect((await client.get(created.id)).filter).toEqual(filter)
    const removed = await client.update(created.id, { filter: null })
    expect(removed.filter).toBeUndefined()
  })

  it('rejects a bad filter with the path of the bad clause', async () => {
    const client = createClient<Events>({ baseUrl, headers: { authorization: 'Bearer alice' } })
    const bad = {
      and: [
        { path: 'amount', gte: 1 },
        { path: 'x', in: [] },
      ],
    }
    const error = await rejection(
      client.subscribe('order.paid', 'http://127.0.0.1:9/hooks', { filter: bad as never }),
      RhClientError,
    )
    expect(error.problem?.errors?.map((issue) => issue.path)).toContain('filter.and.1.in')
  })
})
