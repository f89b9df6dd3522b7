import { describe, expect, it } from 'vitest'
import { createResultsStream } from './results-stream'

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

describe('createResultsStream', () => {
  it('gives every consumer every item from when it joined, and ends them all', async () => {
    const stream = createResultsStream<number>()
    const early = stream.iterable()
    stream.publish(1)
    const late = stream.iterable()
    stream.publish(2)
    stream.end()
    expect(await drain(early)).toEqual([1, 2])
    expect(await drain(late)).toEqual([2])
  })

  it('never blocks the publisher: a slow consumer loses its oldest items, counted', async () => {
    const stream = createResultsStream<number>(3)
    const slow = stream.iterable()
    for (let n = 1; n <= 10; n++) stream.publish(n)
    stream.end()
    expect(await drain(slow)).toEqual([8, 9, 10])
    expect(slow.dropped).toBe(7)
  })

  it('wakes a waiting consumer when an item arrives', async () => {
    const stream = createResultsStream<string>()
    const iterator = stream.iterable()[Symbol.asyncIterator]()
    const pending = iterator.next()
    stream.publish('hello')
    expect(await pending).toEqual({ done: false, value: 'hello' })
  })

  it('forgets a consumer that stops reading', async () => {
    const stream = createResultsStream<number>()
    const iterable = stream.iterable()
    stream.publish(1)
    for await (const n of iterable) {
      expect(n).toBe(1)
      break
    }
    stream.publish(2)
    stream.end()
    expect(iterable.dropped).toBe(0)
  })

  it('ends a consumer that joins after the end at once', async () => {
    const stream = createResultsStream<number>()
    stream.end()
    stream.publish(1)
    expect(await drain(stream.iterable())).toEqual([])
  })

  it('answers next() calls made before any item in order, and ends those left at the end', async () => {
    const stream = createResultsStream<number>()
    const iterator = stream.iterable()[Symbol.asyncIterator]()
    const [first, second, third] = [iterator.next(), iterator.next(), iterator.next()]
    stream.publish(1)
    stream.publish(2)
    stream.end()
    expect(await Promise.all([first, second, third])).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: true, value: undefined },
    ])
  })

  it('ends a waiting next() when the consumer returns', async () => {
    const stream = createResultsStream<number>()
    const iterator = stream.iterable()[Symbol.asyncIterator]()
    const pending = iterator.next()
    await iterator.return?.()
    expect(await pending).toEqual({ done: true, value: undefined })
    stream.publish(1)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
  })

  it('gives the extras only to the consumers that asked for them, in publishing order', async () => {
    const stream = createResultsStream<number, string>()
    const plain = stream.iterable()
    const all = stream.iterable({ extras: true })
    stream.publish(1)
    stream.publishExtra('a')
    stream.publish(2)
    stream.end()
    expect(await drain(plain)).toEqual([1, 2])
    expect(await drain(all)).toEqual([1, 'a', 2])
  })
})
