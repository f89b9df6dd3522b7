import { describe, expect, it } from 'vitest'
import { targetJudge } from '../ssrf/judge-target'
import { job, subscription } from '../testing/factories'
import type { Dispatch } from './flight'
import { HostLines, type HostLinesOptions } from './host-lines'

const judge = targetJudge(true)

/** A job for a subscription at `http://{host}/hook`. */
function entry(host: string, subscriptionId = `sub_${host}`): Dispatch {
  const target_url = `http://${host}/hook`
  return {
    job: job(0, { subscription_id: subscriptionId }),
    subscription: subscription({ id: subscriptionId, target_url }),
    target: judge(target_url),
  }
}

/** Lines whose put-backs are recorded as `[host, until]`. */
function hostLines(options: Omit<HostLinesOptions, 'putBack'>) {
  const putBack: Array<[string, number]> = []
  const lines = new HostLines({
    ...options,
    putBack: (dispatch, until) => putBack.push([dispatch.target.host, until]),
  })
  const started: Dispatch[] = []
  /** Admits `count` jobs for `host` at `now`, returning the admissions. */
  const admit = (host: string, count: number, now = 0) =>
    Array.from({ length: count }, () => {
      const dispatch = entry(host)
      const admission = lines.admit(dispatch, now)
      if (admission === 'start') started.push(dispatch)
      return admission
    })
  /** Ends the oldest attempt in flight to `host` at `now`; its slot goes to the next in line. */
  const finish = (host: string, now: number) => {
    const at = started.findIndex((d) => d.target.host === host)
    const [done] = started.splice(at, 1)
    lines.release(done as Dispatch, now, (next) => started.push(next))
  }
  return { lines, putBack, started, admit, finish }
}

