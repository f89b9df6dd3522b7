import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { serveFetch } from '../../test/serve-fetch'
import { ConformanceError } from './errors'
import { createTrigger, substitute } from './trigger'

const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
})

async function endpoint(status: number) {
  const bodies: unknown[] = []
  const served = await serveFetch(async (request) => {
    bodies.push(await request.json())
    return new Response(null, { status })
  })
  closers.push(served.close)
  return { url: `${served.origin}/notify`, bodies }
}

describe('createTrigger', () => {
  it('POSTs { owner, event, data } to a trigger URL', async () => {
    const { url, bodies } = await endpoint(202)
    await createTrigger(url)({ owner: 'acme', event: 'post.created', data: { id: 1 } })
    expect(bodies).toEqual([{ owner: 'acme', event: 'post.created', data: { id: 1 } }])
  })

  it("sends the trigger headers, so a trigger can authenticate (rh serve's /events)", async () => {
    const seen: (string | null)[] = []
    const served = await serveFetch(async (request) => {
      seen.push(request.headers.get('authorization'))
      return new Response(null, { status: request.headers.has('authorization') ? 202 : 401 })
    })
    closers.push(served.close)
    const url = `${served.origin}/events`
    const refused = await createTrigger(url)({ event: 'a', data: null }).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'trigger_failed', seen: expect.stringMatching(/^401/) })
    await createTrigger(url, { headers: { authorization: 'Bearer k1' } })({ event: 'a', data: 1 })
    expect(seen).toEqual([null, 'Bearer k1'])
  })

  it('fails with trigger_failed when the trigger URL does not answer 2xx', async () => {
    const { url } = await endpoint(500)
    const error = await createTrigger(url)({ event: 'a', data: null }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConformanceError)
    expect(error).toMatchObject({ code: 'trigger_failed', expected: 'a 2xx answer', seen: '500 ' })
  })

  it('runs a command with {event}, {data} and {owner} replaced by quoted shell words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rh-trigger-'))
    closers.push(() => rm(dir, { recursive: true, force: true }))
    const file = join(dir, 'out')
    const data = { text: `it's "quoted" $HOME \`id\`` }
    await createTrigger(`printf '%s\\n' {event} {data} {owner} > '${file}'`)({
      event: 'post.created',
      data,
      owner: 'o; rm -rf /',
    })
    const lines = (await readFile(file, 'utf8')).split('\n')
    expect(lines.slice(0, 3)).toEqual(['post.created', JSON.stringify(data), 'o; rm -rf /'])
  })

  it('fails with trigger_failed when the command exits non-zero', async () => {
    const error = await createTrigger('exit 3')({ event: 'a', data: 1 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'trigger_failed', expected: 'exit code 0' })
    expect((error as ConformanceError).seen).toMatch(/^3/)
  })

  it('substitutes an absent owner with an empty word', () => {
    expect(substitute('notify {owner} {event}', { event: 'a.b', data: 1 })).toBe("notify '' 'a.b'")
  })
})
