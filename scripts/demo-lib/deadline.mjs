/** A step that did not happen in time: the demo's smoke-test failure. */
export class StepTimeout extends Error {
  name = 'StepTimeout'
}

/**
 * One time budget for a whole run: `within(promise, what)` settles like `promise`, or rejects
 * with a {@link StepTimeout} naming `what` once the budget is spent.
 *
 * @example
 * const { within, cancel } = deadline(20_000)
 * await within(rh.logged((l) => l.msg === 'delivery'), 'the first delivery')
 */
export function deadline(ms) {
  let timer
  const spent = new Promise((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return {
    within(promise, what) {
      return Promise.race([
        promise,
        spent.then(() => {
          throw new StepTimeout(`${what} did not happen within ${ms / 1000} s`)
        }),
      ])
    },
    cancel: () => clearTimeout(timer),
  }
}
