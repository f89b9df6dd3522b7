import { setImmediate } from 'node:timers'
import type { Transport, TransportRequest, TransportResponse } from '@rh/server/transports'
import { type Baseline, runtimeBaseline } from './baselines'
import { collectResults } from './collect-results'
import { compare, type Figure } from './figure'
import { type BenchPayload, benchPayload } from './payload'
import { createRhSystem, type RhSystem } from './rh-system'
import { startReceiver } from './start-receiver'
import { type BenchStorage, openStorage, type StorageKind } from './storage'
import { stopwatch, type Throughput } from './throughput'
import { notifyMany, withCleanUp } from './with-deadline'

/** Options of {@link runEngineBench}. */
export interface EngineBenchOptions {
  /** Deliveries per measurement. Default 20,000. */
  requests?: number
  /** Storages rh runs on. Default memory, sqlite and postgres. */
  storages?: StorageKind[]
  /** Measurements of each case, interleaved. Default 3. */
  rounds?: number
  /** Unmeasured deliveries first, once per case. Default as many as are measured. */
  warmUp?: number
}

/** What {@link runEngineBench} measured (every round; figures from the lowest CPU). */
export interface EngineBenchResult {
  requests: number
  /** The 8-in-flight client loop against the real receiver, every round. */
  loop: Throughput[]
  /** rh with its defaults and an in-process receiver, every round, per storage. */
  engine: Partial<Record<StorageKind, Throughput[]>>
  figures: Figure[]
}

/**
 * The ceiling on the engine's ratio that issue 17's goal implies. rh and the client loop are
 * both bound by their own process's CPU at 8 in flight on this machine, so reaching 0.9x of the
 * loop's rate needs rh's CPU per delivery within 1/0.9 of the loop's: the engine (everything rh
 * does beyond the client's own work) may add at most 1/0.9 - 1 = 0.11 of it.
 */
const ENGINE_BUDGET = 0.11

/**
 * rh's own cost per delivery, without the network: rh with its defaults (one subscription,
 * 64 notifying at once, signed per attempt) over a transport that answers 204 on the next turn
 * of the event loop, as a receiver's answer would arrive. What it measures is everything rh
 * does but the HTTP exchange: notify, the message log, the queue (and its database), the claim,
 * the host lines, signing, the outcome and the results stream. Beside it, the CPU per request of
 * the plain client loop with 8 in flight against the real receiver: the ratio is how much rh adds
 * on top of the client's own work, against the budget that a 0.9x rate leaves.
 *
 * @example
 * const result = await runEngineBench({ requests: 500, storages: ['memory'], rounds: 1 })
 */
export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const requests = options.requests ?? 20_000
  const storages = options.storages ?? ['memory', 'sqlite', 'postgres']
  const rounds = options.rounds ?? 3
  const warmUp = options.warmUp ?? requests
  const payload = await benchPayload()
  const receiver = await startReceiver()
  const loops: Baseline[] = []
  const opened: Array<{ storage: BenchStorage; rh: RhSystem }> = []
  const run = async (): Promise<EngineBenchResult> => {
    const loop = await runtimeBaseline({ urls: [receiver.url], inFlight: 8, payload })
    loops.push(loop)
    await loop.run(warmUp)
    const cases: Array<{ kind: StorageKind; rh: RhSystem; answering: AnsweringTransport }> = []
    for (const kind of storages) {
      const storage = await openStorage(kind)
      const answering = answeringTransport(payload)
      const rh = createRhSystem(storage, { secret: payload.secret, transport: answering.transport })
      opened.push({ storage, rh })
      // Never connected to: the transport answers in process.
      await rh.subscribe(['http://127.0.0.1:9/hook'], 1)
      cases.push({ kind, rh, answering })
      await measure(rh, answering, payload, warmUp, kind)
    }
    const loopRounds: Throughput[] = []
    const engine: EngineBenchResult['engine'] = {}
    for (let round = 0; round < rounds; round++) {
      loopRounds.push(await loop.run(requests))
      for (const { kind, rh, answering } of cases) {
        const measured = await measure(rh, answering, payload, requests, kind)
        engine[kind] = [...(engine[kind] ?? []), measured]
      }
    }
    const loopCpu = lowestCpu(loopRounds)
    const figures: Figure[] = []
    for (const kind of storages) {
      const cpu = lowestCpu(engine[kind] ?? [])
      figures.push({
        ...compare(
          'engine',
          `rh engine, ${kind}, defaults, no network`,
          cpu,
          'µs CPU',
          { name: `${loop.name} (8)`, value: loopCpu },
          ENGINE_BUDGET,
        ),
        lowerIsBetter: true,
      })
    }
    return { requests, loop: loopRounds, engine, figures }
  }
  return withCleanUp(run, [
    ['rh close', () => Promise.all(opened.map(({ rh }) => rh.close()))],
    ['storage dispose', () => Promise.all(opened.map(({ storage }) => storage.dispose()))],
    ['loop close', () => Promise.all(loops.map((l) => l.close()))],
    ['receiver close', () => receiver.close()],
  ])
}

/** A transport that answers 204 on the next turn of the event loop, and what it was sent. */
interface AnsweringTransport {
  transport: Transport
  /** Requests since the last `reset`, and whether each was signed and carried the payload. */
  sent(): { requests: number; wellFormed: number }
  reset(): void
}

const NO_CONTENT: TransportResponse = {
  status: 204,
  headers: {},
  bodyText: '',
  bytesRead: 0,
  truncated: false,
}

function answeringTransport(payload: BenchPayload): AnsweringTransport {
  let requests = 0
  let wellFormed = 0
  const transport: Transport = (request: TransportRequest) => {
    requests++
    if (request.headers['webhook-signature'] && request.body.length === payload.body.length)
      wellFormed++
    return new Promise((resolve) => setImmediate(resolve, NO_CONTENT))
  }
  return {
    transport,
    sent: () => ({ requests, wellFormed }),
    reset() {
      requests = 0
      wellFormed = 0
    },
  }
}

/** Notifies `count` times, 64 at once, until every result; fails unless each was sent well formed. */
async function measure(
  rh: RhSystem,
  answering: AnsweringTransport,
  payload: BenchPayload,
  count: number,
  kind: StorageKind,
): Promise<Throughput> {
  answering.reset()
  const name = `rh engine (${kind})`
  const watch = stopwatch()
  const seen = collectResults(rh.rh, count, 30_000 + 2 * count)
  await notifyMany(count, 64, () => rh.notify(payload.data))
  const { counted, other, completed } = await seen
  const figure = watch.stop(name, Math.max(1, counted))
  const { requests, wellFormed } = answering.sent()
  if (!completed || other > 0 || requests !== count || wellFormed !== count) {
    throw new Error(
      `${name}: ${counted - other} of ${count} delivered; ${requests} sent, ${wellFormed} signed with the payload`,
    )
  }
  return figure
}

/** The least CPU per delivery of some rounds: the round least disturbed by the machine. */
function lowestCpu(rounds: Throughput[]): number {
  const cpus = rounds.map((r) => r.cpuMicros).filter((cpu): cpu is number => cpu !== null)
  return cpus.length > 0 ? Math.min(...cpus) : 0
}
