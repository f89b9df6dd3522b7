import type { ChildProcess } from 'node:child_process'
import type { VerifiedDelivery as Received } from '../server/src/testing/receiver'
import { lineReader, signalChild, spawnTs } from './spawn-ts'

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
  /**
   * Notifies items `from` .. `from + count - 1`, keeping `window` unacknowledged at a time, so a
   * kill lands in the middle of a burst with notifications in flight.
   */
  burst(from: number, count: number, window?: number): void
  /** Moves the child's clock forward by `ms`, as if that much time had passed. */
  advance(ms: number): void
  /** Resolves once at least `count` notifications were accepted. */
  acceptedAtLeast(count: number): Promise<void>
  /** What the child wrote to stderr so far. */
  stderr(): string
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
  let scanned = 0
  let next = 0
  let end = 0
  const send = (n: number) => void child.stdin?.write(`notify ${n}\n`)
  // A write racing the kill (an `accepted` line still buffered when the child died) meets a
  // closed pipe: expected here. Anything else shows up in the child's stderr record.
  child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') stderr.push(`stdin: ${error.message}`)
  })
  child.stdout?.on('data', () => {
    for (; scanned < lines.lines.length; scanned++) {
      const match = /^accepted \d+ (msg_\w+)$/.exec(lines.lines[scanned] ?? '')
      if (!match?.[1]) continue
      accepted.push(match[1])
      if (next < end) send(next++)
    }
    for (const waiter of waiters) waiter()
  })
  return {
    child,
    accepted,
    notify: send,
    burst(from, count, window = 16) {
      next = from
      end = from + count
      while (next < end && next < from + window) send(next++)
    },
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
    kill: (signal) => signalChild(child, signal),
    stderr: () => stderr.join(''),
  }
}

/**
 * The crash-safety verdict over a receiver's log: every accepted message id was delivered, every
 * delivery carried a valid signature, and a repeat is only ever the same notification (same body)
 * under the same `webhook-id`: no burst item was delivered under two ids.
 */
export function expectNothingLost(
  deliveries: readonly Received[],
  accepted: readonly string[],
  expect: (value: unknown) => { toBe(expected: unknown): void; toEqual(expected: unknown): void },
) {
  const bodies = new Map<string, string>()
  for (const delivery of deliveries) {
    expect(delivery.verified).toBe(true)
    expect(bodies.get(delivery.id) ?? delivery.body).toBe(delivery.body)
    bodies.set(delivery.id, delivery.body)
  }
  expect(accepted.filter((id) => !bodies.has(id))).toEqual([])
  const items = new Set([...bodies.values()].map((body) => JSON.parse(body).data.n))
  expect(items.size).toBe(bodies.size)
}
