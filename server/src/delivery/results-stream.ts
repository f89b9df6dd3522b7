/**
 * A multi-consumer stream of results: each `for await` sees everything from when it began.
 * Items of type `X` (extras) go only to the consumers that asked for them.
 */
export interface ResultsStream<T, X = never> {
  publish(item: T): void
  /** Publishes to the consumers made with `iterable({ extras: true })` only. */
  publishExtra(item: X): void
  /** Ends every consumer once it has drained its buffer. */
  end(): void
  /** A new consumer. */
  iterable(): AsyncIterable<T> & { readonly dropped: number }
  /** A new consumer that also gets the extras. */
  iterable(options: { extras: true }): AsyncIterable<T | X> & { readonly dropped: number }
}

interface Consumer<T> {
  /** Whether it gets the extras too. */
  extras: boolean
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
export function createResultsStream<T, X = never>(limit = 1000): ResultsStream<T, X> {
  type Item = T | X
  const consumers = new Set<Consumer<Item>>()
  let extraConsumers = 0
  let ended = false
  const close = (consumer: Consumer<Item>) => {
    if (consumers.delete(consumer) && consumer.extras) extraConsumers--
    consumer.buffer.length = 0
    for (const resolve of consumer.waiting.splice(0)) resolve(DONE)
  }
  const deliver = (item: Item, extra: boolean) => {
    for (const consumer of consumers) {
      if (extra && !consumer.extras) continue
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
  }
  const stream: Omit<ResultsStream<T, X>, 'iterable'> & {
    iterable(options?: { extras: true }): AsyncIterable<Item> & { readonly dropped: number }
  } = {
    publish(item) {
      if (!ended) deliver(item, false)
    },
    publishExtra(item) {
      if (!ended && extraConsumers > 0) deliver(item, true)
    },
    end() {
      ended = true
      // Consumers still reading drain their buffers first; waiting ones have nothing left.
      for (const consumer of consumers) {
        for (const resolve of consumer.waiting.splice(0)) resolve(DONE)
      }
    },
    iterable(options?: { extras: true }) {
      const extras = options?.extras === true
      const join = (): Consumer<Item> => {
        const consumer: Consumer<Item> = { extras, buffer: [], waiting: [], dropped: 0 }
        if (!ended) {
          consumers.add(consumer)
          if (extras) extraConsumers++
        }
        return consumer
      }
      // The first iteration reads from the moment `iterable()` was called, so results published
      // between `engine.results()` and the `for await` are not lost; later ones start afresh.
      let unused: Consumer<Item> | null = join()
      let latest: Consumer<Item> | null = unused
      return {
        get dropped() {
          return latest?.dropped ?? 0
        },
        [Symbol.asyncIterator](): AsyncIterator<Item> {
          const own = unused ?? join()
          unused = null
          latest = own
          return {
            // Not `async`: a buffered item or a waiting reader costs one promise, no more.
            next() {
              if (own.buffer.length > 0) {
                return Promise.resolve({ done: false, value: own.buffer.shift() as Item })
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
  return stream as ResultsStream<T, X>
}
