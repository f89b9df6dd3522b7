import { afterAll, describe, expect, it } from 'vitest'
import { serveFetch } from '../../test/serve-fetch'
import { type Breakage, createToyServer, type ToyServerOptions } from './fixtures/toy-server'
import { ConformanceError, runServerSuite, type ServerSuiteOptions, summaryLine } from './index'

// Each fix of issue 14, shown by a toy server that lacks exactly the behaviour a case checks.
const schedule = [20, 60, 180]
const servers: { close(): Promise<void> }[] = []
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

async function options(
  broken: Breakage[],
  only: string[],
  extra: Partial<ToyServerOptions> = {},
): Promise<ServerSuiteOptions> {
  const toy = createToyServer({ retrySchedule: schedule, disableAfter: 2, broken, ...extra })
  const served = await serveFetch(toy.fetch)
  servers.push(served)
  return {
    url: `${served.origin}/hooks`,
    trigger: `${served.origin}/test/notify`,
    retrySchedule: schedule,
    disableAfter: 2,
    timeoutMs: 1_000,
    settleMs: 100,
    ...(only.length > 0 ? { only } : {}),
  }
}

const outcome = async (suite: ServerSuiteOptions) =>
  (await runServerSuite(suite)).results.map(({ id, status, reason, expected, seen }) => ({
    seen,
    id,
    status,
    reason,
    expected,
  }))

describe('the server suite names the cause of a failure', () => {
  it('says a followed redirect was followed, not that deliveries did not arrive', async () => {
    expect(await outcome(await options(['follows-redirects'], ['security.redirect']))).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'the server followed the redirect' }),
    ])
  })

  it('says a delivery without Standard Webhooks headers is unsigned, has no timestamp and no id', async () => {
    const only = ['signing.verifies', 'signing.fresh-timestamp', 'signing.distinct-ids']
    expect(await outcome(await options(['unsigned'], only))).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'the delivery is not signed: it has no webhook-signature header',
      }),
      expect.objectContaining({
        status: 'failed',
        reason: 'attempt 1 has no webhook-timestamp header',
      }),
      expect.objectContaining({
        status: 'failed',
        reason: 'the deliveries have no webhook-id header',
      }),
    ])
  })

  it('says a server without authentication does not authenticate, expecting a bare 401 in the go-resthooks profile', async () => {
    const suite = await options([], ['security.no-credentials'])
    const results = await outcome({ ...suite, auth: 'Bearer one', profile: 'go-resthooks' })
    expect(results).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'the server accepted a subscribe without credentials: it does not authenticate',
        expected: '401',
      }),
    ])
  })
})

describe('the server suite checks each capability on its own', () => {
  it('passes unsubscribe, 410 and auto-disable against a server without fan-out', async () => {
    const only = ['core.unsubscribe', 'core.gone', 'core.auto-disable', 'core.fan-out']
    const results = await outcome({
      ...(await options(['newest-only'], only)),
      profile: 'go-resthooks',
    })
    if (process.env.PEEK) console.log(JSON.stringify(results, null, 1))
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['core.fan-out', 'failed'],
      ['core.unsubscribe', 'passed'],
      ['core.gone', 'passed'],
      ['core.auto-disable', 'passed'],
    ])
  })

  it('fails auto-disable against a server that returns the newest match and never disables', async () => {
    const suite = await options(['newest-only', 'no-auto-disable'], ['core.auto-disable'])
    expect(await outcome({ ...suite, profile: 'go-resthooks' })).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'a disabled subscription still gets deliveries',
      }),
    ])
  })
})

describe('the server suite with targets that fail at the network level', () => {
  const only = ['core.unreachable-target', 'core.hanging-target']

  it('passes both cases against a server that leaves deliveries to run on their own', async () => {
    const results = await outcome(await options([], only))
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed'])
  })

  it('fails the hanging target against a server that answers the trigger after its deliveries', async () => {
    expect(await outcome(await options(['waits-for-targets'], ['core.hanging-target']))).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'the server did not accept the notification while its target never answers',
      }),
    ])
  })

  it('fails the unreachable target against a server that stops serving after a network error', async () => {
    const suite = await options(['dies-on-network-error'], ['core.unreachable-target'])
    expect(await outcome(suite)).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'the server stopped serving after a target dropped the connection',
      }),
    ])
  })
})

describe('the server suite report', () => {
  it('counts the SSRF cases as not checked, not skipped, when no server refuses private targets', async () => {
    const report = await runServerSuite({ ...(await options([], [])), levels: ['security'] })
    const ssrf = report.results.filter((result) => result.id.startsWith('security.ssrf-'))
    expect(ssrf.every((result) => result.status === 'not-checked')).toBe(true)
    expect(report.notChecked).toBe(ssrf.length)
    expect(summaryLine(report)).toMatch(new RegExp(`, ${ssrf.length} not checked$`))
  })

  it('stops with one unreachable error when the server is down', async () => {
    const suite = await options([], [])
    await Promise.all(servers.splice(-1).map((server) => server.close()))
    const error = await runServerSuite(suite).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConformanceError)
    expect(error).toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining(`cannot reach the server under test at ${suite.url}`),
    })
  })

  it('gives the crud error cases a true reason in the go-resthooks profile, and runs those that need only POST', async () => {
    const suite = await options([], [])
    const report = await runServerSuite({ ...suite, profile: 'go-resthooks', levels: ['crud'] })
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]))
    for (const id of [
      'crud.invalid-body',
      'crud.unknown-field',
      'crud.malformed-json',
      'crud.method-not-allowed',
    ]) {
      expect(byId[id]?.status).toBe('passed')
    }
    expect(byId['crud.content-type']?.reason).toContain('whatever its content type')
    expect(byId['crud.get']?.reason).toBe(
      'needs GET {base}/subscriptions/{id}, which the go-resthooks profile has not',
    )
  })
})
