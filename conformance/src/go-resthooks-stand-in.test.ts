import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GoResthooks, startGoResthooks } from './fixtures/go-resthooks'
import { runServerSuite, type SuiteReport } from './index'

// The go-resthooks profile against a stand-in written from what a real go-resthooks server was
// measured to do: the gaps it has are reported, each with its cause, and nothing else fails.
const schedule = [20, 60, 180]
let go: GoResthooks
let report: SuiteReport

beforeAll(async () => {
  go = await startGoResthooks({ retrySchedule: schedule })
  report = await runServerSuite({
    url: go.url,
    trigger: go.notifyUrl,
    profile: 'go-resthooks',
    owner: '1',
    retrySchedule: schedule,
    disableAfter: 2,
    timeoutMs: 1_500,
    settleMs: 100,
  })
}, 120_000)
afterAll(() => go?.close())

const result = (id: string) => report.results.find((r) => r.id === id)

describe('the go-resthooks profile against a go-resthooks stand-in', () => {
  it('passes subscribe, unsubscribe, the event filter and retries, sending user_id for --owner', () => {
    for (const id of [
      'core.subscribe',
      'core.event-filter',
      'core.unsubscribe',
      'core.retry',
      'core.retry-limit',
    ]) {
      expect(result(id)).toMatchObject({ status: 'passed' })
    }
  })

  it('reports the real gaps, each with what was seen', () => {
    expect(
      report.results.filter((r) => r.status === 'failed').map((r) => [r.id, r.reason]),
    ).toEqual([
      ['core.delivery', 'the body is not the envelope'],
      ['core.fan-out', expect.stringContaining('deliveries did not arrive')],
      ['core.gone', 'the server retried a delivery its target answered 410 Gone'],
      ['core.unsubscribe-cancels-retries', 'a retry was sent after unsubscribe'],
      ['core.auto-disable', 'a disabled subscription still gets deliveries'],
      [
        'core.unreachable-target',
        'the server failed the notification because its target dropped the connection',
      ],
      [
        'core.hanging-target',
        'the server did not accept the notification while its target never answers',
      ],
      ['crud.invalid-body', 'an invalid body'],
      ['crud.unknown-field', 'an unknown field'],
      ['crud.malformed-json', 'malformed JSON'],
      ['crud.method-not-allowed', 'PUT /subscribe'],
      ['signing.headers', expect.stringContaining('malformed Standard Webhooks headers')],
      ['signing.verifies', 'the delivery is not signed: it has no webhook-signature header'],
      ['signing.stable-id', 'the delivery is not signed: it has no webhook-signature header'],
      ['signing.fresh-timestamp', 'attempt 1 has no webhook-timestamp header'],
      ['signing.distinct-ids', 'the deliveries have no webhook-id header'],
      ['security.redirect', 'the server followed the redirect'],
      ['handshake.sent', 'no handshake was sent'],
      ['handshake.wrong-challenge', 'no handshake was sent'],
      ['handshake.no-challenge', 'no handshake was sent'],
      ['handshake.error-status', 'no handshake was sent'],
    ])
  })

  it('counts what it could not check apart from what it skipped', () => {
    // The recovery and routing levels are skipped whole: the go-resthooks profile has neither.
    expect(report).toMatchObject({ passed: 5, failed: 21, skipped: 31, notChecked: 28 })
  })
})
