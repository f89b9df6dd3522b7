import { describe, expect, it } from 'vitest'
import { coalesceCalls } from './coalesce-calls'

/** A read whose calls are recorded and finished by hand. */
function manualRead() {
  const calls: Array<{ key: string; finish: (value: string) => void }> = []
  const read = (key: string) =>
    new Promise<string>((resolve) => calls.push({ key, finish: resolve }))
  return { calls, read }
}

describe('coalesceCalls', () => {
  it('sends the first read of a key at once', async () => {
    const { calls, read } = manualRead()
    const get = coalesceCalls(read)
    const first = get('a')
    expect(calls.map((c) => c.key)).toEqual(['a'])
    calls[0]?.finish('a1')
    expect(await first).toBe('a1')
  })

  it('makes reads that arrive while one is on the wire share the next query', async () => {
    const { calls, read } = manualRead()
    const get = coalesceCalls(read)
    const first = get('a')
    const later = [get('a'), get('a'), get('a')]
    expect(calls).toHaveLength(1)
    calls[0]?.finish('old')
    expect(await first).toBe('old')
    await new Promise((resolve) => setTimeout(resolve, 0))
    // The waiting reads never get the rows of the query that started before them.
    expect(calls).toHaveLength(2)
    calls[1]?.finish('new')
    expect(await Promise.all(later)).toEqual(['new', 'new', 'new'])
  })

  it('reads different keys independently', async () => {
    const { calls, read } = manualRead()
    const get = coalesceCalls(read)
    const a = get('a')
    const b = get('b')
    expect(calls.map((c) => c.key)).toEqual(['a', 'b'])
    calls[1]?.finish('b1')
    calls[0]?.finish('a1')
    expect([await a, await b]).toEqual(['a1', 'b1'])
  })

  it('hands a failed read to every caller that shared it, then reads afresh', async () => {
    let n = 0
    const get = coalesceCalls(async (key) => {
      n++
      if (n === 1) throw new Error('down')
      return `${key}${n}`
    })
    await expect(get('a')).rejects.toThrow('down')
    expect(await get('a')).toBe('a2')
  })
})
