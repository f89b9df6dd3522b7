/**
 * Things seen so far (`seen`, in order), and a wait for the first one, past or future, that
 * `match` accepts. `fail(error)` rejects every wait still open.
 *
 * @example
 * const arrivals = watcher()
 * arrivals.add({ receiver: 'happy', id })
 * await arrivals.wait((a) => a.receiver === 'happy')
 */
export function watcher() {
  const seen = []
  const waiting = new Set()
  return {
    seen,
    add(item) {
      seen.push(item)
      for (const waiter of waiting) {
        if (waiter.match(item)) {
          waiting.delete(waiter)
          waiter.resolve(item)
        }
      }
    },
    wait(match) {
      const found = seen.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => waiting.add({ match, resolve, reject }))
    },
    fail(error) {
      for (const waiter of waiting) waiter.reject(error)
      waiting.clear()
    },
  }
}
