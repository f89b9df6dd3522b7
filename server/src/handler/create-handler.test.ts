import { afterEach, describe, expect, it } from 'vitest'
import { lightParts, TAKES_LIGHT_RESPONSE } from '../../../internal/fast-path'
import { createResthooks } from '../create-resthooks'
import { bearerOwner } from '../testing/api'

const rh = () => {
  const made = createResthooks({
    authenticate: bearerOwner,
    handshake: false,
    allowPrivateTargets: true,
  })
  closing.push(() => made.close({ graceMs: 0 }))
  return made
}
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
})

const create = (takesLight: boolean) => {
  const request = new Request('http://rh.test/hooks/subscriptions', {
    method: 'POST',
    headers: { authorization: 'Bearer alice', 'content-type': 'application/json' },
    body: JSON.stringify({ target_url: 'http://127.0.0.1:9/x', events: ['a.b'] }),
  })
  if (takesLight) Object.defineProperty(request, TAKES_LIGHT_RESPONSE, { value: true })
  return request
}

describe('createHandler', () => {
  it('answers a platform Response to a caller that did not ask for a light one', async () => {
    const response = await rh().fetch(create(false))
    expect(response.status).toBe(201)
    expect(response.constructor).toBe(Response)
    expect(lightParts(response)).toBeUndefined()
    expect(response.headers.get('content-length')).toBe(String((await response.bytes()).length))
  })

  it('answers a light JSON response to a request that takes one, with the same content', async () => {
    const app = rh()
    const response = await app.fetch(create(true))
    const parts = lightParts(response)
    expect(parts?.status).toBe(201)
    const { secret, ...body } = JSON.parse(parts?.text ?? '') as { id: string; secret: string }
    expect(parts?.headers).toEqual({
      'content-type': 'application/json',
      location: `subscriptions/${body.id}`,
    })
    expect(secret).toMatch(/^whsec_/)
    const read = await app.fetch(
      new Request(`http://rh.test/hooks/subscriptions/${body.id}`, {
        headers: { authorization: 'Bearer alice' },
      }),
    )
    expect(await read.json()).toEqual(body)
  })
})
