/**
 * @module bench/receiver — the webhook receiver the delivery benchmarks send to: a SEPARATE
 * process (plain `node:http`, keep-alive) that reads each request body and answers 204.
 *
 *   node bench/receiver.mjs [--ports=1]
 *
 * It listens on 127.0.0.1, port 0 (one or more ports, for fan-out across hosts), and prints one
 * JSON line `{"ports":[...]}` once listening. `GET /__stats` answers
 * `{ requests, bytes, signed, connections }` (over every port, the stats request itself
 * excluded; `connections` counts the sockets opened);
 * `POST /__reset` zeroes them. A request to `/hang` is read and never answered (counted in
 * `hung`, since the start and never reset, not in `requests`): a receiver host that hangs.
 * A request to `/slow?ms=200` is counted as any delivery and answered that many ms after its
 * body has been read: a receiver host that is slow but keeps up.
 * `POST /__status?code=500` makes it answer every later delivery with that status (an outage;
 * `code=204` ends it). It exits when its stdin closes, so it never outlives the bench.
 */
import { createServer } from 'node:http'

const portsFlag = process.argv.find((arg) => arg.startsWith('--ports='))
const portCount = Math.max(1, Number(portsFlag?.slice('--ports='.length) ?? 1) || 1)

let requests = 0
let bytes = 0
let signed = 0
let connections = 0
let hung = 0
/** The status deliveries are answered with: 204, or another during an outage. */
let answer = 204

/** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
function handle(request, response) {
  if (request.url === '/__stats') {
    request.resume()
    const body = JSON.stringify({ requests, bytes, signed, connections, hung })
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
    return
  }
  if (request.url === '/__reset') {
    request.resume()
    requests = 0
    bytes = 0
    signed = 0
    connections = 0
    response.writeHead(204).end()
    return
  }
  if (request.url?.startsWith('/__status?')) {
    request.resume()
    answer = Number(new URL(request.url, 'http://x').searchParams.get('code')) || 204
    response.writeHead(204).end()
    return
  }
  if (request.url === '/hang') {
    request.resume()
    hung++
    return
  }
  let size = 0
  request.on('data', (chunk) => {
    size += chunk.length
  })
  const slowMs = request.url?.startsWith('/slow?')
    ? Number(new URL(request.url, 'http://x').searchParams.get('ms')) || 0
    : 0
  request.on('end', () => {
    requests++
    bytes += size
    if (request.headers['webhook-signature']) signed++
    if (slowMs > 0) setTimeout(() => response.writeHead(answer).end(), slowMs)
    else response.writeHead(answer).end()
  })
}

const servers = Array.from({ length: portCount }, () => {
  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, handle)
  // Benchmarks open hundreds of keep-alive sockets; never let the default limits close them.
  server.maxRequestsPerSocket = 0
  server.headersTimeout = 60_000
  server.on('connection', () => connections++)
  return server
})

const ports = await Promise.all(
  servers.map(
    (server) =>
      new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () =>
          resolve(/** @type {{ port: number }} */ (server.address()).port),
        )
      }),
  ),
)
process.stdout.write(`${JSON.stringify({ ports })}\n`)

const stop = () => {
  for (const server of servers) {
    server.closeAllConnections()
    server.close()
  }
  process.exit(0)
}
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
