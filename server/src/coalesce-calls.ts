interface Line<T> {
  running: Promise<T> | null
  next: Promise<T> | null
}

const ignore = () => {}

/**
 * Shares identical calls: while the call for a key is running, every further call with that key
 * waits for it to finish and then shares ONE new call. A caller never gets a result that started
 * before its call (the shared call starts after every call it serves), so results stay as fresh
 * as one call per caller. Under load it costs two calls per round trip instead of one per caller:
 * the PostgreSQL store's reads (64 `notify` of one event at once), the SQLite queue's WAL syncs
 * (every commit made while a sync runs is on disk after the next one). Callers that change the
 * shared result must copy it first.
 *
 * @example
 * const readRows = coalesceCalls((key: string) => sql`select ... where key = ${key}`)
 * const [a, b] = await Promise.all([readRows('x'), readRows('x')]) // one query
 */
export function coalesceCalls<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const lines = new Map<string, Line<T>>()

  function launch(key: string, line: Line<T>): Promise<T> {
    const running: Promise<T> = read(key).finally(() => {
      if (line.running !== running) return
      line.running = null
      if (!line.next) lines.delete(key)
    })
    line.running = running
    return running
  }

  return (key) => {
    let line = lines.get(key)
    if (!line) {
      line = { running: null, next: null }
      lines.set(key, line)
    }
    if (line.next) return line.next
    if (!line.running) return launch(key, line)
    const current = line
    current.next = line.running.then(ignore, ignore).then(() => {
      current.next = null
      return launch(key, current)
    })
    return current.next
  }
}
