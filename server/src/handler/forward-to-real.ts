/**
 * Completes a stand-in class for a platform class (`Request`, `Response`): every member of
 * `base`'s prototype the stand-in does not define itself is answered by the real object its
 * `materialise()` builds, and the stand-in's prototype is chained to `base`'s, so instances are
 * `instanceof base`. The stand-in answers the few members a hot path reads without building the
 * real object, which costs more than the path itself.
 *
 * @example
 * class LazyThing { materialise() { return new Response('') } }
 * forwardToReal(LazyThing, Response)
 * new LazyThing() instanceof Response // true
 */
export function forwardToReal(
  standIn: { prototype: { materialise(): object } },
  base: { prototype: object },
): void {
  const prototype = standIn.prototype
  for (const key of Reflect.ownKeys(base.prototype)) {
    if (key === 'constructor' || key === Symbol.toStringTag) continue
    if (Object.hasOwn(prototype, key)) continue
    const descriptor = Object.getOwnPropertyDescriptor(base.prototype, key)
    if (!descriptor) continue
    if (descriptor.get) {
      Object.defineProperty(prototype, key, {
        get(this: { materialise(): object }) {
          return Reflect.get(this.materialise(), key)
        },
      })
    } else if (typeof descriptor.value === 'function') {
      Object.defineProperty(prototype, key, {
        value(this: { materialise(): object }, ...args: unknown[]) {
          const real = this.materialise()
          return (Reflect.get(real, key) as (...args: unknown[]) => unknown).apply(real, args)
        },
      })
    }
  }
  Object.setPrototypeOf(prototype, base.prototype)
}
