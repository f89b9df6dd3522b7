import { before, createTimedHeap, type Timed } from './timed-heap'

/** An item of a {@link Timeline}: a {@link Timed} that records which part holds it. */
export interface TimelineItem extends Timed {
  /** In the in-order run (`index` is its absolute slot there) rather than the heap. */
  inRun: boolean
}

/** Items by (`at`, `seq`), earliest first. */
export interface Timeline<T extends TimelineItem> {
  peek(): T | undefined
  /** Adds an item; `append` lets it join the in-order run when it sorts after the run's tail. */
  push(item: T, append: boolean): void
  pop(): T | undefined
  remove(item: T): void
  size(): number
}

/** Below this many dead slots (consumed or removed) the run is not compacted. */
const MIN_COMPACT = 1024

/**
 * A priority queue for a backlog that mostly arrives in due order: fresh jobs are due now, and
 * now only grows. Items that sort after the last one of an in-order run are appended to it, O(1)
 * to add and to take; the rest (retries, times out of order) go to a heap. The earliest item is
 * the earlier of the run's head and the heap's top. Taking or removing an item from the run
 * leaves a hole that is skipped; holes are dropped in bulk once they are most of the run, so a
 * run whose items leave out of order (leases completing) stays O(1) per item too.
 *
 * @example
 * const timeline = createTimeline<TimelineItem>()
 * timeline.push({ at: 5, seq: 1, index: 0, inRun: false }, true)
 * timeline.pop()?.at // 5
 */
export function createTimeline<T extends TimelineItem>(): Timeline<T> {
  const heap = createTimedHeap<T>()
  let run: (T | undefined)[] = []
  let head = 0 // the first slot of `run` that may hold an item
  let inRun = 0
  // Where the last item appended to the run sorted (kept as numbers: that item may move since).
  let tailAt = Number.NEGATIVE_INFINITY
  let tailSeq = Number.NEGATIVE_INFINITY

  function runHead(): T | undefined {
    while (head < run.length && run[head] === undefined) head++
    if (head === run.length && head > 0) {
      run = []
      head = 0
      tailAt = Number.NEGATIVE_INFINITY
      tailSeq = Number.NEGATIVE_INFINITY
    }
    return run[head]
  }

  /** Drops consumed slots and holes once they are most of the run: O(1) per item, amortized. */
  function compact() {
    const dead = run.length - inRun
    if (dead < MIN_COMPACT || dead < inRun) return
    const live: T[] = []
    for (let i = head; i < run.length; i++) {
      const item = run[i]
      if (item) {
        item.index = live.length
        live.push(item)
      }
    }
    run = live
    head = 0
  }

  function takeFromRun(item: T) {
    run[item.index] = undefined
    item.inRun = false
    inRun--
    compact()
  }

  function peek(): T | undefined {
    const first = runHead()
    const top = heap.peek()
    if (!first) return top
    return top && before(top, first) ? top : first
  }

  return {
    peek,

    push(item, append) {
      if (append && (item.at > tailAt || (item.at === tailAt && item.seq > tailSeq))) {
        item.inRun = true
        item.index = run.length
        run.push(item)
        tailAt = item.at
        tailSeq = item.seq
        inRun++
      } else {
        item.inRun = false
        heap.push(item)
      }
    },

    pop() {
      const first = peek()
      if (!first) return undefined
      if (first.inRun) takeFromRun(first)
      else heap.pop()
      return first
    },

    remove(item) {
      if (item.inRun) takeFromRun(item)
      else heap.remove(item)
    },

    size: () => heap.size() + inRun,
  }
}
