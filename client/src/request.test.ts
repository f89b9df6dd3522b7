// Replies no real rh server gives (odd problem bodies, truncated JSON, proxy error pages), mocked
// with msw; everything else is tested end to end in create-client.test.ts.
import { delay, HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RhClientError } from './client-error'
import { createClient } from './create-client'
import { rejection } from './test-kit/rejection'

// Port 1 on loopback: if msw ever failed to intercept, the connection is refused locally.
const base = 'http://127.0.0.1:1/hooks'
const id = 'sub_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
const subscription = {
  id,
  events: ['post.created'],
  target_url: 'https://me.example/hooks',
  status: 'active',
  metadata: {},
  created_at: '2025-01-31T12:00:00.000Z',
  updated_at: '2025-01-31T12:00:00.000Z',
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const client = createClient({ baseUrl: base, retryDelay: 0 })

const failure = (promise: Promise<unknown>) => rejection(promise, RhClientError)

const problem = (body: Record<string, unknown>, status: number) =>
  HttpResponse.json(body, { status, headers: { 'content-type': 'application/problem+json' } })

describe('the transport of createClient', () => {
  it('turns a problem+json body into an RhClientError with its code, status and detail', async () => {
    const document = {
      type: 'urn:rh:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: `no subscription ${id}`,
      code: 'not_found',
    }
    server.use(http.get(`${base}/subscriptions/:id`, () => problem(document, 404)))
    const error = await failure(client.get(id))
    expect(error).toMatchObject({ name: 'RhClientError', code: 'not_found', status: 404 })
    expect(error.detail).toBe(`no subscription ${id}`)
    expect(error.problem).toEqual(document)
    expect(error.message).toBe(`404 not_found: no subscription ${id}`)
  })

  it('keeps a problem code a newer server added, and the field errors', async () => {
    const errors = [{ path: 'events.0', message: 'unknown event' }]
    server.use(
      http.post(`${base}/subscriptions`, () =>
        problem(
          { type: 'urn:rh:problem:quota', title: 'Quota', status: 429, code: 'quota', errors },
          429,
        ),
      ),
    )
    const error = await failure(client.subscribe('post.created', 'https://me.example/hooks'))
    expect(error.code).toBe('quota')
    expect(error.detail).toBe('Quota')
    expect(error.problem?.errors).toEqual(errors)
  })

  it('reports a problem+json body missing its members as an http_error', async () => {
    server.use(
      http.get(`${base}/subscriptions/:id`, () =>
        problem({ type: 'about:blank', title: 'Nope' }, 400),
      ),
    )
    const error = await failure(client.get(id))
    expect(error).toMatchObject({ code: 'http_error', status: 400, problem: undefined })
    expect(error.detail).toContain('Nope')
  })

  it('reports a JSON error body that is not a problem as an http_error', async () => {
    server.use(
      http.get(`${base}/subscriptions/:id`, () =>
        HttpResponse.json({ error: 'nope' }, { status: 400 }),
      ),
    )
    const error = await failure(client.get(id))
    expect(error).toMatchObject({ code: 'http_error', status: 400 })
    expect(error.detail).toContain('application/json')
    expect(error.detail).toContain('nope')
  })

  it('reports a truncated problem body as an http_error', async () => {
    server.use(
      http.get(
        `${base}/subscriptions/:id`,
        () =>
          new HttpResponse('{"type":"urn:rh:problem:internal","tit', {
            status: 500,
            headers: { 'content-type': 'application/problem+json' },
          }),
      ),
    )
    const error = await failure(createClient({ baseUrl: base, retry: 0 }).get(id))
    expect(error).toMatchObject({ code: 'http_error', status: 500 })
  })

  it('reports an HTML 502 page as an http_error with its text, after retrying a GET', async () => {
    let calls = 0
    server.use(
      http.get(`${base}/subscriptions/:id`, () => {
        calls++
        return HttpResponse.html('<html><body><h1>502 Bad Gateway</h1></body></html>', {
          status: 502,
        })
      }),
    )
    const error = await failure(createClient({ baseUrl: base, retry: 2, retryDelay: 0 }).get(id))
    expect(error).toMatchObject({ code: 'http_error', status: 502 })
    expect(error.detail).toContain('502 Bad Gateway')
    expect(error.detail).not.toContain('<h1>')
    expect(calls).toBe(3)
  })

  it('reports an empty error body as an http_error', async () => {
    server.use(
      http.delete(`${base}/subscriptions/:id`, () => new HttpResponse(null, { status: 403 })),
    )
    const error = await failure(client.unsubscribe(id))
    expect(error).toMatchObject({ code: 'http_error', status: 403 })
    expect(error.detail).toContain('an empty body')
  })

  it('reports a truncated JSON success body as an invalid_response', async () => {
    server.use(
      http.get(
        `${base}/subscriptions/:id`,
        () =>
          new HttpResponse('{"id":"sub_01J9Z8Q4B7M2X', {
            headers: { 'content-type': 'application/json' },
          }),
      ),
    )
    const error = await failure(client.get(id))
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 })
    expect(error.detail).toContain('not JSON')
  })

  it('reports a success body of the wrong shape as an invalid_response naming the field', async () => {
    server.use(
      http.get(`${base}/subscriptions/:id`, () =>
        HttpResponse.json({ ...subscription, status: 'sleeping' }),
      ),
    )
    const error = await failure(client.get(id))
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 })
    expect(error.detail).toContain('status')
  })

  it('reports a page without next_cursor as an invalid_response', async () => {
    server.use(http.get(`${base}/subscriptions`, () => HttpResponse.json({ data: [subscription] })))
    const error = await failure(client.list())
    expect(error.code).toBe('invalid_response')
    expect(error.detail).toContain('next_cursor')
  })

  it('reports a failed connection as a network_error, retrying a GET', async () => {
    let calls = 0
    server.use(
      http.get(`${base}/subscriptions/:id`, () => {
        calls++
        return HttpResponse.error()
      }),
    )
    const error = await failure(createClient({ baseUrl: base, retry: 1, retryDelay: 0 }).get(id))
    expect(error.code).toBe('network_error')
    expect(error.status).toBeUndefined()
    expect(error.cause).toBeInstanceOf(Error)
    expect(calls).toBe(2)
  })

  it('reports no answer within the timeout as a timeout', async () => {
    server.use(http.get(`${base}/subscriptions/:id`, () => delay('infinite')))
    const error = await failure(createClient({ baseUrl: base, timeout: 20, retry: 0 }).get(id))
    expect(error.code).toBe('timeout')
    expect(error.detail).toBe('no response within 20 ms')
  })

  it("reports the caller's abort as aborted, without retrying", async () => {
    let calls = 0
    server.use(
      http.get(`${base}/subscriptions/:id`, () => {
        calls++
        return delay('infinite')
      }),
    )
    const controller = new AbortController()
    const pending = failure(client.get(id, { signal: controller.signal }))
    controller.abort()
    const error = await pending
    expect(error.code).toBe('aborted')
    expect(calls).toBeLessThanOrEqual(1)
  })

  it('never retries a POST, even after a 503', async () => {
    let calls = 0
    server.use(
      http.post(`${base}/subscriptions`, () => {
        calls++
        return new HttpResponse('busy', { status: 503 })
      }),
    )
    const error = await failure(
      createClient({ baseUrl: base, retry: 3, retryDelay: 0 }).subscribe(
        'post.created',
        'https://me.example/hooks',
      ),
    )
    expect(error.status).toBe(503)
    expect(calls).toBe(1)
  })

  it('retries a DELETE after a 503 and succeeds', async () => {
    let calls = 0
    server.use(
      http.delete(`${base}/subscriptions/:id`, () =>
        ++calls < 2
          ? new HttpResponse(null, { status: 503 })
          : new HttpResponse(null, { status: 204 }),
      ),
    )
    await createClient({ baseUrl: base, retry: 2, retryDelay: 0 }).unsubscribe(id)
    expect(calls).toBe(2)
  })

  it('does not retry a 500', async () => {
    let calls = 0
    server.use(
      http.get(`${base}/subscriptions/:id`, () => {
        calls++
        return new HttpResponse('oops', { status: 500 })
      }),
    )
    await failure(createClient({ baseUrl: base, retry: 2, retryDelay: 0 }).get(id))
    expect(calls).toBe(1)
  })

  it('sends the headers, calling a header function on every call', async () => {
    const seen: (string | null)[] = []
    server.use(
      http.get(`${base}/subscriptions/:id`, ({ request }) => {
        seen.push(request.headers.get('authorization'))
        return HttpResponse.json(subscription)
      }),
    )
    let token = 0
    const authed = createClient({
      baseUrl: base,
      headers: () => ({ authorization: `Bearer ${++token}` }),
    })
    await authed.get(id)
    await authed.get(id)
    expect(seen).toEqual(['Bearer 1', 'Bearer 2'])
  })

  it('uses the injected fetch', async () => {
    const urls: string[] = []
    const fetch: typeof globalThis.fetch = async (input) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return Response.json(subscription)
    }
    await createClient({ baseUrl: 'https://api.example.com/hooks', fetch }).get('sub_a/b')
    expect(urls).toEqual(['https://api.example.com/hooks/subscriptions/sub_a%2Fb'])
  })
})

