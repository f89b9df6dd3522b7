import type { ServerSuiteOptions, SuiteReport } from '@rh/conformance'
import { createResthooks, type Resthooks, type ResthooksOptions } from '@rh/server'
import { toNodeHandler } from '@rh/server/node'
import { type FetchHandler, type Served, serveFetch } from './serve-fetch'

const owners: Record<string, string> = { 'Bearer one': 'owner-1', 'Bearer two': 'owner-2' }

/** Two owners: `Bearer one` is `owner-1`, `Bearer two` is `owner-2`; anything else is 401. */
const authenticate = (request: Request) =>
  owners[request.headers.get('authorization') ?? ''] ?? null

/**
 * What the conformance suite is told about the server, as `createResthooks` options: its owners,
 * a retry schedule of 20 ms, 60 ms, 180 ms (±10 %), and auto-disable after 2 failed deliveries.
 */
export const suiteServer = {
  authenticate,
  retry: { retries: 3, initialDelay: 20, factor: 3 },
  disableAfter: 2,
} satisfies ResthooksOptions

/** The store and queue of one instance; the rest of its options come from the harness. */
export type Storage = Pick<ResthooksOptions, 'store' | 'queue'>

/** Running instances of rh, served on 127.0.0.1 with a trigger, ready for `runServerSuite`. */
export interface ConformanceHarness {
  /** Everything `runServerSuite` needs for the permissive and the strict instance. */
  options: ServerSuiteOptions
  /** Serves one more instance with the trigger; resolves with its origin. */
  serve(rh: Resthooks): Promise<string>
  /** Stops the servers, then closes the instances (and so their stores and queues). */
  close(): Promise<void>
}

/**
 * Serves rh for the server suite: an instance that delivers to the suite's receivers on
 * 127.0.0.1 (`allowPrivateTargets`), and a strict one, with the SSRF guard on, for the SSRF cases.
 * Each instance also answers `POST /test/notify { owner, event, data }` by calling `notify`.
 * Both are served with `Bun.serve` on Bun, `Deno.serve` on Deno and `@rh/server/node` on Node.
 * `storage(role)` gives each its own store and queue (memory when it returns `{}`); they must not
 * share a queue, or the strict one would claim, and refuse, the permissive one's deliveries.
 *
 * @example
 * const harness = await startConformanceHarness(() => ({}))
 * const report = await runServerSuite(harness.options)
 * await harness.close()
 */
export async function startConformanceHarness(
  storage: (role: 'permissive' | 'strict') => Storage | Promise<Storage>,
): Promise<ConformanceHarness> {
  const instances: Resthooks[] = []
  const served: Served[] = []

  async function serve(rh: Resthooks): Promise<string> {
    instances.push(rh)
    const handler: FetchHandler = async (request) => {
      if (new URL(request.url).pathname === '/test/notify') {
        const { owner, event, data } = (await request.json()) as Record<string, string>
        await rh.notify(owner ?? '', event ?? '', data)
        return new Response(null, { status: 202 })
      }
      return rh.fetch(request)
    }
    const server = await serveFetch(handler, (fetch) => toNodeHandler({ fetch }))
    served.push(server)
    return server.origin
  }

  const close = async () => {
    await Promise.all(served.map((server) => server.close()))
    await Promise.all(instances.map((rh) => rh.close({ graceMs: 0 })))
  }

  try {
    const [permissiveStorage, strictStorage] = await Promise.all([
      storage('permissive'),
      storage('strict'),
    ])
    const origin = await serve(
      createResthooks({ ...suiteServer, ...permissiveStorage, allowPrivateTargets: true }),
    )
    const strict = await serve(createResthooks({ ...suiteServer, ...strictStorage }))
    const options: ServerSuiteOptions = {
      url: `${origin}/hooks`,
      strictUrl: `${strict}/hooks`,
      trigger: `${origin}/test/notify`,
      owner: 'owner-1',
      auth: 'Bearer one',
      auth2: 'Bearer two',
      retrySchedule: [20, 60, 180],
      disableAfter: suiteServer.disableAfter,
      timeoutMs: 5_000,
    }
    return { options, serve, close }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * The cases of `report` that did not pass, one line each with what was expected and seen, for an
 * assertion message.
 *
 * @example
 * expect(report.failed, describeFailures(report)).toBe(0)
 */
export function describeFailures(report: SuiteReport): string {
  return report.results
    .filter((result) => result.status === 'failed')
    .map(
      (result) =>
        `${result.id}: ${result.reason ?? 'failed'}\n  expected: ${result.expected ?? '?'}\n  seen: ${result.seen ?? '?'}`,
    )
    .join('\n')
}
