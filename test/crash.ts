import type { ChildProcess } from 'node:child_process'
import { exited, lineReader, spawnTs } from './spawn-ts'

/** The child server script of the crash tests. */
export const crashChild = 'test/fixtures/crash-child.ts'

/** A signing secret for the crash tests (fixed: the receiver verifies with it). */
export const crashSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** One running child server: send it notifications, read what it accepted, kill it. */
export interface CrashChild {
  child: ChildProcess
  /** Message ids the child printed as accepted (notify resolved), in order. */
  accepted: string[]
  /** Asks the child to notify once for burst item `n`. */
  notify(n: number): void
  /** Moves the child's clock forward by `ms`, as if that much time had passed. */
  advance(ms: number): void
  /** Resolves once at least `count` notifications were accepted. */
  acceptedAtLeast(count: number): Promise<void>
  /** Sends a signal and waits for the exit code or signal name. */
  kill(signal: NodeJS.Signals): Promise<number | string>
}

/**
 * Starts `test/fixtures/crash-child.ts` with the given storage arguments and waits for `ready`.
 *
 * @example
 * const server = await startCrashChild(['--sqlite', path, '--target', receiver.url])
 */
export async function startCrashChild(args: readonly string[]): Promise<CrashChild> {
  const child = spawnTs(crashChild, [...args, '--secret', crashSecret])
  const stderr: string[] = []
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => stderr.push(chunk))
  const lines = lineReader(child)
  try {
    await lines.next((line) => line === 'ready')
  } catch (error) {
    throw new Error(`the crash child did not start: ${stderr.join('')}`, { cause: error })
  }
  const accepted: string[] = []
  const waiters = new Set<() => void>()
  child.stdout?.on('data', () => {
    for (const line of lines.lines) {
      const match = /^accepted \d+ (msg_\w+)$/.exec(line)
      if (match?.[1] && !accepted.includes(match[1])) accepted.push(match[1])
    }
    for (const waiter of waiters) waiter()
  })
  return {
    child,
    accepted,
    notify: (n) => void child.stdin?.write(`notify ${n}\n`),
    advance: (ms) => void child.stdin?.write(`advance ${ms}\n`),
    acceptedAtLeast: (count) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (accepted.length >= count) {
            waiters.delete(check)
            resolve()
          }
        }
        waiters.add(check)
        child.once('exit', () =>
          reject(
            new Error(`the child exited after ${accepted.length} accepted: ${stderr.join('')}`),
          ),
        )
        check()
      }),
    async kill(signal) {
      child.kill(signal)
      return exited(child)
    },
  }
}
