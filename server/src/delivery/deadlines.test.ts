import { describe, expect, it } from 'vitest'
import { manualClock } from '../testing/manual-clock'
import { createDeadlines } from './deadlines'

const target = () => {
  const aborted: number[] = []
  let n = 0
  return {
    aborted,
    make: () => {
      const id = ++n
      return { abort: () => aborted.push(id) }
    },
  }
}

describe('createDeadlines', () => {
  it('aborts each target once its time has passed, oldest first, on one timer', async () => {
    const clock = manualClock(1000)
    const deadlines = createDeadlines(clock, 100)
    const { aborted, make } = target()
    deadlines.start(make())
    await clock.advance(40)
    deadlines.start(make())
    expect(clock.pending()).toBe(1)
    await clock.advance(59)
    expect(aborted).toEqual([])
    await clock.advance(1)
    expect(aborted).toEqual([1])
    await clock.advance(40)
    expect(aborted).toEqual([1, 2])
    expect(deadlines.size).toBe(0)
    expect(clock.pending()).toBe(0)
  })

  it('never aborts a target whose deadline was cancelled, and disarms when none is left', async () => {
    const clock = manualClock()
    const deadlines = createDeadlines(clock, 100)
    const { aborted, make } = target()
    const first = deadlines.start(make())
    const second = deadlines.start(make())
    deadlines.cancel(first)
    deadlines.cancel(first)
    expect(deadlines.size).toBe(1)
    await clock.advance(100)
    expect(aborted).toEqual([2])
    deadlines.cancel(second)
    const third = deadlines.start(make())
    deadlines.cancel(third)
    expect(clock.pending()).toBe(0)
    await clock.advance(1000)
    expect(aborted).toEqual([2])
  })
})
