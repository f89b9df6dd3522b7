/**
 * @module bench/sign-verify — rh's Standard Webhooks signing and verification against the npm
 * library `standardwebhooks`, in one run, same 300-byte body, same runtime.
 *
 * Run (build first with `npm run build -w @rh/protocol`: outside vitest, `@rh/protocol` resolves
 * to the built package, which every runtime loads without a TypeScript resolver):
 *   node bench/sign-verify.ts                  Node >= 23.6 (type stripping)
 *   node --import tsx bench/sign-verify.ts     Node 20
 *   bun bench/sign-verify.ts
 *   deno run -A bench/sign-verify.ts
 */
import { createSigner, createVerifier, generateSecret } from '@rh/protocol'
import { Webhook } from 'standardwebhooks'

/** Options of {@link runSignVerifyBench}. */
export interface SignVerifyBenchOptions {
  /** Timed operations per case (a tenth more are run first to warm up). Default 30 000. */
  iterations?: number
  /** Body size in bytes. Default 300. */
  bodyBytes?: number
}

/** Operations per second of one implementation. */
export interface OpsPerSecond {
  sign: number
  verify: number
}

/** What {@link runSignVerifyBench} measured. */
export interface SignVerifyBenchResult {
  runtime: 'node' | 'bun' | 'deno'
  version: string
  iterations: number
  bodyBytes: number
  /** rh with its default fast path (`node:crypto` when the runtime has it). */
  rh: OpsPerSecond
  /** rh forced onto WebCrypto, as in a browser. */
  rhWebCrypto: OpsPerSecond
  standardwebhooks: OpsPerSecond
  /** rh / standardwebhooks. */
  ratio: OpsPerSecond
}

const runtimeInfo = (): Pick<SignVerifyBenchResult, 'runtime' | 'version'> => {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } }
  if (g.Bun) return { runtime: 'bun', version: g.Bun.version }
  if (g.Deno) return { runtime: 'deno', version: g.Deno.version.deno }
  return { runtime: 'node', version: process.version.slice(1) }
}

async function opsPerSecond(
  iterations: number,
  run: (i: number) => unknown | Promise<unknown>,
): Promise<number> {
  for (let i = 0; i < Math.ceil(iterations / 10); i++) await run(i)
  const start = performance.now()
  for (let i = 0; i < iterations; i++) await run(i)
  return Math.round(iterations / ((performance.now() - start) / 1000))
}

/**
 * Measures sign and verify throughput of rh (fast path and WebCrypto) and `standardwebhooks`.
 *
 * @example
 * const result = await runSignVerifyBench({ iterations: 50_000 })
 * console.log(result.ratio.verify) // rh verifications per standardwebhooks verification
 */
export async function runSignVerifyBench(
  options: SignVerifyBenchOptions = {},
): Promise<SignVerifyBenchResult> {
  const { iterations = 30_000, bodyBytes = 300 } = options
  const secret = generateSecret()
  const prefix = '{"type":"invoice.paid","data":{"note":"'
  const body = `${prefix}${'x'.repeat(Math.max(0, bodyBytes - prefix.length - 3))}"}}`
  const timestamp = Math.floor(Date.now() / 1000)
  const id = 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'

  const theirs = new Webhook(secret)
  const date = new Date(timestamp * 1000)
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': theirs.sign(id, date, body),
  }

  const measure = async (fastPath: boolean): Promise<OpsPerSecond> => {
    const signer = createSigner(secret, { fastPath })
    const verifier = createVerifier(secret, { fastPath })
    return {
      sign: await opsPerSecond(iterations, (i) => signer.sign({ id: `msg_${i}`, timestamp, body })),
      verify: await opsPerSecond(iterations, () => verifier.verify(body, headers)),
    }
  }

  const standardwebhooks = {
    sign: await opsPerSecond(iterations, (i) => theirs.sign(`msg_${i}`, date, body)),
    verify: await opsPerSecond(iterations, () => theirs.verify(body, headers)),
  }
  const rh = await measure(true)
  const rhWebCrypto = await measure(false)
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
  return {
    ...runtimeInfo(),
    iterations,
    bodyBytes: new TextEncoder().encode(body).length,
    rh,
    rhWebCrypto,
    standardwebhooks,
    ratio: {
      sign: ratio(rh.sign, standardwebhooks.sign),
      verify: ratio(rh.verify, standardwebhooks.verify),
    },
  }
}

/** The result as a small text table. */
export function formatSignVerifyBench(result: SignVerifyBenchResult): string {
  const row = (name: string, ops: OpsPerSecond) =>
    `${name.padEnd(22)}${ops.sign.toLocaleString('en-US').padStart(14)}${ops.verify.toLocaleString('en-US').padStart(14)}`
  return [
    `sign/verify, ${result.bodyBytes}-byte body, ${result.iterations} ops per case, ${result.runtime} ${result.version}`,
    `${''.padEnd(22)}${'sign ops/s'.padStart(14)}${'verify ops/s'.padStart(14)}`,
    row('rh', result.rh),
    row('rh (WebCrypto only)', result.rhWebCrypto),
    row('standardwebhooks', result.standardwebhooks),
    `${'rh / standardwebhooks'.padEnd(22)}${`${result.ratio.sign}x`.padStart(14)}${`${result.ratio.verify}x`.padStart(14)}`,
  ].join('\n')
}

const isMain = (): boolean => {
  const meta = import.meta as { main?: boolean }
  if (typeof meta.main === 'boolean') return meta.main
  const script = globalThis.process?.argv?.[1]
  return script !== undefined && import.meta.url.endsWith(script.replace(/^.*\//, '/'))
}

if (isMain()) {
  const iterations = Number(globalThis.process?.env?.BENCH_ITERATIONS) || undefined
  console.log(formatSignVerifyBench(await runSignVerifyBench(iterations ? { iterations } : {})))
}
