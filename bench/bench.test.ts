import { describe, expect, it } from 'vitest'
import { onToolchainNode, runtime } from '../test/spawn-ts'
import { runApiBench } from './api'
import { runDeliveryBench } from './delivery'
import { runEngineBench } from './engine'
import { runFanOutBench } from './fan-out'
import { compare, type Figure } from './figure'
import { runHangingHostBench } from './hanging-host'
import { runMemoryBench } from './memory'
import { runOrderedBench } from './ordered'
import { runPeersBench } from './peers'
import { runReplayBench } from './replay'
import { formatReport } from './report'
import { runBenches } from './run-benches'
import { runtimeInfo } from './runtime'
import { runScaleBench } from './scale'
import { runSlowHostBench } from './slow-host'

// `npm run bench` runs on the toolchain's Node 24, Bun or Deno (`--runtime=`), never on the
// machine's Node 20: its smoke runs skip that leg.
const onMachineNode = runtime === 'node' && !onToolchainNode

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

describe.skipIf(onMachineNode)('delivery bench', () => {
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
    expect(Object.keys(result.defaults).sort()).toEqual(['memory', 'postgres', 'sqlite'])
    expect(result.defaultsBaseline).toMatchObject({ ...throughputShape, requests: 50 })
    expect(result.rounds['rh (memory, defaults)']).toHaveLength(1)
    expect(Object.keys(result.tables)).toEqual([
      'rh (postgres, perHost 64)',
      'rh (postgres, defaults)',
    ])
  })

  // Issue 17: with its defaults (perHost 8) rh put each claimed job of a busy host back into the
  // queue, hundreds of `reschedule` writes per delivery. Counted, not timed.
  it('keeps queue calls per delivery bounded with rh defaults on one busy host', slow, async () => {
    const result = await runDeliveryBench({
      requests: 400,
      rounds: 1,
      warmUp: 100,
      storages: ['memory'],
    })
    const round = result.defaults.memory
    expect(round?.completed).toBe(true)
    const calls = round?.queueCalls ?? {}
    expect(calls.reschedule ?? 0).toBeLessThanOrEqual(1)
    const total = Object.values(calls).reduce((sum, n) => sum + n, 0)
    expect(total).toBeLessThanOrEqual(8)
  })
})

describe.skipIf(onMachineNode)('scale bench', () => {
  it('measures rh defaults at each burst size beside the 8-in-flight loop', slow, async () => {
    const result = await runScaleBench({ sizes: [50, 100], storages: ['memory'] })
    expect(result.baseline.map((t) => t.requests)).toEqual([50, 100])
    expect(result.rh.memory?.map((round) => [round.requests, round.completed])).toEqual([
      [50, true],
      [100, true],
    ])
    expect(result.figures.map((f) => f.goal)).toEqual([0.9, 0.9])
    expectRatios(result.figures)
  })
})

describe.skipIf(onMachineNode)('engine bench', () => {
  it('runs rh without the network on each storage beside the client loop', slow, async () => {
    const result = await runEngineBench({ requests: 50, rounds: 1, warmUp: 20 })
    expect(result.loop[0]).toMatchObject({ ...throughputShape, requests: 50 })
    expect(Object.keys(result.engine)).toEqual(['memory', 'sqlite', 'postgres'])
    expect(result.engine.memory?.[0]).toMatchObject({ ...throughputShape, requests: 50 })
    expect(result.figures.map((f) => [f.goal, f.lowerIsBetter])).toEqual([
      [0.11, true],
      [0.11, true],
      [0.11, true],
    ])
    expectRatios(result.figures)
  })
})

describe.skipIf(onMachineNode)('hanging-host bench', () => {
  it('compares a healthy host beside a hanging one with the healthy host alone', slow, async () => {
    const result = await runHangingHostBench({ requests: 50, rounds: 1, timeoutMs: 1000 })
    expect(result.solo).toHaveLength(1)
    expect(result.beside[0]).toMatchObject({ ...throughputShape, requests: 50 })
    expect(result.hung).toBeGreaterThan(0)
    expect(result.figures.map((f) => f.goal)).toEqual([0.9])
    expectRatios(result.figures)
  })
})

describe.skipIf(onMachineNode)('slow-host bench', () => {
  it('keeps a slow receiver busy on each storage and counts the put-backs', slow, async () => {
    const result = await runSlowHostBench({
      backlog: 40,
      answerMs: 300,
      watchMs: 20_000,
      storages: ['memory', 'sqlite', 'postgres'],
    })
    // Its line holds less than the backlog at first: some jobs go back to the queue.
    expect(result.cases.map((c) => [c.kind, c.delivered, c.putBacks > 0])).toEqual([
      ['memory', 40, true],
      ['sqlite', 40, true],
      ['postgres', 40, true],
    ])
    expect(result.cases.map((c) => c.tables !== null)).toEqual([false, false, true])
    expect(result.figures.map((f) => f.goal)).toEqual([0.9, null, 0.9, null, 0.9, null])
    expectRatios(result.figures.filter((f) => f.baseline !== null))
  })
})

