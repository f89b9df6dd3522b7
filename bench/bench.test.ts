import { describe, expect, it } from 'vitest'
import { runApiBench } from './api'
import { runDeliveryBench } from './delivery'
import { runFanOutBench } from './fan-out'
import { compare, type Figure } from './figure'
import { runMemoryBench } from './memory'
import { formatReport } from './report'
import { runBenches } from './run-benches'
import { runtimeInfo } from './runtime'

// Smoke runs: tiny sizes, shapes only. Speed is never asserted (`npm run bench` reports it).
const slow = { timeout: 120_000 }
const throughputShape = {
  name: expect.any(String),
  requests: expect.any(Number),
  ms: expect.any(Number),
  perSecond: expect.any(Number),
  cpuMicros: expect.any(Number),
}
const expectRatios = (figures: Figure[]) => {
  for (const figure of figures) {
    expect(figure.value).toBeGreaterThan(0)
    expect(figure.baseline?.value).toBeGreaterThan(0)
    expect(figure.ratio).toBeGreaterThan(0)
  }
}

describe('delivery bench', () => {
  it('delivers every request on each storage and compares it with the baseline', slow, async () => {
    const result = await runDeliveryBench({ requests: 50, rounds: 1, warmUp: 20 })
    expect(result.bodyBytes).toBe(300)
    expect(result.baseline).toMatchObject({ ...throughputShape, requests: 50 })
    expect(result.baseline.name).toBe(
      runtimeInfo().runtime === 'node' ? 'undici request' : 'global fetch',
    )
    expect(Object.keys(result.rh).sort()).toEqual(['memory', 'postgres', 'sqlite'])
    for (const figure of Object.values(result.rh)) expect(figure).toMatchObject(throughputShape)
    expect(result.figures.map((f) => [f.name, f.goal]).slice(0, 3)).toEqual([
      ['rh, memory queue', 0.8],
      ['rh, sqlite queue', 0.5],
      ['rh, postgres queue', null],
    ])
    expectRatios(result.figures)
  })
})

describe('fan-out bench', () => {
  it('delivers one notification to every subscription across several hosts', slow, async () => {
    const result = await runFanOutBench({ subscriptions: 50, hosts: 2, perHost: 4, rounds: 1 })
    expect(result).toMatchObject({ subscriptions: 50, hosts: 2, inFlight: 8 })
    expect(result.rh).toMatchObject({ ...throughputShape, requests: 50 })
    expect(result.baseline).toMatchObject({ ...throughputShape, requests: 50 })
    expectRatios(result.figures)
  })
})

describe('api bench', () => {
  it('loads create and get through toNodeHandler and the bare handler alike', slow, async () => {
    const result = await runApiBench({ requests: 50, connections: 4 })
    for (const pair of [result.create, result.get]) {
      for (const figure of [pair.rh, pair.bare]) {
        expect(figure.requests).toBe(50)
        expect(figure.failures).toBe(0)
      }
    }
    expect(result.figures.map((f) => f.goal)).toEqual([0.6, 0.6])
    expectRatios(result.figures)
  })
})

describe('memory bench', () => {
  it('measures bytes per pending retry and per subscription in a child Node', slow, async () => {
    const result = await runMemoryBench({ jobs: 500, subscriptions: 500 })
    expect(result.node).toMatch(/^\d+\.\d+\.\d+$/)
    expect(result.queue.count).toBe(500)
    expect(result.store.count).toBe(500)
    expect(result.queue.probe.heapAfter).toBeGreaterThan(result.queue.probe.heapBefore)
    expect(result.figures.map((f) => [f.unit, f.goal, f.lowerIsBetter])).toEqual([
      ['rss bytes/item', 1024, true],
      ['rss bytes/item', 1024, true],
    ])
  })
})

describe('report', () => {
  it('names the machine and runtime, and runs only the benchmarks asked for', slow, async () => {
    const report = await runBenches({
      only: ['sign-verify'],
      sizes: { signVerifyIterations: 50 },
    })
    expect(report.errors).toEqual({})
    expect(report.figures.map((f) => f.name)).toEqual(['rh sign', 'rh verify'])
    const text = formatReport(report)
    expect(text).toContain(`runtime  ${runtimeInfo().runtime} ${runtimeInfo().version}`)
    expect(text).toContain(`${report.machine.cores} cores`)
    expect(text).toContain('[sign-verify]')
  })

  it('marks a figure under its goal as a miss, with value, baseline and ratio', () => {
    const report = {
      machine: {
        runtime: 'node' as const,
        version: '24.0.0',
        cpu: 'cpu',
        cores: 2,
        memoryBytes: 2 ** 30,
        freeMemoryBytes: 2 ** 29,
        os: 'Linux',
        load: 0,
      },
      quick: false,
      figures: [
        compare('delivery', 'rh', 500, 'deliveries/s', { name: 'undici', value: 1000 }, 0.8),
        compare('delivery', 'rh2', 900, 'deliveries/s', { name: 'undici', value: 1000 }, 0.8),
      ],
      details: {},
      errors: { api: 'boom' },
    }
    const lines = formatReport(report).split('\n')
    expect(lines.find((l) => l.startsWith('delivery    rh '))).toMatch(
      /500.*undici 1,000\s+0\.50x\s+>= 0\.80 MISS$/,
    )
    expect(lines.find((l) => l.startsWith('delivery    rh2'))).toMatch(/0\.90x\s+>= 0\.80 ok$/)
    expect(lines).toContain('[api] FAILED: boom')
  })
})
