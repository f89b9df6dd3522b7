import { describe, expect, it } from 'vitest'
import type { DeliveryJob } from '../queue/delivery-queue'
import { job } from '../testing/factories'
import { manualClock } from '../testing/manual-clock'
import { createClaimLoop } from './claim-loop'

/** A queue of `due` jobs (all due now) that records each claim's limit; `fail` makes claims throw. */
function fakeQueue(due: number, nextDueAt: number | null = null) {
  const claims: number[] = []
  const state = { due, nextDueAt, fail: false }
  return {
    claims,
    state,
    async claim(_now: number, limit: number): Promise<DeliveryJob[]> {
      if (state.fail) throw new Error('database down')
      claims.push(limit)
      const count = Math.min(limit, state.due)
      state.due -= count
      return Array.from({ length: count }, () => job(0))
    },
    async nextDueAt() {
      return state.due > 0 ? 0 : state.nextDueAt
    },
  }
}

/** Lets pending promises and macrotasks (a 0 ms timer) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5))

function setup(queue: ReturnType<typeof fakeQueue>, globalLimit = 4) {
  const clock = manualClock(0)
  const held: DeliveryJob[] = []
  const loop = createClaimLoop({
    queue,
    clock,
    leaseMs: 60_000,
    globalLimit,
    held: () => held.length,
    dispatch: (jobs) => held.push(...jobs),
  })
  return { clock, held, loop }
}

describe('createClaimLoop', () => {
  it('claims up to two global limits of jobs, then holds until room frees', async () => {
    const queue = fakeQueue(100)
    const { held, loop } = setup(queue, 4)
    loop.start()
    await settle()
    expect(held).toHaveLength(8)
    expect(queue.claims).toEqual([8])
    loop.stop()
  })

  it('claims again only when a whole batch fits or a slot is idle', async () => {
    const queue = fakeQueue(100)
    const { held, loop } = setup(queue, 4)
    loop.start()
    await settle()
    held.splice(0, 1) // one done: 7 held, room 1 < half a limit, no slot idle
    loop.wake()
    await settle()
    expect(queue.claims).toEqual([8])
    held.splice(0, 1) // 6 held: room 2, a batch
    loop.wake()
    await settle()
    expect(queue.claims).toEqual([8, 2])
    loop.stop()
  })

  it('sleeps until the next due time on the clock, then claims', async () => {
    const queue = fakeQueue(0, 5_000)
    const { clock, held, loop } = setup(queue)
    loop.start()
    await settle()
    expect(queue.claims).toEqual([8])
    queue.state.due = 3
    queue.state.nextDueAt = null
    await clock.advance(4_999)
    await settle()
    expect(held).toHaveLength(0)
    await clock.advance(1)
    await settle()
    expect(held).toHaveLength(3)
    loop.stop()
  })

  it('tries again a second after a queue error', async () => {
    const queue = fakeQueue(2)
    queue.state.fail = true
    const { clock, held, loop } = setup(queue)
    loop.start()
    await settle()
    expect(held).toHaveLength(0)
    queue.state.fail = false
    await clock.advance(999)
    await settle()
    expect(held).toHaveLength(0)
    await clock.advance(1)
    await settle()
    expect(held).toHaveLength(2)
    loop.stop()
  })

  it('claims nothing once stopped, not even when its timer was due', async () => {
    const queue = fakeQueue(0, 1_000)
    const { clock, loop } = setup(queue)
    loop.start()
    await settle()
    loop.stop()
    queue.state.due = 5
    await clock.advance(1_000)
    loop.wake()
    await settle()
    expect(queue.claims).toEqual([8])
    expect(loop.running).toBe(false)
  })
})
