import { once } from 'node:events'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The owner of a request: the token of its `Authorization: Bearer <token>` header, else null
 * (the `authenticate` of the test servers).
 *
 * @example
 * const rh = createResthooks({ authenticate: bearerOwner, allowPrivateTargets: true })
 */
export const bearerOwner = (request: Request): string | null =>
  request.headers.get('authorization')?.match(/^Bearer (.+)$/)?.[1] ?? null

/** Real node:http servers on 127.0.0.1, closed together. */
export interface HttpServers {
  /** Serves `listener` on a free port of 127.0.0.1; resolves with its origin (`http://…:port`). */
  listen(listener: RequestListener): Promise<string>
  /** Closes every server, dropping keep-alive connections (which would hold `close()` open). */
  closeAll(): Promise<void>
}

/**
 * A set of node:http servers for a test file: `listen` in `beforeAll`, `closeAll` in `afterAll`.
 *
 * @example
 * const servers = httpServers()
 * const base = `${await servers.listen(serverNodeHandler(rh))}/hooks`
 * afterAll(() => servers.closeAll())
 */
export function httpServers(): HttpServers {
  const servers: Server[] = []
  return {
    async listen(listener) {
      const server = createServer(listener)
      servers.push(server)
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    async closeAll() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise((done) => {
              server.close(done)
              server.closeAllConnections()
            }),
        ),
      )
    },
  }
}
