import { describe, expect, it } from 'vitest'
import { BODY_BYTES } from '../../../internal/fast-path'
import { readJson } from './read-json'

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('http://rh.test/', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code,
  )

describe('readJson', () => {
  it('parses a UTF-8 JSON body', async () => {
    expect(await readJson(post('{"a":"ü"}'), 100)).toEqual({ a: 'ü' })
  })

  it('takes a body of exactly the limit and refuses one byte more', async () => {
    const body = `"${'x'.repeat(98)}"`
    expect(await codeOf(readJson(post(body), 100))).toBe('ok')
    expect(await codeOf(readJson(post(`${body} `), 100))).toBe('payload_too_large')
  })

  it('refuses on Content-Length alone, before reading', async () => {
    const request = new Request('http://rh.test/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '101' },
      body: new ReadableStream({
        pull() {
          throw new Error('read')
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(await codeOf(readJson(request, 100))).toBe('payload_too_large')
  })

  it('answers malformed_json for an empty body, broken JSON, a BOM or bad UTF-8', async () => {
    for (const body of [
      '',
      '{',
      '\ufeff{}',
      new Uint8Array([0x22, 0xc3, 0x28, 0x22]),
    ] as BodyInit[]) {
      expect(await codeOf(readJson(post(body), 100))).toBe('malformed_json')
    }
  })

  it('answers unsupported_media_type for anything but application/json', async () => {
    for (const type of ['text/plain', 'application/json-seq', 'json', '']) {
      expect(await codeOf(readJson(post('{}', { 'content-type': type }), 100)), type).toBe(
        'unsupported_media_type',
      )
    }
  })

  it('decodes the bytes a request offers, with the same checks, and reads it when it offers none', async () => {
    const offering = (body: Uint8Array | undefined, read = '{"read":true}') =>
      ({
        headers: new Headers({ 'content-type': 'application/json', 'content-length': '9' }),
        [BODY_BYTES]: () => body,
        arrayBuffer: async () => new TextEncoder().encode(read).buffer,
      }) as unknown as Request
    const bytes = (text: string) => new TextEncoder().encode(text)
    expect(await readJson(offering(bytes('{"a":"ü"}')), 100)).toEqual({ a: 'ü' })
    expect(await readJson(offering(undefined), 100)).toEqual({ read: true })
    expect(await codeOf(readJson(offering(new Uint8Array([0x22, 0xc3, 0x28, 0x22])), 100))).toBe(
      'malformed_json',
    )
    expect(await codeOf(readJson(offering(bytes(`"${'x'.repeat(99)}"`)), 100))).toBe(
      'payload_too_large',
    )
  })
})
