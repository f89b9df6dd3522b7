import { createResthooks, type Resthooks } from '@rh/server'
import { toNodeHandler } from '@rh/server/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FetchHandler, type Served, serveFetch } from '../fixtures/serve-fetch'
import { levels } from '../report'
import { runServerSuite, type ServerSuiteOptions } from './run-server-suite'

const owners: Record<string, string> = { 'Bearer one': 'owner-1', 'Bearer two': 'owner-2' }
const authenticate = (request: Request) =>
  owners[request.headers.get('authorization') ?? ''] ?? null
/** 20 ms, 60 ms, 180 ms, ±10 %: the schedule the suite is told. */
const retry = { retries: 3, initialDelay: 20, factor: 3 }

const instances: Resthooks[] = []
const served: Served[] = []

/** The API of `rh`, plus the trigger: `POST /test/notify { owner, event, data }` calls notify. */
async function serve(rh: Resthooks): Promise<string> {
  instances.push(rh)
  const handler: FetchHandler = async (request) => {
    if (new URL(request.url).pathname === '/test/notify') {
      const { owner, event, data } = (await request.json()) as Record<string, string>
      await rh.notify(owner ?? '', event ?? '', data)
      return new Response(null, { status: 202 })
    }
    return rh.fetch(request)
  }
  // On Node through @rh/server/node's adapter; with Bun.serve and Deno.serve elsewhere.
  const server = await serveFetch(handler, (fetch) => toNodeHandler({ fetch }))
  served.push(server)
  return server.origin
}

let options: ServerSuiteOptions

beforeAll(async () => {
  // The suite's receivers listen on 127.0.0.1: this instance must deliver there.
  const origin = await serve(
    createResthooks({ authenticate, retry, disableAfter: 2, allowPrivateTargets: true }),
  )
  // And this one, with the SSRF guard on, is what the SSRF cases subscribe to.
  const strict = await serve(createResthooks({ authenticate, retry }))
  options = {
    url: `${origin}/hooks`,
    strictUrl: `${strict}/hooks`,
    trigger: `${origin}/test/notify`,
    owner: 'owner-1',
    auth: 'Bearer one',
    auth2: 'Bearer two',
    retrySchedule: [20, 60, 180],
    disableAfter: 2,
    timeoutMs: 5_000,
  }
})

afterAll(async () => {
  await Promise.all(served.map((server) => server.close()))
  await Promise.all(instances.map((rh) => rh.close({ graceMs: 0 })))
})

describe('the server suite against @rh/server over a real socket', () => {
  it.each(levels)('passes every %s case', async (level) => {
    const report = await runServerSuite({ ...options, levels: [level] })
    const notPassed = report.results.filter((result) => result.status !== 'passed')
    expect(notPassed).toEqual([])
    expect(report.passed).toBeGreaterThan(0)
  })

  it('passes the go-resthooks profile through /subscribe and /unsubscribe/{id}', async () => {
    const report = await runServerSuite({ ...options, profile: 'go-resthooks' })
    expect(report.results.filter((result) => result.status === 'failed')).toEqual([])
  })

  it('skips the SSRF cases, saying why, when only a server that allows private targets is given', async () => {
    const { strictUrl: _, ...permissive } = options
    const report = await runServerSuite({ ...permissive, levels: ['security'] })
    const ssrf = report.results.filter((result) => result.id.startsWith('security.ssrf-'))
    expect(ssrf.length).toBeGreaterThan(10)
    for (const result of ssrf) {
      expect(result).toMatchObject({
        status: 'skipped',
        reason: expect.stringContaining('accepts private targets'),
      })
    }
    expect(report.failed).toBe(0)
  })

  it('fails the handshake cases against an instance that does no handshake', async () => {
    const origin = await serve(
      createResthooks({ authenticate, retry, allowPrivateTargets: true, handshake: false }),
    )
    const report = await runServerSuite({
      ...options,
      url: `${origin}/hooks`,
      trigger: `${origin}/test/notify`,
      levels: ['handshake'],
    })
    expect(report.results.map((result) => [result.id, result.status])).toEqual([
      ['handshake.sent', 'failed'],
      ['handshake.wrong-challenge', 'failed'],
      ['handshake.no-challenge', 'failed'],
      ['handshake.error-status', 'failed'],
      ['handshake.on-update', 'failed'],
    ])
  })
})
