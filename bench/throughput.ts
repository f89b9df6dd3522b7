/** How fast one implementation sent a batch of requests. */
export interface Throughput {
  name: string
  requests: number
  ms: number
  perSecond: number
  /**
   * CPU time this process spent per request (user + system, in µs): less sensitive than the rate
   * to other work on a shared machine. `null` where the runtime has no `process.cpuUsage`.
   */
  cpuMicros: number | null
}

/** A started measurement: wall-clock and this process's CPU time. */
export interface Stopwatch {
  stop(name: string, requests: number): Throughput
}

const cpu = (): number | null => {
  const usage = globalThis.process?.cpuUsage?.()
  return usage ? usage.user + usage.system : null
}

/**
 * Starts measuring wall-clock and CPU time.
 *
 * @example
 * const watch = stopwatch()
 * await work()
 * const figure = watch.stop('rh (memory)', 20_000)
 */
export function stopwatch(): Stopwatch {
  const startCpu = cpu()
  const start = performance.now()
  return {
    stop(name, requests) {
      const ms = performance.now() - start
      const endCpu = cpu()
      return {
        name,
        requests,
        ms: Math.round(ms),
        perSecond: Math.round(requests / (ms / 1000)),
        cpuMicros:
          startCpu === null || endCpu === null ? null : Math.round((endCpu - startCpu) / requests),
      }
    },
  }
}

/**
 * Runs `send` `requests` times with `inFlight` calls at once and times the whole batch.
 *
 * @example
 * const figure = await timeLoop('fetch', 500, 64, () => fetch(url).then((r) => r.text()))
 */
export async function timeLoop(
  name: string,
  requests: number,
  inFlight: number,
  send: (i: number) => Promise<unknown>,
): Promise<Throughput> {
  let next = 0
  const worker = async () => {
    while (next < requests) await send(next++)
  }
  const watch = stopwatch()
  await Promise.all(Array.from({ length: Math.min(inFlight, requests) }, worker))
  return watch.stop(name, requests)
}

/** The better of two measurements of the same thing (the noisier run loses). */
export function best(a: Throughput | undefined, b: Throughput): Throughput {
  return a && a.perSecond >= b.perSecond ? a : b
}
