import { describe, expect, it } from 'vitest'
import { publishHandler } from './publish-handler'

const published: Array<[string, string, unknown]> = []
const publish = publishHandler({
  authenticate: (authorization) => (authorization === 'Bearer good' ? 'acme' : null),
  async notify(owner, event, data) {
    published.push([owner, event, data])
    return 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
  },
})

const post = (body: string, headers: Record<string, string> = {}) =>
  publish(
    new Request('http://127.0.0.1/events', {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer good', 'content-type': 'application/json', ...headers },
    }),
  )

describe('publishHandler', () => {
  it('accepts an event for the key’s owner with 202 and the message id', async () => {
    const response = await post(JSON.stringify({ event: 'post.created', data: { id: 1 } }))
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ message_id: 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC' })
    expect(published.at(-1)).toEqual(['acme', 'post.created', { id: 1 }])
  })

  it('refuses a missing or wrong API key with 401 problem+json', async () => {
    const response = await post('{}', { authorization: 'Bearer bad' })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'unauthorized', status: 401 })
  })

  it('refuses to publish for another owner', async () => {
    const response = await post(JSON.stringify({ owner: 'globex', event: 'a', data: null }))
    expect(response.status).toBe(401)
  })

  it.each([
    ['not json', {}, 400, 'malformed_json'],
    ['{}', {}, 422, 'invalid_request'],
    [JSON.stringify({ event: ' bad', data: 1 }), {}, 422, 'invalid_request'],
    [JSON.stringify({ event: 'a', data: 1, extra: true }), {}, 422, 'invalid_request'],
    ['{}', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    [JSON.stringify({ event: 'a', data: 'x'.repeat(70_000) }), {}, 413, 'payload_too_large'],
  ])('answers %s with a %i problem', async (body, headers, status, code) => {
    const count = published.length
    const response = await post(body, headers)
    expect(response.status).toBe(status)
    expect(await response.json()).toMatchObject({ code, status })
    expect(published).toHaveLength(count)
  })

  it('refuses a chunked body over 64 KiB with 413 problem+json, without reading it all', async () => {
    let pulled = 0
    const chunk = new TextEncoder().encode(`"${'x'.repeat(16 * 1024 - 2)}"`)
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 1 MiB in all: a reader without a limit reads every byte of it.
        if (pulled >= 1024 * 1024) return controller.close()
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const response = await publish(
      new Request('http://127.0.0.1/events', {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
      } as RequestInit),
    )
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'payload_too_large', status: 413 })
    expect(pulled).toBeLessThanOrEqual(128 * 1024)
  })

  it('answers invalid UTF-8 with 400 malformed_json, as the subscription API does', async () => {
    const count = published.length
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"event":"a","data":"'),
      0xff,
      0x22,
      0x7d,
    ])
    const response = await publish(
      new Request('http://127.0.0.1/events', {
        method: 'POST',
        body: bytes,
        headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
      }),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'malformed_json' })
    expect(published).toHaveLength(count)
  })

  it('answers a database failure with a logged 503 problem and Retry-After', async () => {
    const failures: unknown[] = []
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
    const failing = publishHandler({
      authenticate: () => 'acme',
      notify: () => Promise.reject(full),
      onError: (error) => failures.push(error),
    })
    const response = await failing(
      new Request('http://127.0.0.1/events', {
        method: 'POST',
        body: JSON.stringify({ event: 'a', data: 1 }),
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await response.json()).toMatchObject({
      code: 'unavailable',
      detail: expect.stringMatching(/disk is full/),
    })
    expect(failures).toEqual([full])
  })

  it('names the invalid field', async () => {
    const response = await post(JSON.stringify({ data: 1 }))
    expect((await response.json()).errors).toEqual([{ path: 'event', message: expect.any(String) }])
  })

  describe('Idempotency-Key', () => {
    const keys: Array<string | undefined> = []
    const keyed = publishHandler({
      authenticate: () => 'acme',
      async notify(_owner, _event, _data, options) {
        keys.push(options.idempotencyKey)
        return 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
      },
    })
    const send = (key?: string) =>
      keyed(
        new Request('http://127.0.0.1/events', {
          method: 'POST',
          body: JSON.stringify({ event: 'a', data: 1 }),
          headers: {
            'content-type': 'application/json',
            ...(key === undefined ? {} : { 'idempotency-key': key }),
          },
        }),
      )

    it('passes the key to notify, bare or as a quoted string, and none without the header', async () => {
      keys.length = 0
      expect((await send('order-42/paid')).status).toBe(202)
      expect((await send('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).status).toBe(202)
      expect((await send()).status).toBe(202)
      expect(keys).toEqual(['order-42/paid', '8e03978e-40d5-43e8-bc93-6894a57f9324', undefined])
    })

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['empty quoted', '""'],
      ['too long', 'k'.repeat(256)],
      ['not ASCII', 'clé'],
    ])('refuses a key that is %s with 422, publishing nothing', async (_, key) => {
      keys.length = 0
      const response = await send(key)
      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({
        code: 'invalid_request',
        errors: [{ path: 'Idempotency-Key', message: expect.any(String) }],
      })
      expect(keys).toEqual([])
    })

    it('takes a key of 255 characters', async () => {
      expect((await send('k'.repeat(255))).status).toBe(202)
    })
  })
})
