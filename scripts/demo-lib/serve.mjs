import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/**
 * Starts `rh serve` (the built `server/bin/rh.mjs`) as a child process of this Node, its JSON
 * log lines written to `logPath` and kept for `logged()`. `env` is its whole environment.
 * `started` resolves with the URL from its `start` line; `stop()` works at any moment.
 *
 * @example
 * const rh = startServe({ root, args: ['--port', '0'], env: { RH_API_KEYS: 'demo:k' }, logPath })
 * const url = await rh.started
 * await rh.logged((line) => line.msg === 'delivery')
 * await rh.stop() // 0
 */
export function startServe({ root, args, env, logPath }) {
  const log = createWriteStream(logPath)
  const child = spawn(process.execPath, [join(root, 'server/bin/rh.mjs'), 'serve', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stderr.pipe(log, { end: false })
  // However this process ends (an uncaught error, process.exit), rh serve does not outlive it.
  const orphan = () => child.kill('SIGTERM')
  process.once('exit', orphan)

  const lines = []
  const waiters = new Set()
  createInterface({ input: child.stdout }).on('line', (text) => {
    log.write(`${text}\n`)
    let line
    try {
      line = JSON.parse(text)
    } catch {
      return
    }
    lines.push(line)
    for (const waiter of waiters) {
      if (waiter.match(line)) {
        waiters.delete(waiter)
        waiter.resolve(line)
      }
    }
  })

  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  exited.then(({ code, signal }) => {
    process.off('exit', orphan)
    for (const waiter of waiters) {
      waiter.reject(new Error(`rh serve exited (${signal ?? `code ${code}`}); see ${logPath}`))
    }
    waiters.clear()
  })

  /** The first log line, past or future, that `match` accepts. */
  function logged(match) {
    const seen = lines.find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => waiters.add({ match, resolve, reject }))
  }

  return {
    started: logged((line) => line.msg === 'start').then((start) => start.url),
    lines,
    logged,
    /** SIGTERM, then the exit code (a signal death is reported as `null`). */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const { code } = await exited
      child.stdout.destroy()
      await new Promise((resolve) => log.end(resolve))
      return code
    },
  }
}
