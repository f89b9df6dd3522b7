/**
 * Who may use the one SQLite connection while an application transaction is open on it. rh's
 * own transactions are synchronous functions, so nothing else can run during one; an
 * application transaction (`sqlite(…).transaction(fn)`) spans awaits, so rh's writes and claims
 * wait for it instead of running inside it, where they would commit or roll back with it.
 */
export interface ConnectionLock {
  /** Whether an application transaction holds the connection now. */
  readonly held: boolean
  /** Resolves once the current holder lets go (at once when none holds it). */
  released(): Promise<void>
  /** Runs `fn` holding the connection; holders take turns in call order. */
  hold<T>(fn: () => Promise<T>): Promise<T>
}

/**
 * A {@link ConnectionLock}.
 *
 * @example
 * const lock = createConnectionLock()
 * await lock.hold(async () => { db.exec('begin immediate'); await work(); db.exec('commit') })
 * // Before an rh write on the same connection: checked again right before it, with no await
 * // in between (a new holder may have started while this one resumed).
 * while (lock.held) await lock.released()
 */
export function createConnectionLock(): ConnectionLock {
  let held = false
  let tail: Promise<unknown> = Promise.resolve()
  let waiters: Array<() => void> = []
  return {
    get held() {
      return held
    },
    released() {
      if (!held) return Promise.resolve()
      return new Promise<void>((resolve) => waiters.push(resolve))
    },
    hold<T>(fn: () => Promise<T>): Promise<T> {
      const run = tail.then(async () => {
        held = true
        try {
          return await fn()
        } finally {
          held = false
          const woken = waiters
          waiters = []
          for (const wake of woken) wake()
        }
      })
      tail = run.catch(() => {})
      return run
    },
  }
}
