/** Most ids an appended-to chunk holds before a new one starts; a split chunk holds half. */
const CHUNK = 512

/**
 * Ids in ascending order, held in chunks of at most 1,024 (appends fill chunks of 512). Ids are
 * monotonic, so inserting is almost always an append to the last chunk; a lookup is a binary
 * search over the chunks, then within one.
 *
 * Why chunks, not one array: a garbage collector that re-scans each container written since its
 * last young collection (JavaScriptCore, Bun's engine) re-scans one small chunk per append, not
 * an array of every subscription of an owner.
 *
 * @example
 * const ids = new SortedIdList()
 * ids.insert('sub_01JB8X6T3QH6W2Y9V4KZP7M5RC')
 * ids.below(undefined, 50) // newest first
 */
export class SortedIdList {
  private readonly chunks: string[][] = []
  private count = 0

  /** How many ids it holds. */
  get size(): number {
    return this.count
  }

  /** Adds `id` in order; an id already present is not added again. */
  insert(id: string): void {
    const chunks = this.chunks
    const last = chunks[chunks.length - 1]
    if (last === undefined || (last[last.length - 1] as string) < id) {
      if (last === undefined || last.length >= CHUNK) chunks.push([id])
      else last.push(id)
      this.count++
      return
    }
    const c = this.chunkFor(id)
    const chunk = chunks[c] as string[]
    const at = lowerBound(chunk, id)
    if (chunk[at] === id) return
    chunk.splice(at, 0, id)
    this.count++
    if (chunk.length > 2 * CHUNK) chunks.splice(c + 1, 0, chunk.splice(CHUNK))
  }

  /** Removes `id`; `false` if it was not there. */
  remove(id: string): boolean {
    const chunks = this.chunks
    const c = this.chunkFor(id)
    const chunk = chunks[c]
    if (chunk === undefined) return false
    const at = lowerBound(chunk, id)
    if (chunk[at] !== id) return false
    chunk.splice(at, 1)
    if (chunk.length === 0) chunks.splice(c, 1)
    this.count--
    return true
  }

  /** Calls `visit` with every id, in ascending order. */
  forEach(visit: (id: string) => void): void {
    for (const chunk of this.chunks) for (const id of chunk) visit(id)
  }

  /**
   * Up to `limit` ids below `cursor` (all ids without one), newest first, and whether any id
   * is left below the last of them.
   */
  below(cursor: string | undefined, limit: number): { ids: string[]; more: boolean } {
    const chunks = this.chunks
    let c: number
    let i: number
    if (cursor === undefined) {
      c = chunks.length - 1
      i = (chunks[c]?.length ?? 0) - 1
    } else {
      c = this.chunkFor(cursor)
      i = c < chunks.length ? lowerBound(chunks[c] as string[], cursor) - 1 : -1
      // Past every chunk's end: the cursor is above every id.
      if (c === chunks.length) {
        c = chunks.length - 1
        i = (chunks[c]?.length ?? 0) - 1
      }
    }
    const ids: string[] = []
    for (; c >= 0; c--, i = (chunks[c]?.length ?? 0) - 1) {
      const chunk = chunks[c] as string[]
      for (; i >= 0; i--) {
        if (ids.length === limit) return { ids, more: true }
        ids.push(chunk[i] as string)
      }
    }
    return { ids, more: false }
  }

  /** The first chunk whose last id is `>= id`, or the number of chunks when there is none. */
  private chunkFor(id: string): number {
    const chunks = this.chunks
    let low = 0
    let high = chunks.length
    while (low < high) {
      const mid = (low + high) >>> 1
      const chunk = chunks[mid] as string[]
      if ((chunk[chunk.length - 1] as string) < id) low = mid + 1
      else high = mid
    }
    return low
  }
}

/** The first index whose id is `>= id`. */
function lowerBound(ids: readonly string[], id: string): number {
  let low = 0
  let high = ids.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((ids[mid] as string) < id) low = mid + 1
    else high = mid
  }
  return low
}
