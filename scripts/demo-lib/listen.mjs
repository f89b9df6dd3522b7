import { createServer } from 'node:http'

/**
 * Serves a Fetch handler wrapped for Node (`toNodeHandler`) on 127.0.0.1 at a free port.
 *
 * @example
 * const { url, close } = await listen(toNodeHandler(receiver))
 */
export async function listen(handler) {
  const server = createServer(handler)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
