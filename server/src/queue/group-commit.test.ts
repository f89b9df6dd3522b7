import { describe, expect, it } from 'vitest'
import { commitOrEachAlone, createGroupCommit, type Waiter } from './group-commit'

interface Call extends Waiter<string> {
  name: string
}

/** Waits `n` microtasks (never a timer: the groups here answer at once). */
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

function call(group: { add(waiter: Call): void }, name: string): Promise<string> {
  return new Promise<string>((resolve, reject) => group.add({ name, resolve, reject }))
}

describe('createGroupCommit', () => {
  it('commits calls made while a group is on the wire as the next group, in call order', async () => {
    const groups: string[][] = []
    let release = () => {}
    const group = createGroupCommit(async (calls: Call[]) => {
      groups.push(calls.map((c) => c.name))
      if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve))
      for (const c of calls) c.resolve(`${c.name} in ${groups.length}`)
    })
    const first = call(group, 'a')
    await ticks(5)
    const later = [call(group, 'b'), call(group, 'c')]
    expect(groups).toEqual([['a']])
    release()
    expect(await Promise.all([first, ...later])).toEqual(['a in 1', 'b in 2', 'c in 2'])
    expect(groups).toEqual([['a'], ['b', 'c']])
  })

  it('commits a call made at any microtask of the last group’s end', async () => {
    for (let offset = 0; offset < 40; offset++) {
      const group = createGroupCommit(async (calls: Call[]) => {
        for (const c of calls) c.resolve(c.name)
      })
      await call(group, 'first')
      await ticks(offset)
      const outcome = await Promise.race([call(group, 'second'), ticks(100).then(() => 'waiting')])
      expect({ offset, outcome }).toEqual({ offset, outcome: 'second' })
    }
  })

  it('rejects the calls of a group whose commit throws, and goes on with the next', async () => {
    let fail = true
    const group = createGroupCommit(async (calls: Call[]) => {
      if (fail) {
        fail = false
        throw new Error('driver broke')
      }
      for (const c of calls) c.resolve(c.name)
    })
    const broken = call(group, 'a')
    await expect(broken).rejects.toThrow('driver broke')
    expect(await call(group, 'b')).toBe('b')
  })

  it('drains: resolves once every call made so far has been settled', async () => {
    const settled: string[] = []
    const group = createGroupCommit(async (calls: Call[]) => {
      await ticks(3)
      for (const c of calls) {
        settled.push(c.name)
        c.resolve(c.name)
      }
    })
    void call(group, 'a')
    void call(group, 'b')
    await group.drain()
    expect(settled).toEqual(['a', 'b'])
    await group.drain() // idle: at once
  })
  it('takes a group when its scheduled turn comes, with every call made before it', async () => {
    const turns: Array<() => void> = []
    const groups: string[][] = []
    const group = createGroupCommit(
      async (calls: Call[]) => {
        groups.push(calls.map((c) => c.name))
        for (const c of calls) c.resolve(c.name)
      },
      { schedule: (next) => turns.push(next) },
    )
    const calls = [call(group, 'a')]
    await ticks(5)
    calls.push(call(group, 'b'))
    expect([groups, turns.length]).toEqual([[], 1])
    turns.shift()?.()
    expect(await Promise.all(calls)).toEqual(['a', 'b'])
    expect(groups).toEqual([['a', 'b']])
  })

  it('hands the waiting calls to whoever takes them, and commits only the rest', async () => {
    const groups: string[][] = []
    const group = createGroupCommit(async (calls: Call[]) => {
      groups.push(calls.map((c) => c.name))
      for (const c of calls) c.resolve(c.name)
    })
    const taken = call(group, 'a')
    for (const waiter of group.take()) waiter.resolve('a, taken')
    const later = call(group, 'b')
    expect(await Promise.all([taken, later])).toEqual(['a, taken', 'b'])
    expect(groups).toEqual([['b']])
    expect(group.take()).toEqual([])
  })
})

describe('commitOrEachAlone', () => {
  const waiters = (names: string[]) =>
    names.map((name) => {
      const waiter = { name, result: undefined as string | undefined, error: undefined as unknown }
      return Object.assign(waiter, {
        resolve: (result: string) => (waiter.result = result),
        reject: (error: unknown) => (waiter.error = error),
      })
    })

  it('resolves every waiter with the result of one commit', async () => {
    const all = waiters(['a', 'b'])
    const commits: string[][] = []
    await commitOrEachAlone(all, async (some) => {
      commits.push(some.map((w) => w.name))
      return 'ok'
    })
    expect(commits).toEqual([['a', 'b']])
    expect(all.map((w) => w.result)).toEqual(['ok', 'ok'])
  })

  it('commits each alone after a failed group, so only the faulty one rejects', async () => {
    const all = waiters(['a', 'bad', 'c'])
    const commits: string[][] = []
    await commitOrEachAlone(all, async (some) => {
      commits.push(some.map((w) => w.name))
      if (some.some((w) => w.name === 'bad')) throw new Error('bad row')
      return 'ok'
    })
    expect(commits).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']])
    expect(all.map((w) => w.result ?? (w.error as Error).message)).toEqual(['ok', 'bad row', 'ok'])
  })

  it('rejects a lone waiter without committing it twice, and does nothing for none', async () => {
    const lone = waiters(['bad'])
    let commits = 0
    const failing = async () => {
      commits++
      throw new Error('bad row')
    }
    await commitOrEachAlone(lone, failing)
    expect([commits, lone.map((w) => (w.error as Error).message)]).toEqual([1, ['bad row']])
    await commitOrEachAlone([], failing)
    expect(commits).toBe(1)
  })
})