describe('HostLines', () => {
  it('starts jobs until the host has perHost in flight, then lines them up', () => {
    const { lines, admit } = hostLines({ global: 64, perHost: 2 })
    expect(admit('a', 3)).toEqual(['start', 'start', 'wait'])
    expect(lines).toMatchObject({ inFlight: 2, waiting: 1 })
    expect(lines.activeOn('a')).toBe(2)
  })

  it('keeps a job behind its host line even when a slot is free (order within a host)', () => {
    const { lines, admit, started } = hostLines({ global: 1, perHost: 8 })
    expect(admit('a', 2)).toEqual(['start', 'wait'])
    lines.release(started.shift() as Dispatch, 0, null)
    expect(admit('a', 1)).toEqual(['wait'])
  })

  it('lines up no more than perHost for a host never seen to answer, and puts the rest back', () => {
    const { admit, putBack } = hostLines({ global: 64, perHost: 2 })
    expect(admit('a', 5)).toEqual(['start', 'start', 'wait', 'wait', 'put-back'])
    expect(putBack).toEqual([['a', 250]])
  })

  it('keeps a fast host’s overflow in memory: its line holds what it answers in a second', () => {
    const { lines, admit, finish, putBack } = hostLines({ global: 64, perHost: 8 })
    admit('a', 8)
    for (let i = 0; i < 8; i++) finish('a', 2) // 2 ms each
    admit('a', 8, 2) // in flight again
    // 8 attempts of 2 ms: 4,000 a second fit the line, more than the engine ever holds.
    expect(lines.lineLimit('a', 2)).toBe(4000)
    expect(admit('a', 120, 2).every((admission) => admission === 'wait')).toBe(true)
    expect(putBack).toEqual([])
  })

  it('shortens the line of a slow host to what it answers in a second', () => {
    const { lines, admit, finish } = hostLines({ global: 64, perHost: 2 })
    admit('a', 2)
    finish('a', 250)
    finish('a', 250)
    expect(lines.lineLimit('a', 250)).toBe(8) // 2 at a time, 250 ms each
    admit('a', 2, 250)
    expect(admit('a', 9, 250).filter((a) => a === 'put-back')).toHaveLength(1)
  })

  it('judges a hanging host by its oldest attempt in flight, and trims its line', () => {
    const { lines, admit, finish, putBack } = hostLines({ global: 64, perHost: 2 })
    admit('a', 2)
    finish('a', 1)
    finish('a', 1)
    admit('a', 2, 1) // these two hang
    expect(admit('a', 100, 1).every((admission) => admission === 'wait')).toBe(true)
    // Younger than a second: no verdict yet (it may be this process that is busy).
    expect(lines.trim(500)).toBe(0)
    expect(lines.trim(1001)).toBe(98) // a second old: perHost fit
    expect(lines.waiting).toBe(2)
    expect(putBack).toHaveLength(98)
  })

  it('trims by the average of a host that slowed down, booking the excess in line order', () => {
    const { lines, admit, finish, putBack } = hostLines({ global: 64, perHost: 2 })
    admit('a', 2)
    finish('a', 1)
    finish('a', 1)
    expect(admit('a', 2 + 40, 1).filter((a) => a === 'wait')).toHaveLength(40)
    finish('a', 801) // 800 ms: the average jumps to 100 ms, 20 fit
    finish('a', 801)
    expect(lines.lineLimit('a', 801)).toBeLessThan(40)
    const limit = lines.lineLimit('a', 801)
    expect(lines.trim(801)).toBe(38 - limit)
    expect(putBack).toHaveLength(38 - limit)
    // The oldest of the excess is due first, one slot after another once the line has drained,
    // the rest at the end of the first horizon (2 s ahead).
    const dues = putBack.map(([, until]) => until)
    expect(dues).toEqual([...dues].sort((x, y) => x - y))
    expect(dues[1]).toBeGreaterThan(dues[0] as number)
    expect(dues.at(-1)).toBe(801 + 2000)
  })

  it('puts a saturated host back with a back-off that doubles while it stays saturated', () => {
    const { admit, putBack } = hostLines({ global: 64, perHost: 1, backOff: { min: 10, max: 40 } })
    admit('a', 2) // one in flight, one waiting: the line is full at perHost
    for (const now of [0, 5, 10, 30, 70]) admit('a', 1, now)
    expect(putBack.map(([, until]) => until)).toEqual([10, 10, 30, 70, 110])
  })

  it('books a slow host’s overflow at its pace, after its line would have drained', () => {
    const { admit, finish, putBack } = hostLines({ global: 64, perHost: 2 })
    admit('a', 2)
    finish('a', 250)
    finish('a', 250) // 2 at a time, 250 ms each: a slot frees every 125 ms, 8 fit the line
    admit('a', 2, 250)
    expect(admit('a', 8, 250).every((a) => a === 'wait')).toBe(true)
    expect(admit('a', 10, 250).every((a) => a === 'put-back')).toBe(true)
    // The line drains by 1,250; then one job a slot, up to the first horizon (2 s ahead).
    expect(putBack.map(([, until]) => until)).toEqual([
      1250, 1375, 1500, 1625, 1750, 1875, 2000, 2125, 2250, 2250,
    ])
  })

  it('forgets the back-off once the host has caught up, and books by its pace once known', () => {
    const { admit, finish, putBack } = hostLines({ global: 64, perHost: 1 })
    admit('a', 2)
    admit('a', 1, 0) // put back until 250
    admit('a', 1, 250) // the horizon doubles: until 750
    finish('a', 1500) // 1.5 s: the waiting one starts, its line is empty, what it put back due
    expect(admit('a', 2, 1500)).toEqual(['wait', 'put-back'])
    // A fresh booking: one slot after its line of one drains. Going on, it would end at 2,500.
    expect(putBack.map(([, until]) => until)).toEqual([250, 750, 3000])
  })

  it('books two lines’ wait ahead once a saturated host has a pace, not its short first horizon', () => {
    const { admit, finish, putBack } = hostLines({ global: 64, perHost: 2 })
    admit('a', 4) // two in flight, two waiting (never seen to answer)
    admit('a', 1, 0) // put back until 250
    finish('a', 300) // 300 ms: a pace; still saturated (one waits)
    expect(admit('a', 5, 300).every((a) => a === 'wait')).toBe(true) // a line of 6 now
    admit('a', 10, 300)
    // Its line drains by 1,200; then a slot (150 ms) apart, up to 2 s ahead (doubling 250 ms
    // would have stopped at 800).
    expect(putBack.map(([, until]) => until)).toEqual([
      250, 1200, 1350, 1500, 1650, 1800, 1950, 2100, 2250, 2300, 2300,
    ])
  })

  it('keeps the back-off while jobs it put back are not yet due, though its line emptied', () => {
    const { admit, finish, putBack } = hostLines({ global: 64, perHost: 1 })
    admit('a', 2)
    for (const now of [0, 250, 750]) admit('a', 1, now) // the last until 1,750
    finish('a', 1000) // 1 s: the waiting one starts and its line is empty, but 1,750 is ahead
    expect(admit('a', 2, 1000)).toEqual(['wait', 'put-back'])
    // Still the horizon that ends at 1,750, not a fresh one (which would book it at 2,000).
    expect(putBack.map(([, until]) => until)).toEqual([250, 750, 1750, 1750])
  })

  it('forgets the back-off of caught-up hosts once it remembers 10,000, as it does paces', () => {
    const { lines, admit, putBack } = hostLines({ global: 100_000, perHost: 1 })
    for (let i = 0; i < 10_000; i++) admit(`h${i}.test`, 3) // start, wait, put back
    // Their waiting jobs are taken away (as a cancel would): no attempt ends to tell they caught up.
    lines.drain()
    admit('new.test', 3, 1000) // the 10,001st: caught-up hosts are forgotten
    expect(admit('h0.test', 2, 1000)).toEqual(['wait', 'put-back'])
    // A fresh horizon (250 ms), not the one that began at 0 and would double to 500 ms.
    expect(putBack.at(-1)).toEqual(['h0.test', 1250])
  })

  it('hands freed global slots to hosts in turn, skipping a host at its limit', () => {
    const { lines, admit, finish, started } = hostLines({ global: 2, perHost: 1 })
    admit('a', 1)
    admit('b', 1)
    admit('a', 1)
    admit('c', 1)
    // a's slot frees: a's next takes it, and a is at its limit again, so c waits for the next.
    finish('a', 1)
    expect(started.map((d) => d.target.host)).toEqual(['b', 'a'])
    finish('b', 1)
    expect(started.map((d) => d.target.host)).toEqual(['a', 'c'])
    expect(lines).toMatchObject({ inFlight: 2, waiting: 0 })
  })

  it('starts nothing on release while closing', () => {
    const { lines, admit, started } = hostLines({ global: 1, perHost: 1 })
    admit('a', 2)
    lines.release(started[0] as Dispatch, 0, null)
    expect(lines).toMatchObject({ inFlight: 0, waiting: 1 })
    expect(lines.drain()).toHaveLength(1)
    expect(lines.waiting).toBe(0)
  })

  it('cancels the waiting jobs of one subscription only', () => {
    const lines = new HostLines({ global: 1, perHost: 1, putBack: () => {} })
    lines.admit(entry('a', 'sub_1'), 0)
    lines.admit(entry('a', 'sub_1'), 0)
    lines.admit(entry('b', 'sub_2'), 0)
    expect(lines.cancel('sub_1')).toHaveLength(1)
    expect(lines.waiting).toBe(1)
    expect(lines.drain().map((d) => d.job.subscription_id)).toEqual(['sub_2'])
  })
})
