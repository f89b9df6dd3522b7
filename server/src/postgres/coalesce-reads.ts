interface Line<T> {
  running: Promise<T> | null
  next: Promise<T> | null
}

const ignore = () => {}

/**
 * Shares identical reads: while the query for a key is on the wire, every further call with that
 * key waits for it to finish and then shares ONE new query. A caller never gets rows read before
 * its call (the shared query starts after every call it serves), so reads stay as fresh as one
 * query per call; under load (64 `notify` of one event at once) it costs two queries per round
 * trip instead of 64. Each caller maps the shared rows itself, so no two get the same objects.
 *
 * @example
 * const readRows = coalesceReads((key: string) => sql`select ... where key = ${key}`)
 * const [a, b] = await Promise.all([readRows('x'), readRows('x')]) // one query
 */
export function coalesceReads<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
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
