import { createResthooks } from '@rh/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConformanceHarness,
  startConformanceHarness,
  suiteServer,
} from '../../../test/conformance-harness'
import { levels } from '../report'
import { runServerSuite, type ServerSuiteOptions } from './run-server-suite'

// rh on its default memory store and queue; server/src/durable-conformance.test.ts runs the same
// suite on SQLite and PostgreSQL through the same harness.
let harness: ConformanceHarness
let options: ServerSuiteOptions

beforeAll(async () => {
  harness = await startConformanceHarness(() => ({}))
  options = harness.options
})

afterAll(() => harness?.close())

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

  it('reports the SSRF cases as not checked, saying why, when only a server that allows private targets is given', async () => {
    const { strictUrl: _, ...permissive } = options
    const report = await runServerSuite({ ...permissive, levels: ['security'] })
    const ssrf = report.results.filter((result) => result.id.startsWith('security.ssrf-'))
    expect(ssrf.length).toBeGreaterThan(10)
    for (const result of ssrf) {
      expect(result).toMatchObject({
        status: 'not-checked',
        reason: expect.stringContaining('accepts private targets'),
      })
    }
    expect(report.failed).toBe(0)
  })

  it('fails the handshake cases against an instance that does no handshake', async () => {
    const origin = await harness.serve(
      createResthooks({ ...suiteServer, allowPrivateTargets: true, handshake: false }),
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
