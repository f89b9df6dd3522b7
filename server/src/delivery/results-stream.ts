/** A multi-consumer stream of results: each `for await` sees everything from when it began. */
export interface ResultsStream<T> {
  publish(item: T): void
  /** Ends every consumer once it has drained its buffer. */
  end(): void
  /** A new consumer. */
  iterable(): AsyncIterable<T> & { readonly dropped: number }
}

interface Consumer<T> {
  buffer: T[]
  /** `next()` calls waiting for an item, oldest first: a published item goes straight to one. */
  waiting: ((result: IteratorResult<T>) => void)[]
  dropped: number
}

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined })

/**
 * A fan-out stream that never blocks the publisher: every consumer (one per `iterable()` call,
 * then one per further `for await` over it) has its own buffer of at most `limit` items, and when a slow consumer falls that far behind its OLDEST items are
 * dropped and counted in its `dropped`. Delivery never waits for a reader.
 *
 * @example
 * const stream = createResultsStream<number>(1000)
 * const results = stream.iterable()
 * stream.publish(1)
 * for await (const n of results) console.log(n, results.dropped)
 */
export function createResultsStream<T>(limit = 1000): ResultsStream<T> {
  const consumers = new Set<Consumer<T>>()
  let ended = false
  const close = (consumer: Consumer<T>) => {
    consumers.delete(consumer)
    consumer.buffer.length = 0
    for (const resolve of consumer.waiting.splice(0)) resolve(DONE)
  }
  return {
    publish(item) {
      if (ended) return
      for (const consumer of consumers) {
        const waiting = consumer.waiting.shift()
        if (waiting) {
          waiting({ done: false, value: item })
          continue
        }
        if (consumer.buffer.length >= limit) {
          consumer.buffer.shift()
          consumer.dropped++
        }
        consumer.buffer.push(item)
      }
    },
    end() {
      ended = true
      // Consumers still reading drain their buffers first; waiting ones have nothing left.
      for (const consumer of consumers) {
        for (const resolve of consumer.waiting.splice(0)) resolve(DONE)
      }
    },
    iterable() {
      const join = (): Consumer<T> => {
        const consumer: Consumer<T> = { buffer: [], waiting: [], dropped: 0 }
        if (!ended) consumers.add(consumer)
        return consumer
      }
      // The first iteration reads from the moment `iterable()` was called, so results published
      // between `engine.results()` and the `for await` are not lost; later ones start afresh.
      let unused: Consumer<T> | null = join()
      let latest: Consumer<T> | null = unused
      return {
        get dropped() {
          return latest?.dropped ?? 0
        },
        [Symbol.asyncIterator](): AsyncIterator<T> {
          const own = unused ?? join()
          unused = null
          latest = own
          return {
            // Not `async`: a buffered item or a waiting reader costs one promise, no more.
            next() {
              if (own.buffer.length > 0) {
                return Promise.resolve({ done: false, value: own.buffer.shift() as T })
              }
              if (ended || !consumers.has(own)) {
                close(own)
                return Promise.resolve(DONE)
              }
              return new Promise((resolve) => own.waiting.push(resolve))
            },
            return() {
              close(own)
              return Promise.resolve(DONE)
            },
          }
        },
      }
    },
  }
}
