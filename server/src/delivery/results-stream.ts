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
  wake: (() => void) | null
  dropped: number
}

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
  return {
    publish(item) {
      if (ended) return
      for (const consumer of consumers) {
        if (consumer.buffer.length >= limit) {
          consumer.buffer.shift()
          consumer.dropped++
        }
        consumer.buffer.push(item)
        consumer.wake?.()
      }
    },
    end() {
      ended = true
      for (const consumer of consumers) consumer.wake?.()
    },
    iterable() {
      const join = (): Consumer<T> => {
        const consumer: Consumer<T> = { buffer: [], wake: null, dropped: 0 }
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
          const finish = async (): Promise<IteratorResult<T>> => {
            consumers.delete(own)
            own.buffer.length = 0
            return { done: true, value: undefined }
          }
          return {
            async next() {
              for (;;) {
                const item = own.buffer.shift()
                if (item !== undefined) return { done: false, value: item }
                if (ended || !consumers.has(own)) return finish()
                await new Promise<void>((resolve) => {
                  own.wake = resolve
                })
                own.wake = null
              }
            },
            return: finish,
          }
        },
      }
    },
  }
}
