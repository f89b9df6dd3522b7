import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createResthooks } from '@rh/server'
import { toNodeHandler } from '@rh/server/node'
import { compare, type Figure } from './figure'
import { BENCH_EVENT, BENCH_OWNER, benchPayload } from './payload'
import { repoRoot, runNode } from './run-node'

/** Options of {@link runApiBench}. */
export interface ApiBenchOptions {
  /** Seconds of load per case. Default 5. Ignored when `requests` is set. */
  duration?: number
  /** A fixed number of requests per case instead of a duration (smoke runs). */
  requests?: number
  /** autocannon connections. Default 32. */
  connections?: number
  /**
   * Measurements of each case, bare and rh interleaved; the best of each counts (the load
   * generator shares the machine, and a run it disturbs is slow on either side). Default 1.
   */
  rounds?: number
}

/** Requests per second of one handler under autocannon. */
export interface ApiFigure {
  requests: number
  seconds: number
  perSecond: number
  /** Answers that were not the expected status, plus connection errors. */
  failures: number
}

/** What {@link runApiBench} measured. */
export interface ApiBenchResult {
  connections: number
  create: { rh: ApiFigure; bare: ApiFigure }
  get: { rh: ApiFigure; bare: ApiFigure }
  figures: Figure[]
}

const GOAL = 0.6
const TARGET = 'http://127.0.0.1:9/x'

/**
 * Subscription API: requests per second of `POST /hooks/subscriptions` (create; handshake off,
 * SSRF guard on with private targets allowed) and `GET /hooks/subscriptions/{id}` through
 * `@rh/server/node`'s `toNodeHandler`, against a bare `node:http` handler answering the same
 * JSON. The load comes from autocannon in a separate Node process.
 *
 * @example
 * const result = await runApiBench({ requests: 50 })
 * console.log(result.create.rh.perSecond)
 */
export async function runApiBench(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const connections = options.connections ?? 32
  const load = { connections, duration: options.duration ?? 5, requests: options.requests }
  const { secret } = await benchPayload()
  const rh = createResthooks({
    authenticate: () => BENCH_OWNER,
    signing: { secret },
    handshake: false,
    allowPrivateTargets: true,
  })
  const servers: { close(): Promise<void> }[] = []
  try {
    const rhServer = await listen(toNodeHandler(rh))
    servers.push(rhServer)
    const bareServer = await listen(bareHandler())
    servers.push(bareServer)
    const body = JSON.stringify({ target_url: TARGET, events: [BENCH_EVENT] })
    const post = { method: 'POST', body, status: 201 }
    const rhId = await createOne(rhServer.url, body)
    const bareId = await createOne(bareServer.url, body)
    const rounds = options.rounds ?? 1
    const pair = async (bare: () => Promise<ApiFigure>, rh: () => Promise<ApiFigure>) => {
      let best = { bare: await bare(), rh: await rh() }
      for (let round = 1; round < rounds; round++) {
        best = { bare: faster(best.bare, await bare()), rh: faster(best.rh, await rh()) }
      }
      return best
    }
    const create = await pair(
      () => autocannon(`${bareServer.url}/hooks/subscriptions`, post, load),
      () => autocannon(`${rhServer.url}/hooks/subscriptions`, post, load),
    )
    const read = { method: 'GET', status: 200 }
    const get = await pair(
      () => autocannon(`${bareServer.url}/hooks/subscriptions/${bareId}`, read, load),
      () => autocannon(`${rhServer.url}/hooks/subscriptions/${rhId}`, read, load),
    )
    const figure = (name: string, pair: { rh: ApiFigure; bare: ApiFigure }) =>
      compare(
        'api',
        name,
        pair.rh.perSecond,
        'req/s',
        { name: 'bare node:http', value: pair.bare.perSecond },
        GOAL,
      )
    return {
      connections,
      create,
      get,
      figures: [
        figure('rh create (POST), toNodeHandler', create),
        figure('rh get (GET), toNodeHandler', get),
      ],
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()))
    await rh.close({ graceMs: 0 })
  }
}

/** The run with more requests per second; a run with failures never counts as faster. */
function faster(a: ApiFigure, b: ApiFigure): ApiFigure {
  if (a.failures !== b.failures) return a.failures > b.failures ? a : b
  return b.perSecond > a.perSecond ? b : a
}

/**
 * What rh would answer, with none of its work: the same JSON body and status, no validation,
 * no store. It still reads the request body, as any handler must.
 */
function bareHandler(): RequestListener {
  const now = new Date().toISOString()
  const subscription = (id: string, target: string, events: string[]) =>
    JSON.stringify({
      id,
      events,
      target_url: target,
      status: 'active',
      metadata: {},
      created_at: now,
      updated_at: now,
    })
  const known = subscription('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC', TARGET, [BENCH_EVENT])
  return (request, response) => {
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      text += chunk
    })
    request.on('end', () => {
      if (request.method === 'POST') {
        const input = JSON.parse(text) as { target_url: string; events: string[] }
        const id = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'
        response
          .writeHead(201, {
            'content-type': 'application/json',
            location: `/hooks/subscriptions/${id}`,
          })
          .end(subscription(id, input.target_url, input.events))
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end(known)
      }
    })
  }
}

async function createOne(base: string, body: string): Promise<string> {
  const response = await fetch(`${base}/hooks/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  if (response.status !== 201) throw new Error(`create answered ${response.status}`)
  return ((await response.json()) as { id: string }).id
}

async function listen(
  handler: RequestListener,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

interface AutocannonJson {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats?: Record<string, { count: number }>
  requests: { total: number; average: number }
}

/** autocannon's CLI in a child Node process, so the load generator never shares our CPU time. */
async function autocannon(
  url: string,
  request: { method: string; body?: string; status: number },
  load: { connections: number; duration: number; requests?: number | undefined },
): Promise<ApiFigure> {
  const cli = join(repoRoot, 'node_modules/autocannon/autocannon.js')
  const args = [cli, '-j', '-n', '-c', String(load.connections), '-m', request.method]
  if (load.requests !== undefined) args.push('-a', String(load.requests))
  else args.push('-d', String(load.duration))
  if (request.body !== undefined) {
    args.push('-H', 'content-type=application/json', '-b', request.body)
  }
  args.push(url)
  const output = await runNode(args)
  const json = JSON.parse(output) as AutocannonJson
  const expected = json.statusCodeStats?.[String(request.status)]?.count ?? 0
  const total = json.requests.total
  return {
    requests: total,
    seconds: json.duration,
    perSecond: Math.round(total / json.duration),
    failures: total - expected + json.errors + json.timeouts,
  }
}
