/** Runs async sections one at a time per key. */
export type KeyedLock = <T>(key: string, section: () => Promise<T>) => Promise<T>

/**
 * A lock per key (in this process): sections with the same key run one after another, in call
 * order; different keys never wait for each other. A failing section does not block the next.
 * The engine uses it so that two attempts of one subscription settling at the same moment do
 * not both read, then both write, its failure count (a lost update).
 *
 * @example
 * const lock = createKeyedLock()
 * await lock(subscription.id, async () => {
 *   const current = await store.get(owner, subscription.id)
 *   await store.update(owner, subscription.id, { consecutive_failures: current.consecutive_failures + 1 })
 * })
 */
export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>()
  return (key, section) => {
    const before = tails.get(key)
    const run = before ? before.then(section, section) : section()
    const tail = run.catch(() => {})
    tails.set(key, tail)
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return run
  }
}
