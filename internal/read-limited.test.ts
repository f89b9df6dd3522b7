import { describe, expect, it } from 'vitest'
import { BODY_BYTES } from './fast-path'
import { readBody, readLimited } from './read-limited'

const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : bytes)

const stream = (chunks: string[], pulled: string[] = []) => {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++]
      if (chunk === undefined) return controller.close()
      pulled.push(chunk)
      controller.enqueue(new TextEncoder().encode(chunk))
    },
  })
}

describe('readLimited', () => {
  it('joins the chunks of a body within the limit', async () => {
    expect(text(await readLimited(stream(['ab', 'cd']), 4))).toBe('abcd')
  })

  it('stops at the first chunk past the limit and reads no further', async () => {
    const pulled: string[] = []
    expect(await readLimited(stream(['ab', 'cd', 'ef', 'gh'], pulled), 3)).toBeNull()
    expect(pulled).toEqual(['ab', 'cd'])
  })
})

describe('readBody', () => {
  const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
    new Request('http://rh.test/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

  it('reads a body of exactly the limit and refuses one byte more', async () => {
    expect(text(await readBody(post('abcd'), 4))).toBe('abcd')
    expect(await readBody(post('abcde'), 4)).toBeNull()
  })

  it('refuses a body over the limit without Content-Length, reading no further', async () => {
    const pulled: string[] = []
    expect(await readBody(post(stream(['ab', 'cd', 'ef', 'gh'], pulled)), 3)).toBeNull()
    expect(pulled).toEqual(['ab', 'cd'])
  })

  it('refuses on Content-Length alone, before reading', async () => {
    const unread = new ReadableStream({
      pull() {
        throw new Error('read')
      },
    })
    expect(await readBody(post(unread, { 'content-length': '5' }), 4)).toBeNull()
  })

  it('gives empty bytes for no body', async () => {
    expect(await readBody(new Request('http://rh.test/'), 4)).toEqual(new Uint8Array(0))
  })

  it('takes the bytes a request offers as they are, with the same limit', async () => {
    const bytes = new TextEncoder().encode('abcd')
    const offering = (length: string) =>
      ({
        headers: new Headers({ 'content-length': length }),
        [BODY_BYTES]: () => bytes,
      }) as unknown as Request
    expect(await readBody(offering('4'), 4)).toBe(bytes)
    expect(await readBody(offering('3'), 3)).toBeNull()
  })
})
