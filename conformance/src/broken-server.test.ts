import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveFetch } from '../../test/serve-fetch'
import { onToolchainNode } from '../../test/spawn-ts'
import { type Breakage, createToyServer } from './fixtures/toy-server'
import { formatReport, runServerSuite, type ServerSuiteOptions } from './index'
import { crudCases } from './server-suite/crud'
import { recoveryCases } from './server-suite/recovery'
import { routingCases } from './server-suite/routing'

// The suite's verdicts on toy servers do not depend on the runtime: checked once, on the
// toolchain's Node (the suite itself runs on every leg against @rh/server in
// run-server-suite.test.ts).
const onNode = onToolchainNode

const schedule = [20, 60, 180]
const servers: { close(): Promise<void> }[] = []

async function serve(options: Parameters<typeof createToyServer>[0]) {
  const toy = createToyServer({ retrySchedule: schedule, disableAfter: 2, ...options })
  const served = await serveFetch(toy.fetch)
  servers.push(served)
  return served.origin
}

async function suiteOptions(
  broken: Breakage[] = [],
  timeoutMs = 2_000,
): Promise<ServerSuiteOptions> {
  const tokens = { one: 'owner-1', two: 'owner-2' }
  const origin = await serve({ handshake: true, tokens, broken })
  return {
    url: `${origin}/hooks`,
    strictUrl: `${await serve({ strict: true, tokens })}/hooks`,
    trigger: `${origin}/test/notify`,
    auth: 'Bearer one',
    auth2: 'Bearer two',
    retrySchedule: schedule,
    disableAfter: 2,
    timeoutMs,
    settleMs: 100,
  }
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

describe.skipIf(!onNode)('the server suite against a small server written for this test', () => {
  let options: ServerSuiteOptions
  beforeAll(async () => {
    options = await suiteOptions()
  })

  it('passes every case when the server does what the protocol says', async () => {
    const report = await runServerSuite(options)
    if (process.env.PEEK) console.log(formatReport(report))
    const failures = report.results.filter((r) => r.status !== 'passed')
    expect(failures).toEqual([])
    expect(report.ok).toBe(true)
  })
})

describe.skipIf(!onNode)('the go-resthooks profile against the same server', () => {
  it('passes through /subscribe and /unsubscribe/{id}, skipping what the routes lack', async () => {
    const report = await runServerSuite({ ...(await suiteOptions()), profile: 'go-resthooks' })
    expect(report.failed).toBe(0)
    const skipped = report.results.filter((r) => r.status === 'skipped').map((r) => r.id)
    // The crud error cases that need only POST run against /subscribe.
    const postOnly = [
      'crud.invalid-body',
      'crud.unknown-field',
      'crud.malformed-json',
      'crud.method-not-allowed',
    ]
    expect(skipped).toEqual([
      ...crudCases.map((c) => c.id).filter((id) => !postOnly.includes(id)),
      'signing.chosen-secret',
      'security.body-limit',
      'handshake.on-update',
      ...recoveryCases.map((c) => c.id),
      ...routingCases.map((c) => c.id),
    ])
    const reasons = report.results.filter((r) => r.level === 'recovery').map((r) => r.reason)
    expect(new Set(reasons)).toEqual(
      new Set(['the go-resthooks profile has no message log, replay or secret rotation routes']),
    )
    const routing = report.results.filter((r) => r.level === 'routing').map((r) => r.reason)
    expect(new Set(routing)).toEqual(
      new Set(['the go-resthooks profile has no event patterns or payload filters']),
    )
  })
})

describe.skipIf(!onNode)('the server suite against a deliberately broken server', () => {
  const cases: [Breakage, string[]][] = [
    [
      'wrong-signature',
      [
        'signing.verifies',
        'signing.chosen-secret',
        'signing.stable-id',
        'handshake.sent',
        'recovery.rotate-secret',
        'recovery.test-event',
      ],
    ],
    [
      'no-retry',
      [
        'core.retry',
        'core.retry-limit',
        'core.auto-disable',
        'crud.attempts',
        'signing.stable-id',
        'signing.fresh-timestamp',
        'security.redirect',
      ],
    ],
    ['ignores-410', ['core.gone']],
    ['resends-new-id', ['recovery.redeliver', 'recovery.replay-failed']],
  ]

  it.each(cases)('fails exactly the cases a server that %s breaks', async (broken, expected) => {
    // A short timeout: the failing cases wait for deliveries that never come.
    const report = await runServerSuite(await suiteOptions([broken], 1_500))
    const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.id)
    expect(failed.sort()).toEqual([...expected].sort())
    expect(report.ok).toBe(false)
    expect(report.failed).toBe(expected.length)
  })

  it('says what it expected and what it saw', async () => {
    const report = await runServerSuite({
      ...(await suiteOptions(['wrong-signature'])),
      only: ['signing.verifies'],
    })
    expect(report.results).toEqual([
      expect.objectContaining({
        id: 'signing.verifies',
        status: 'failed',
        reason: 'the signature does not verify: signature_mismatch',
        expected: expect.stringContaining('v1 signature'),
        seen: expect.stringContaining('webhook-signature'),
      }),
    ])
  })
})
