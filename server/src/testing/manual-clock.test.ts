import { describe, expect, it } from 'vitest'
import { manualClock } from './manual-clock'

describe('manualClock', () => {
  it('stands still until advanced', async () => {
    const clock = manualClock(1000)
    expect(clock.now()).toBe(1000)
    await clock.advance(250)
    expect(clock.now()).toBe(1250)
  })

  it('fires due timers in time order, each at its own time', async () => {
    const clock = manualClock()
    const fired: string[] = []
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 20)
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 10)
    clock.setTimer(() => fired.push(`c@${clock.now()}`), 30)
    await clock.advance(25)
    expect(fired).toEqual(['a@10', 'b@20'])
    expect(clock.pending()).toBe(1)
    await clock.advance(5)
    expect(fired).toEqual(['a@10', 'b@20', 'c@30'])
  })

  it('fires timers of the same time in the order they were set', async () => {
    const clock = manualClock()
    const fired: number[] = []
    for (let i = 0; i < 5; i++) clock.setTimer(() => fired.push(i), 100)
    await clock.advance(100)
    expect(fired).toEqual([0, 1, 2, 3, 4])
  })

  it('fires a timer set by a timer when it falls due within the same advance', async () => {
    const clock = manualClock()
    const fired: number[] = []
    clock.setTimer(() => {
      fired.push(clock.now())
      clock.setTimer(() => fired.push(clock.now()), 10)
    }, 10)
    await clock.advance(30)
    expect(fired).toEqual([10, 20])
  })

  it('never fires a cancelled timer', async () => {
    const clock = manualClock()
    let fired = false
    const cancel = clock.setTimer(() => {
      fired = true
    }, 10)
    cancel()
    await clock.advance(100)
    expect(fired).toBe(false)
    expect(clock.pending()).toBe(0)
  })

  it('lets async work started by a timer run before the next one fires', async () => {
    const clock = manualClock()
    const log: string[] = []
    clock.setTimer(async () => {
      await Promise.resolve()
      log.push('first done')
    }, 10)
    clock.setTimer(() => log.push('second'), 20)
    await clock.advance(20)
    expect(log).toEqual(['first done', 'second'])
  })

  it('runs a timer due now on the next macrotask without an advance', async () => {
    const clock = manualClock()
    const fired = new Promise<number>((resolve) => clock.setTimer(() => resolve(clock.now()), 0))
    expect(await fired).toBe(0)
  })
})
