import { describe, expect, it } from 'vitest'
import { formatJUnit, formatTap } from './ci-formats'
import type { SuiteReport } from './report'

const report: SuiteReport = {
  suite: 'server',
  target: 'http://127.0.0.1:3000/hooks',
  results: [
    { id: 'core.retry', level: 'core', title: 'retries', status: 'passed', durationMs: 12 },
    {
      id: 'core.gone',
      level: 'core',
      title: 'removes <gone> & "co"',
      status: 'failed',
      durationMs: 30,
      reason: 'the subscription is still there after 410',
      expected: 'GET sub_1: 404',
      seen: '200 {}',
    },
    {
      id: 'crud.get',
      level: 'crud',
      title: 'gets',
      status: 'skipped',
      durationMs: 0,
      reason: 'needs GET',
    },
    {
      id: 'security.ssrf-loopback',
      level: 'security',
      title: 'refuses # loopback',
      status: 'not-checked',
      durationMs: 0,
      reason: 'accepts private targets',
    },
  ],
  passed: 1,
  failed: 1,
  skipped: 1,
  notChecked: 1,
  durationMs: 1500,
  ok: false,
}

describe('formatJUnit', () => {
  it('writes one testcase per case, failures with what was expected and seen, escaped', () => {
    const xml = formatJUnit(report)
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /)
    expect(xml).toContain('tests="4" failures="1" skipped="2" time="1.500"')
    expect(xml).toContain(
      '<testcase classname="rh-conformance.core" name="core.retry: retries" time="0.012"/>',
    )
    expect(xml).toContain('name="core.gone: removes &lt;gone&gt; &amp; &quot;co&quot;"')
    expect(xml).toContain(
      '<failure message="the subscription is still there after 410">the subscription is still there after 410\nexpected: GET sub_1: 404\nseen: 200 {}</failure>',
    )
    expect(xml).toContain('<skipped message="needs GET"/>')
    expect(xml).toContain('<skipped message="not checked: accepts private targets"/>')
  })
})

describe('formatTap', () => {
  it('writes TAP 14 with a plan, SKIP directives and a YAML block for a failure', () => {
    expect(formatTap(report).split('\n')).toEqual([
      'TAP version 14',
      '1..4',
      'ok 1 - core.retry: retries',
      'not ok 2 - core.gone: removes <gone> & "co"',
      '  ---',
      '  message: "the subscription is still there after 410"',
      '  expected: "GET sub_1: 404"',
      '  seen: "200 {}"',
      '  ...',
      'ok 3 - crud.get: gets # SKIP needs GET',
      'ok 4 - security.ssrf-loopback: refuses \\# loopback # SKIP not checked: accepts private targets',
      '# 1 passed, 1 failed, 1 skipped, 1 not checked',
    ])
  })
})
