/** How fast one implementation sent a batch of requests. */
export interface Throughput {
  name: string
  requests: number
  ms: number
  perSecond: number
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
  const start = performance.now()
  await Promise.all(Array.from({ length: Math.min(inFlight, requests) }, worker))
  return throughput(name, requests, performance.now() - start)
}

/** A {@link Throughput} from a count and a duration. */
export function throughput(name: string, requests: number, ms: number): Throughput {
  return { name, requests, ms: Math.round(ms), perSecond: Math.round(requests / (ms / 1000)) }
}

/** The better of two measurements of the same thing (the noisier run loses). */
export function best(a: Throughput | undefined, b: Throughput): Throughput {
  return a && a.perSecond >= b.perSecond ? a : b
}
