import { describe, expect, it } from 'vitest'
import { memoryDedupe } from './memory-dedupe'

const clock = () => {
  let time = 0
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms
    },
  }
}

describe('memoryDedupe', () => {
  it('claims a new id once, reports it in flight, then done after completion', () => {
    const dedupe = memoryDedupe()
    expect(dedupe.claim('msg_a')).toBe('claimed')
    expect(dedupe.claim('msg_a')).toBe('in_flight')
    dedupe.complete('msg_a')
    expect(dedupe.claim('msg_a')).toBe('done')
  })

  it('forgets a released claim so a retry runs again', () => {
    const dedupe = memoryDedupe()
    dedupe.claim('msg_a')
    dedupe.release('msg_a')
    expect(dedupe.claim('msg_a')).toBe('claimed')
  })

  it('forgets a handled id after the ttl', () => {
    const time = clock()
    const dedupe = memoryDedupe({ ttlMs: 1000, now: time.now })
    dedupe.claim('msg_a')
    dedupe.complete('msg_a')
    time.advance(999)
    expect(dedupe.claim('msg_a')).toBe('done')
    time.advance(1)
    expect(dedupe.claim('msg_a')).toBe('claimed')
  })

  it('lets an in-flight claim expire so a hung handler does not block its id forever', () => {
    const time = clock()
    const dedupe = memoryDedupe({ ttlMs: 1000, now: time.now })
    dedupe.claim('msg_a')
    time.advance(1000)
    expect(dedupe.claim('msg_a')).toBe('claimed')
  })

  it('remembers a handled id for the whole ttl, however many others arrive meanwhile', () => {
    const time = clock()
    const dedupe = memoryDedupe({ now: time.now })
    dedupe.claim('msg_replayed')
    dedupe.complete('msg_replayed')
    for (let i = 0; i < 10_001; i++) {
      dedupe.claim(`msg_${i}`)
      dedupe.complete(`msg_${i}`)
    }
    time.advance(299_000)
    expect(dedupe.claim('msg_replayed')).toBe('done')
  })

  it('forgets the oldest ids beyond max', () => {
    const dedupe = memoryDedupe({ max: 2 })
    for (const id of ['msg_a', 'msg_b', 'msg_c']) {
      dedupe.claim(id)
      dedupe.complete(id)
    }
    expect(dedupe.claim('msg_a')).toBe('claimed')
    expect(dedupe.claim('msg_c')).toBe('done')
  })
})
