import type { DeliveryQueue } from '../server/src/queue/delivery-queue'

/** A queue that counts the calls made to it, per method. */
export interface CountingQueue {
  queue: DeliveryQueue
  /** Calls per method name since the start or the last {@link CountingQueue.reset}. */
  counts(): Record<string, number>
  reset(): void
}

/**
 * Wraps `queue` so that every method call is counted: the engine's queue traffic per delivery
 * (claims, `reschedule` put-backs, completions) shows a claim-and-put-back collapse without
 * timing anything. Methods run on the real queue, bound to it; nothing else changes.
 *
 * @example
 * const counting = countingQueue(memoryQueue())
 * createResthooks({ ..., queue: counting.queue })
 * counting.counts().reschedule // put-backs and retries so far
 */
export function countingQueue(queue: DeliveryQueue): CountingQueue {
  let calls: Record<string, number> = {}
  const wrapped = new Map<PropertyKey, unknown>()
  const proxy = new Proxy(queue, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target)
      if (typeof value !== 'function' || typeof key !== 'string') return value
      let wrapper = wrapped.get(key)
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown
        wrapper = (...args: unknown[]) => {
          calls[key] = (calls[key] ?? 0) + 1
          return method.apply(target, args)
        }
        wrapped.set(key, wrapper)
      }
      return wrapper
    },
  })
  return {
    queue: proxy,
    counts: () => ({ ...calls }),
    reset() {
      calls = {}
    },
  }
}