describe('the go-resthooks profile', () => {
  const legacy = createClient({ baseUrl: base, profile: 'go-resthooks' })

  it('subscribes with POST {base}/subscribe and { event, target_url }', async () => {
    let body: unknown
    server.use(
      http.post(`${base}/subscribe`, async ({ request }) => {
        body = await request.json()
        return HttpResponse.json(subscription, { status: 201 })
      }),
    )
    await expect(legacy.subscribe('post.created', 'https://me.example/hooks')).resolves.toEqual(
      subscription,
    )
    expect(body).toEqual({ event: 'post.created', target_url: 'https://me.example/hooks' })
  })

  it('unsubscribes with DELETE {base}/unsubscribe/{id}', async () => {
    let path = ''
    server.use(
      http.delete(`${base}/unsubscribe/:id`, ({ request }) => {
        path = new URL(request.url).pathname
        return new HttpResponse(null, { status: 204 })
      }),
    )
    await legacy.unsubscribe(id)
    expect(path).toBe(`/hooks/unsubscribe/${id}`)
  })

  it('refuses the calls the profile lacks with an unsupported error', async () => {
    for (const call of [
      () => legacy.list(),
      () => legacy.get(id),
      () => legacy.update(id, { status: 'paused' }),
      () => legacy.attempts(id),
      () => legacy.subscribe(['a', 'b'], 'https://me.example/hooks'),
      () => legacy.subscribe('a', 'https://me.example/hooks', { metadata: { a: 'b' } }),
    ]) {
      const error = await failure(call())
      expect(error.code).toBe('unsupported')
    }
  })
})
