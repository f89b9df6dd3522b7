import { generateSecret } from '@rh/protocol'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { ResthooksError } from '../errors'
import { deliveryTestKit } from '../testing/engine-setup'
import { startReceiver } from '../testing/receiver'

const { secret, receiver, setup } = deliveryTestKit()

const echo = (transform: (challenge: string) => unknown = (c) => ({ challenge: c })) =>
  receiver((_, response, received) => {
    const { data } = JSON.parse(received.body) as { data: { challenge: string } }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify(transform(data.challenge)))
  })

async function failure(promise: Promise<unknown>): Promise<ResthooksError> {
  const error = await promise.then(
    () => new Error('the handshake succeeded'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ResthooksError)
  return error as ResthooksError
}

describe('handshake', () => {
  it('succeeds when the target echoes the challenge of a signed rh.handshake', async () => {
    const target = await echo()
    const { checks } = setup()
    await checks.handshake({ target_url: target.url, events: ['post.created'], secret: null })
    const [request] = target.requests
    const body = JSON.parse(request?.body ?? '')
    expect(body).toMatchObject({ type: 'rh.handshake', data: { events: ['post.created'] } })
    expect(body.data.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(request?.headers['webhook-id']).toMatch(/^msg_/)
    expect(new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {})).toBeTruthy()
  })

  it('signs with the subscription secret when it has one', async () => {
    const own = generateSecret()
    const target = await echo()
    const { checks } = setup()
    await checks.handshake({ target_url: target.url, events: ['a'], secret: own })
    const [request] = target.requests
    expect(new Webhook(own).verify(request?.body ?? '', request?.headers ?? {})).toBeTruthy()
  })

  it('fails when the target answers another challenge', async () => {
    const target = await echo(() => ({ challenge: 'nope' }))
    const { checks } = setup()
    const error = await failure(
      checks.handshake({ target_url: target.url, events: ['a'], secret: null }),
    )
    expect(error.code).toBe('handshake_failed')
    expect(error.message).toMatch(/did not echo/)
  })

  it('fails when the target answers with something that is not JSON', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200).end('ok')
    })
    const { checks } = setup()
    const error = await failure(
      checks.handshake({ target_url: target.url, events: ['a'], secret: null }),
    )
    expect(error.message).toMatch(/without a JSON body/)
  })

  it('fails on a non-2xx status, a redirect included', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end()
    })
    const { checks } = setup()
    const error = await failure(
      checks.handshake({ target_url: target.url, events: ['a'], secret: null }),
    )
    expect(error.message).toMatch(/status 302/)
  })

  it('fails when the target does not answer within the deadline', async () => {
    const target = await receiver(() => {})
    const { checks, clock } = setup({ timeout: 2000 })
    const pending = failure(
      checks.handshake({ target_url: target.url, events: ['a'], secret: null }),
    )
    await target.request(1)
    await clock.advance(2000)
    expect((await pending).message).toMatch(/within 2000 ms/)
  })

  it('fails when nothing listens', async () => {
    const gone = await startReceiver()
    await gone.close()
    const { checks } = setup()
    const error = await failure(
      checks.handshake({ target_url: gone.url, events: ['a'], secret: null }),
    )
    expect(error.message).toMatch(/connection refused/)
    // What to look up: the method, the URL and the system's error code (Deno's errors carry none).
    expect(error.message).toContain(`POST ${gone.url}`)
    expect(error.message).toMatch(/ECONNREFUSED|ConnectionRefused|failed: connection refused$/)
  })

  it('says on a 401 that the receiver must verify with the subscription’s secret', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(401).end()
    })
    const { checks } = setup()
    const error = await failure(
      checks.handshake({ target_url: target.url, events: ['a'], secret: null }),
    )
    expect(error.message).toMatch(/status 401/)
    expect(error.message).toMatch(/verify with the subscription's secret/)
    expect(error.message).toMatch(/"secret"/)
  })

  it('refuses a private target before connecting to it', async () => {
    const target = await echo()
    const { checks } = setup({ allowPrivateTargets: false })
    const error = await failure(
      checks.handshake({ target_url: target.url, events: ['a'], secret: null }),
    )
    expect(error.code).toBe('target_refused')
    expect(target.requests).toHaveLength(0)
  })
})
