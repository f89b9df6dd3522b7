import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../testing/manual-clock'
import { createMessagePruner, DEFAULT_MESSAGE_RETENTION_MS } from './message-pruner'

const MINUTE = 60_000
const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop()
})

/** A message log whose `prune` answers from `batches` (then 0) and records each call. */
function recordingLog(batches: number[] = []) {
  const calls: Array<{ before: number; limit: number }> = []
  let running = 0
  let overlapped = false
  let hold: Promise<void> | null = null
  return {
    calls,
    overlapped: () => overlapped,
    /** Makes the next prunes wait for `gate`. */
    holdOn(gate: Promise<void>) {
      hold = gate
    },
    async prune(before: number, limit: number) {
      calls.push({ before, limit })
      running++
      if (running > 1) overlapped = true
      try {
        if (hold) await hold
        return batches.shift() ?? 0
      } finally {
        running--
      }
    },
  }
}

function start(queue: ReturnType<typeof recordingLog>, retentionMs = DEFAULT_MESSAGE_RETENTION_MS) {
  const clock = manualClock(1_000_000_000_000)
  const pruner = createMessagePruner({ queue, clock, retentionMs })
  pruner.start()
  stops.push(() => pruner.stop())
  return { clock, pruner }
}

describe('createMessagePruner', () => {
  it('prunes what is older than the retention every minute, 1000 at a time', async () => {
    const queue = recordingLog()
    const { clock } = start(queue, 30 * 24 * 60 * MINUTE)

    await clock.advance(MINUTE - 1)
    expect(queue.calls).toEqual([])
    await clock.advance(1)
    expect(queue.calls).toEqual([{ before: clock.now() - 30 * 24 * 60 * MINUTE, limit: 1000 }])
    await clock.advance(MINUTE)
    expect(queue.calls).toHaveLength(2)
  })

  it('keeps going while a batch was full, then waits for the next minute', async () => {
    const queue = recordingLog([1000, 1000, 7])
    const { clock } = start(queue, MINUTE)

    await clock.advance(MINUTE)
    // The batches after the first run on their own (a yield between each, no clock advance).
    await until(() => queue.calls.length === 3)
    await clock.advance(MINUTE - 1)
    expect(queue.calls).toHaveLength(3)
    await clock.advance(1)
    expect(queue.calls).toHaveLength(4)
  })

  it('never overlaps a prune still running, however long it takes', async () => {
    const queue = recordingLog()
    let release = () => {}
    queue.holdOn(new Promise((resolve) => (release = resolve)))
    const { clock } = start(queue)

    await clock.advance(10 * MINUTE)
    expect(queue.calls).toHaveLength(1)
    expect(clock.pending()).toBe(0)
    release()
    // The next minute is counted from when the slow prune ended.
    await until(() => clock.pending() === 1)
    await clock.advance(MINUTE)
    expect(queue.calls).toHaveLength(2)
    expect(queue.overlapped()).toBe(false)
  })

  it('stops on stop(), waiting for the batch under way', async () => {
    const queue = recordingLog([1000, 1000, 1000])
    let release = () => {}
    queue.holdOn(new Promise((resolve) => (release = resolve)))
    const { clock, pruner } = start(queue)

    await clock.advance(MINUTE)
    let stopped = false
    const stopping = pruner.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(stopped).toBe(false)
    release()
    await stopping
    // The full batch does not start another once stopped, nor does the clock.
    await clock.advance(10 * MINUTE)
    expect(queue.calls).toHaveLength(1)
    expect(clock.pending()).toBe(0)
  })

  it('tries again the next minute after an error', async () => {
    let calls = 0
    const clock = manualClock(0)
    const pruner = createMessagePruner({
      queue: {
        async prune() {
          calls++
          throw new Error('database down')
        },
      },
      clock,
      retentionMs: MINUTE,
    })
    pruner.start()
    stops.push(() => pruner.stop())

    await clock.advance(3 * MINUTE)
    expect(calls).toBe(3)
  })
})

/** Waits (in macrotasks, at most a second) until `done()`. */
async function until(done: () => boolean) {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 1))
  expect(done()).toBe(true)
}
