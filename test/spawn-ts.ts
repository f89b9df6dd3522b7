import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: children run from here so `tsx` and the workspaces resolve. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string }

/** The runtime running this process, as a name for test titles and logs. */
export const runtime: 'bun' | 'deno' | 'node' = versions.bun
  ? 'bun'
  : versions.deno
    ? 'deno'
    : 'node'

/**
 * How to run a TypeScript file with the current runtime, resolving workspace packages through
 * the `source` condition: Bun and Deno run TypeScript themselves; Node (20 and 24) goes through
 * tsx, because Node's own type stripping does not resolve the extensionless imports of our
 * sources.
 *
 * @example
 * const { command, args } = tsCommand('server/src/sqlite/crash-child.ts', ['--db', path])
 * spawn(command, args, { cwd: repoRoot })
 */
export function tsCommand(file: string, args: readonly string[] = []) {
  const flags =
    runtime === 'bun'
      ? ['--conditions=source']
      : runtime === 'deno'
        ? ['run', '-A', '--conditions=source']
        : ['--import', 'tsx', '--conditions=source']
  return { command: process.execPath, args: [...flags, resolve(repoRoot, file), ...args] }
}

/**
 * Starts a TypeScript file as a child process of the current runtime, from the repository root,
 * with piped stdio.
 *
 * @example
 * const child = spawnTs('server/src/cli/main.ts', ['serve', '--port', '0'])
 */
export function spawnTs(
  file: string,
  args: readonly string[] = [],
  env: Record<string, string | undefined> = {},
): ChildProcess {
  const { command, args: argv } = tsCommand(file, args)
  return spawn(command, argv, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/**
 * Reads a child's stdout line by line: `next(predicate)` resolves with the first line (from the
 * start, or after the last consumed one) that satisfies it, and rejects when the child exits first.
 *
 * @example
 * const lines = lineReader(child)
 * const ready = await lines.next((line) => line.startsWith('{'))
 */
export function lineReader(child: ChildProcess) {
  const lines: string[] = []
  let position = 0
  let buffered = ''
  let ended = false
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const waiter of waiters) waiter()
  }
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    lines.push(...parts)
    notify()
  })
  child.on('exit', () => {
    ended = true
    notify()
  })
  return {
    /** Every line read so far. */
    lines,
    next(predicate: (line: string) => boolean = () => true): Promise<string> {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          while (position < lines.length) {
            const line = lines[position++] as string
            if (predicate(line)) {
              waiters.delete(check)
              resolvePromise(line)
              return
            }
          }
          if (ended) {
            waiters.delete(check)
            reject(new Error(`child exited before the expected line; output:\n${lines.join('\n')}`))
          }
        }
        waiters.add(check)
        check()
      })
    },
  }
}

/** Resolves with the exit code (or signal name) once the child has exited. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  if (child.signalCode !== null) return Promise.resolve(child.signalCode)
  return new Promise((resolvePromise) =>
    child.once('exit', (code, signal) => resolvePromise(code ?? signal ?? -1)),
  )
}

/**
 * Sends `signal` to a child and resolves with its exit code (or the signal that ended it).
 * Signals go through `process.kill(pid)`, not `child.kill()`: Deno's `child.kill()` reports the
 * signal as the cause of exit even when the child handled it and exited with a code.
 */
export async function signalChild(child: ChildProcess, signal: NodeJS.Signals) {
  const exit = exited(child)
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, signal)
  }
  return exit
}

/**
 * Whether this suite runs on the toolchain's Node (24 and later): what `npm run demo`,
 * `npm run bench` and the conformance CLI run on whatever leg of `npm test` is running, so the
 * suites of those tools run once, on it, rather than once per runtime.
 *
 * @example
 * describe.skipIf(!onToolchainNode)('npm run demo', () => {})
 */
export const onToolchainNode =
  runtime === 'node' && Number(process.versions.node.split('.')[0]) >= 24