describe.skipIf(onMachineNode)('replay bench', () => {
  it(
    'replays every failed message on each storage and compares it with normal delivery',
    slow,
    async () => {
      const result = await runReplayBench({
        messages: 60,
        storages: ['memory', 'sqlite', 'postgres'],
      })
      expect(result.runs.map((r) => [r.kind, r.replayed])).toEqual([
        ['memory', 60],
        ['sqlite', 60],
        ['postgres', 60],
      ])
      for (const run of result.runs) {
        for (const figure of [run.normal, run.failing, run.replay]) {
          expect(figure).toMatchObject({ ...throughputShape, requests: 60 })
          expect(figure.name).not.toMatch(/cut/)
        }
      }
      expect(result.figures.map((f) => f.goal)).toEqual([0.8, 0.8, 0.8])
      expectRatios(result.figures)
    },
  )
})

describe.skipIf(onMachineNode)('ordered bench', () => {
  it(
    'delivers every message to ordered and unordered subscriptions on each storage',
    slow,
    async () => {
      const result = await runOrderedBench({
        messages: 5,
        subscriptions: 10,
        storages: ['memory', 'sqlite', 'postgres'],
      })
      expect(result.runs.map((r) => r.kind)).toEqual(['memory', 'sqlite', 'postgres'])
      for (const run of result.runs) {
        for (const figure of [run.unordered, run.ordered]) {
          expect(figure).toMatchObject({ ...throughputShape, requests: 50 })
          expect(figure.name).not.toMatch(/cut/)
        }
      }
      expectRatios(result.figures)
    },
  )
})

describe.skipIf(onMachineNode)('peers bench', () => {
  // The peers are Node libraries (BullMQ, pg-boss and graphile-worker need node's net and pg);
  // `npm run bench` runs them on Node, so the smoke run does too.
  it.skipIf(runtimeInfo().runtime !== 'node')(
    'sends the same signed deliveries through every peer, counted by the receiver',
    slow,
    async () => {
      const result = await runPeersBench({ requests: 40, fanOut: 40, rounds: 1 })
      expect(result.peers.map((p) => [p.name, p.kind])).toEqual([
        ['p-queue', 'memory'],
        ['BullMQ', 'durable'],
        ['pg-boss', 'durable'],
        ['graphile-worker', 'durable'],
      ])
      for (const peer of result.peers) {
        expect(peer.delivery[0]).toMatchObject({ ...throughputShape, requests: 40 })
        expect(peer.fanOut[0]).toMatchObject({ ...throughputShape, requests: 40 })
      }
    },
  )
})

describe.skipIf(onMachineNode)('fan-out bench', () => {
  it('delivers one notification to every subscription across several hosts', slow, async () => {
    const result = await runFanOutBench({ subscriptions: 50, hosts: 2, perHost: 4, rounds: 1 })
    expect(result).toMatchObject({ subscriptions: 50, hosts: 2, inFlight: 8, defaults: false })
    expect(result.rh.memory).toMatchObject({ ...throughputShape, requests: 50 })
    expect(result.baseline).toMatchObject({ ...throughputShape, requests: 50 })
    expectRatios(result.figures)
  })

  it('runs rh with its defaults when no perHost is given', slow, async () => {
    const result = await runFanOutBench({ subscriptions: 40, hosts: 2, rounds: 1 })
    expect(result).toMatchObject({ hosts: 2, inFlight: 16, defaults: true })
    expect(result.figures.map((f) => f.goal)).toEqual([0.9])
  })

  it('delivers once to each subscription matched by pattern (invoice.*, *)', slow, async () => {
    const result = await runFanOutBench({
      subscriptions: 60,
      hosts: 2,
      rounds: 1,
      patterns: true,
      storages: ['memory', 'sqlite'],
    })
    expect(result.rh.memory).toMatchObject({ ...throughputShape, requests: 60 })
    expect(result.rh.sqlite).toMatchObject({ ...throughputShape, requests: 60 })
    expect(result.figures.map((f) => f.name)).toEqual([
      'rh, memory, 1 notify -> 60 subs by pattern',
      'rh, sqlite, 1 notify -> 60 subs by pattern',
    ])
  })
})

describe.skipIf(onMachineNode)('api bench', () => {
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

describe.skipIf(onMachineNode)('memory bench', () => {
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

describe.skipIf(onMachineNode)('report', () => {
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
