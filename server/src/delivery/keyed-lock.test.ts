import { describe, expect, it } from 'vitest'
import { createKeyedLock } from './keyed-lock'

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** A section that logs `name in`, waits a tick, then logs `name out`. */
const logging = (log: string[], name: string) => async () => {
  log.push(`${name} in`)
  await tick()
  log.push(`${name} out`)
}

describe('createKeyedLock', () => {
  it('runs sections of one key one after another, in call order', async () => {
    const lock = createKeyedLock()
    const log: string[] = []
    await Promise.all([lock('a', logging(log, '1')), lock('a', logging(log, '2'))])
    expect(log).toEqual(['1 in', '1 out', '2 in', '2 out'])
  })

  it('lets different keys run at the same time', async () => {
    const lock = createKeyedLock()
    const log: string[] = []
    await Promise.all([lock('a', logging(log, 'a')), lock('b', logging(log, 'b'))])
    expect(log.slice(0, 2)).toEqual(['a in', 'b in'])
  })

  it('runs the next section after one that failed, and passes results and errors through', async () => {
    const lock = createKeyedLock()
    const failed = lock('a', async () => {
      throw new Error('boom')
    })
    const next = lock('a', async () => 42)
    await expect(failed).rejects.toThrow('boom')
    await expect(next).resolves.toBe(42)
  })

  it('prevents the lost update of a read-then-write counter', async () => {
    const lock = createKeyedLock()
    let stored = 0
    const increment = async () => {
      const read = stored
      await tick()
      stored = read + 1
    }
    await Promise.all([increment(), increment()])
    expect(stored).toBe(1) // without the lock, one increment is lost
    stored = 0
    await Promise.all([lock('s', increment), lock('s', increment)])
    expect(stored).toBe(2)
  })
})
