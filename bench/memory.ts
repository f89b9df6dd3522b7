import type { Figure } from './figure'
import type { MemoryProbeResult } from './memory-probe'
import { benchFile } from './node-binary'
import { runNode } from './run-node'

/** Options of {@link runMemoryBench}. */
export interface MemoryBenchOptions {
  /** Pending retries in the memory queue. Default 100 000. */
  jobs?: number
  /** Subscriptions in the memory store. Default 1 000 000. */
  subscriptions?: number
}

/** Bytes per item, resident and on the JS heap, over an empty baseline in the same process. */
export interface MemoryFigure {
  count: number
  rssBytesPerItem: number
  heapBytesPerItem: number
  probe: MemoryProbeResult
}

/** What {@link runMemoryBench} measured. */
export interface MemoryBenchResult {
  /** The Node that ran the probes. */
  node: string
  queue: MemoryFigure
  store: MemoryFigure
  figures: Figure[]
}

/** The goal: under 1 KB of resident memory per pending retry and per subscription. */
const GOAL_BYTES = 1024

/**
 * Memory: resident memory (`process.memoryUsage().rss` after full, compacting collections) of a
 * fresh Node process holding `jobs` pending retries in `memoryQueue()` and, in another process,
 * `subscriptions` subscriptions in `memoryStore()`, as bytes per item over the same process
 * empty. Always measured on Node (the probe needs `--expose-gc`), whatever runs the bench.
 *
 * @example
 * const result = await runMemoryBench({ jobs: 50, subscriptions: 50 })
 * console.log(result.queue.rssBytesPerItem)
 */
export async function runMemoryBench(options: MemoryBenchOptions = {}): Promise<MemoryBenchResult> {
  const queue = toFigure(await probe('queue', options.jobs ?? 100_000))
  const store = toFigure(await probe('store', options.subscriptions ?? 1_000_000))
  const figure = (name: string, m: MemoryFigure): Figure => ({
    bench: 'memory',
    name: `${name}: ${m.count.toLocaleString('en-US')}`,
    value: m.rssBytesPerItem,
    unit: 'rss bytes/item',
    baseline: null,
    ratio: null,
    goal: GOAL_BYTES,
    lowerIsBetter: true,
  })
  return {
    node: await nodeVersion(),
    queue,
    store,
    figures: [
      figure('memoryQueue, pending retries', queue),
      figure('memoryStore, subscriptions', store),
    ],
  }
}

function toFigure(probe: MemoryProbeResult): MemoryFigure {
  return {
    count: probe.count,
    rssBytesPerItem: Math.round((probe.rssAfter - probe.rssBefore) / probe.count),
    heapBytesPerItem: Math.round((probe.heapAfter - probe.heapBefore) / probe.count),
    probe,
  }
}

/** Runs `bench/memory-probe.ts` in a child Node with `--expose-gc` and reads its JSON line. */
async function probe(kind: 'queue' | 'store', count: number): Promise<MemoryProbeResult> {
  const output = await runNode([
    '--expose-gc',
    '--import',
    'tsx',
    '--conditions=source',
    benchFile('memory-probe.ts'),
    kind,
    String(count),
  ])
  const line = output.trim().split('\n').at(-1) ?? ''
  return JSON.parse(line) as MemoryProbeResult
}

async function nodeVersion(): Promise<string> {
  return (await runNode(['--version'])).trim().replace(/^v/, '')
}
