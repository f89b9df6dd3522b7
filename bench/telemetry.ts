import { metrics, trace } from '@opentelemetry/api'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { TracerProvider } from '@opentelemetry/sdk-trace'
import { prometheusMetrics, type TelemetryOptions } from '@rh/server'
import { compare, type Figure } from './figure'
import { benchPayload } from './payload'
import { openRhCase, type RhCase, type RhRound } from './rh-case'
import { startReceiver } from './start-receiver'
import { best } from './throughput'
import { withCleanUp } from './with-deadline'

/** Options of {@link runTelemetryBench}. */
export interface TelemetryBenchOptions {
  /** Deliveries per measurement. Default 20 000. */
  requests?: number
  /** Measurements of each case, interleaved (off, on, off, on, ...). Default 3. */
  rounds?: number
  /** Unmeasured deliveries first, once per case. Default as many as are measured (at least 500). */
  warmUp?: number
}

/** What {@link runTelemetryBench} measured. */
export interface TelemetryBenchResult {
  requests: number
  /** The best round of each case. */
  off: RhRound
  on: RhRound
  sdk: RhRound
  rounds: { off: RhRound[]; on: RhRound[]; sdk: RhRound[] }
  figures: Figure[]
}

/** Issue 16: telemetry on without an exporter stays within 5 % of off. */
const TELEMETRY_GOAL = 0.95

/**
 * The cost of telemetry on delivery: rh on the memory queue at `perHost: 64` (the `delivery`
 * bench's matched case), without `telemetry` (off) and with all of it on but nothing exporting
 * (on): `trace.getTracer` and `metrics.getMeter` of `@opentelemetry/api` with no SDK registered,
 * as an app that wires rh's telemetry but exports nothing gets them, and `prometheusMetrics()`
 * counting. For reference, a third case (sdk) records every span and measurement in the SDK
 * (a tracer provider without span processor, a meter provider without reader). Same receiver,
 * rounds interleaved; the figures are on's and sdk's rates over off's (goal for on: >= 0.95).
 *
 * @example
 * const result = await runTelemetryBench({ requests: 2000, rounds: 1 })
 * console.log(result.figures)
 */
export async function runTelemetryBench(
  options: TelemetryBenchOptions = {},
): Promise<TelemetryBenchResult> {
  const requests = options.requests ?? 20_000
  const rounds = options.rounds ?? 3
  const warmUp = options.warmUp ?? Math.max(500, requests)
  const payload = await benchPayload(300)
  const receiver = await startReceiver()
  const tracerProvider = new TracerProvider()
  const meterProvider = new MeterProvider()
  const telemetry: TelemetryOptions = {
    tracer: trace.getTracer('rh-bench'),
    meter: metrics.getMeter('rh-bench'),
    prometheus: prometheusMetrics(),
  }
  const sdkTelemetry: TelemetryOptions = {
    tracer: tracerProvider.getTracer('rh-bench'),
    meter: meterProvider.getMeter('rh-bench'),
    prometheus: prometheusMetrics(),
  }
  const open: RhCase[] = []
  const run = async (): Promise<TelemetryBenchResult> => {
    const common = {
      kind: 'memory' as const,
      receiver,
      payload,
      concurrency: { global: 64, perHost: 64 },
    }
    const off = await openRhCase(common)
    open.push(off)
    const on = await openRhCase({
      ...common,
      telemetry: { options: telemetry, name: 'telemetry, no exporter' },
    })
    open.push(on)
    const sdk = await openRhCase({
      ...common,
      telemetry: { options: sdkTelemetry, name: 'telemetry, SDK without exporter' },
    })
    open.push(sdk)
    await off.measure(warmUp)
    await on.measure(warmUp)
    await sdk.measure(warmUp)
    const measured: TelemetryBenchResult['rounds'] = { off: [], on: [], sdk: [] }
    for (let round = 0; round < rounds; round++) {
      measured.off.push(await off.measure(requests))
      measured.on.push(await on.measure(requests))
      measured.sdk.push(await sdk.measure(requests))
    }
    const bestOf = (all: RhRound[]) => all.reduce((a: RhRound, b) => (best(a, b) === a ? a : b))
    const bestOff = bestOf(measured.off)
    const bestOn = bestOf(measured.on)
    const bestSdk = bestOf(measured.sdk)
    const figures: Figure[] = [
      compare(
        'telemetry',
        'rh, memory, telemetry on (no exporter)',
        bestOn.perSecond,
        'deliveries/s',
        { name: 'telemetry off', value: bestOff.perSecond },
        TELEMETRY_GOAL,
      ),
      compare(
        'telemetry',
        'rh, memory, telemetry SDK without exporter',
        bestSdk.perSecond,
        'deliveries/s',
        { name: 'telemetry off', value: bestOff.perSecond },
      ),
    ]
    if (bestOn.cpuMicros !== null && bestOff.cpuMicros !== null) {
      figures.push({
        ...compare(
          'telemetry',
          'rh, memory, telemetry on CPU/delivery',
          bestOn.cpuMicros,
          'µs CPU',
          { name: 'telemetry off', value: bestOff.cpuMicros },
        ),
        lowerIsBetter: true,
      })
    }
    return { requests, off: bestOff, on: bestOn, sdk: bestSdk, rounds: measured, figures }
  }
  return withCleanUp(run, [
    // `open` fills while `run` runs: read when the step runs, not now.
    [
      'rh cases',
      async () => {
        for (const rhCase of open) await rhCase.close()
      },
    ],
    ['receiver', () => receiver.close()],
    ['tracer provider', () => tracerProvider.shutdown()],
    ['meter provider', () => meterProvider.shutdown()],
  ])
}
