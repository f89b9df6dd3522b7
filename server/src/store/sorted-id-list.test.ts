import { describe, expect, it } from 'vitest'
import { SortedIdList } from './sorted-id-list'

/** A small deterministic generator, so a failure replays. */
function random(seed: number) {
  let state = seed
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state % n
  }
}

const idOf = (n: number) => `sub_${String(n).padStart(8, '0')}`

/** What the list must answer, from a plain sorted array. */
function expectSame(list: SortedIdList, model: string[]) {
  expect(list.size).toBe(model.length)
  const seen: string[] = []
  list.forEach((id) => {
    seen.push(id)
  })
  expect(seen).toEqual(model)
}

function modelBelow(model: string[], cursor: string | undefined, limit: number) {
  const below = model.filter((id) => cursor === undefined || id < cursor).reverse()
  return { ids: below.slice(0, limit), more: below.length > limit }
}

describe('SortedIdList', () => {
  it('keeps ids appended in order, across many chunks', () => {
    const list = new SortedIdList()
    const model = Array.from({ length: 3000 }, (_, i) => idOf(i))
    for (const id of model) list.insert(id)
    expectSame(list, model)
    expect(list.below(undefined, 3)).toEqual({
      ids: [idOf(2999), idOf(2998), idOf(2997)],
      more: true,
    })
  })

  it('agrees with a sorted array under out-of-order inserts, repeats and removals', () => {
    const next = random(7)
    const list = new SortedIdList()
    let model: string[] = []
    for (let step = 0; step < 20_000; step++) {
      const id = idOf(next(4000))
      if (next(3) === 0) {
        expect(list.remove(id)).toBe(model.includes(id))
        model = model.filter((known) => known !== id)
      } else {
        list.insert(id)
        if (!model.includes(id)) model = [...model, id].sort()
      }
    }
    expectSame(list, model)
    for (let probe = 0; probe < 200; probe++) {
      const cursor = probe === 0 ? undefined : idOf(next(4100))
      const limit = next(700)
      expect(list.below(cursor, limit)).toEqual(modelBelow(model, cursor, limit))
    }
  })

  it('pages down to the end and says when nothing is left', () => {
    const list = new SortedIdList()
    for (let i = 0; i < 1500; i++) list.insert(idOf(i * 2))
    const pages: string[][] = []
    let cursor: string | undefined
    for (;;) {
      const page = list.below(cursor, 400)
      pages.push(page.ids)
      if (!page.more) break
      cursor = page.ids.at(-1)
    }
    expect(pages.map((ids) => ids.length)).toEqual([400, 400, 400, 300])
    expect(pages.flat()).toEqual(Array.from({ length: 1500 }, (_, i) => idOf((1499 - i) * 2)))
  })

  it('answers an empty page for an empty list or a cursor below every id', () => {
    const list = new SortedIdList()
    expect(list.below(undefined, 10)).toEqual({ ids: [], more: false })
    list.insert(idOf(5))
    expect(list.below(idOf(5), 10)).toEqual({ ids: [], more: false })
    expect(list.below(idOf(9), 10)).toEqual({ ids: [idOf(5)], more: false })
    expect(list.remove(idOf(6))).toBe(false)
    expect(list.remove(idOf(5))).toBe(true)
    expect(list.size).toBe(0)
    expect(list.below(undefined, 10)).toEqual({ ids: [], more: false })
  })
})
