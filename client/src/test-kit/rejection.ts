import { expect } from 'vitest'

/**
 * Awaits a promise that must reject with an instance of `type`, and returns the error.
 *
 * @example
 * const error = await rejection(client.get('nope'), RhClientError)
 * expect(error.code).toBe('not_found')
 */
// biome-ignore lint/suspicious/noExplicitAny: any constructor signature
export async function rejection<E>(promise: Promise<unknown>, type: new (...args: any[]) => E) {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(type)
  return error as E
}
