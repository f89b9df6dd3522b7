import { describe, expect, it } from 'vitest'
import { before as precedes } from './timed-heap'
import { createTimeline, type TimelineItem } from './timeline'

/** A deterministic pseudo-random sequence (xorshift), so a failure replays. */
function random(seed: number) {
  let x = seed
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

const item = (at: number, seq: number): TimelineItem => ({ at, seq, index: 0, inRun: false })

describe('createTimeline', () => {
  it('hands out items in (at, seq) order, from the run and the heap alike', () => {
    const timeline = createTimeline<TimelineItem>()
    for (const [at, seq] of [
      [5, 1],
      [5, 2],
      [3, 3],
      [7, 4],
      [5, 5],
      [9, 6],
    ] as const) {
      timeline.push(item(at, seq), true)
    }
    const out: number[] = []
    for (let next = timeline.pop(); next; next = timeline.pop()) out.push(next.seq)
    expect(out).toEqual([3, 1, 2, 5, 4, 6])
    expect(timeline.size()).toBe(0)
  })

  it('keeps the order under random pushes, pops and removals, past compaction', () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed)
      const timeline = createTimeline<TimelineItem>()
      const model: TimelineItem[] = []
      let seq = 0
      let now = 0
      for (let step = 0; step < 20_000; step++) {
        const roll = next()
        if (roll < 0.5) {
          // Mostly due now (the run), sometimes late or early (the heap).
          now += next() < 0.5 ? 1 : 0
          const at = next() < 0.9 ? now : now + Math.floor(next() * 50) - 25
          const added = item(at, ++seq)
          timeline.push(added, next() < 0.95)
          model.push(added)
        } else if (roll < 0.85) {
          model.sort((a, b) => (precedes(a, b) ? -1 : 1))
          expect(timeline.peek()).toBe(model[0])
          expect(timeline.pop()).toBe(model.shift())
        } else if (model.length > 0) {
          const [removed] = model.splice(Math.floor(next() * model.length), 1)
          timeline.remove(removed as TimelineItem)
        }
        expect(timeline.size()).toBe(model.length)
      }
      model.sort((a, b) => (precedes(a, b) ? -1 : 1))
      for (const expected of model) expect(timeline.pop()).toBe(expected)
      expect(timeline.pop()).toBeUndefined()
    }
  })

  it('takes an item moved to an earlier time back in order', () => {
    const timeline = createTimeline<TimelineItem>()
    const [a, b, c] = [item(5, 1), item(6, 2), item(7, 3)]
    for (const added of [a, b, c]) timeline.push(added, true)
    timeline.remove(c)
    c.at = 1
    timeline.push(c, false)
    const later = item(2, 4)
    timeline.push(later, true) // sorts before the run's tail: must not join the run
    expect([timeline.pop(), timeline.pop(), timeline.pop(), timeline.pop()]).toEqual([
      c,
      later,
      a,
      b,
    ])
  })
})
