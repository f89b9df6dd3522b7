import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { watcher } from './watcher.mjs'

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

  const lines = watcher()
  createInterface({ input: child.stdout }).on('line', (text) => {
    log.write(`${text}\n`)
    let line
    try {
      line = JSON.parse(text)
    } catch {
      return
    }
    lines.add(line)
  })

  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  exited.then(({ code, signal }) => {
    process.off('exit', orphan)
    lines.fail(new Error(`rh serve exited (${signal ?? `code ${code}`}); see ${logPath}`))
  })

  return {
    started: lines.wait((line) => line.msg === 'start').then((start) => start.url),
    lines: lines.seen,
    /** The first log line, past or future, that `match` accepts. */
    logged: lines.wait,
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
