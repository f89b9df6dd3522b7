/** What {@link createTimedHeap} orders: a time, a tie-break, and the slot it keeps current. */
export interface Timed {
  /** When it is due, in ms. */
  at: number
  /** Breaks ties between equal times (lower first): the insertion order. */
  seq: number
  /** Its position in the structure holding it, maintained by that structure. */
  index: number
}

/** A binary min-heap by (`at`, `seq`); each item knows its index, so removal is O(log n). */
export interface TimedHeap<T extends Timed> {
  peek(): T | undefined
  push(item: T): void
  pop(): T | undefined
  remove(item: T): void
  size(): number
}

/** True when `a` is due before `b`. */
export const before = (a: Timed, b: Timed): boolean =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq)

/**
 * A min-heap of {@link Timed} items. Ties compare numbers, not ids: comparing ids (long strings
 * that share their time prefix) made deep heaps of same-millisecond jobs several times slower.
 *
 * @example
 * const heap = createTimedHeap<Timed>()
 * heap.push({ at: 5, seq: 1, index: 0 })
 * heap.pop()?.at // 5
 */
export function createTimedHeap<T extends Timed>(): TimedHeap<T> {
  const items: T[] = []

  function place(item: T, index: number) {
    items[index] = item
    item.index = index
  }

  function up(index: number) {
    const item = items[index] as T
    let i = index
    while (i > 0) {
      const parentIndex = (i - 1) >> 1
      const parent = items[parentIndex] as T
      if (!before(item, parent)) break
      place(parent, i)
      i = parentIndex
    }
    place(item, i)
  }

  function down(index: number) {
    const item = items[index] as T
    let i = index
    for (;;) {
      const left = 2 * i + 1
      if (left >= items.length) break
      const right = left + 1
      const child =
        right < items.length && before(items[right] as T, items[left] as T) ? right : left
      const smallest = items[child] as T
      if (!before(smallest, item)) break
      place(smallest, i)
      i = child
    }
    place(item, i)
  }

  /** Restores the order after `item` moved to another slot. */
  function fix(item: T) {
    up(item.index)
    down(item.index)
  }

  function remove(item: T) {
    const last = items.pop() as T
    if (last !== item) {
      place(last, item.index)
      fix(last)
    }
  }

  return {
    peek: () => items[0],
    push(item) {
      place(item, items.length)
      up(item.index)
    },
    pop() {
      const top = items[0]
      if (top) remove(top)
      return top
    },
    remove,
    size: () => items.length,
  }
}
