/** What a request under the console's path asks for. */
export type ConsoleRoute =
  /** The HTML page (the app itself routes by the URL's `#fragment`). */
  | { kind: 'page' }
  /** The mount path without its trailing slash: sent to `location` so relative URLs resolve. */
  | { kind: 'redirect'; location: string }
  | { kind: 'script' }
  | { kind: 'style' }
  /** `{path}/api/…`: the subscription API, answered by `rh.fetch`. */
  | { kind: 'api' }
  | { kind: 'not-found' }

/**
 * A console mount path as routes compare it: leading slash, no trailing slash, `''` for the
 * root. Throws on anything that is not a plain path (a query, a fragment, `..`).
 *
 * @example
 * normalizeMountPath('/console/') // '/console'
 */
export function normalizeMountPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed)) {
    throw new TypeError(`console path must be like /console, got ${JSON.stringify(path)}`)
  }
  if (trimmed.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new TypeError(`console path must not hold . or .. segments, got ${JSON.stringify(path)}`)
  }
  return trimmed
}

/**
 * Routes a request path against the console's mount path (normalized with
 * {@link normalizeMountPath}); `null` when the path is not the console's.
 *
 * @example
 * consoleRoute('/console/console.js', '/console') // { kind: 'script' }
 * consoleRoute('/console', '/console') // { kind: 'redirect', location: '/console/' }
 */
export function consoleRoute(pathname: string, mount: string): ConsoleRoute | null {
  if (pathname === mount) return { kind: 'redirect', location: `${mount}/` }
  if (!pathname.startsWith(`${mount}/`)) return null
  const rest = pathname.slice(mount.length + 1)
  if (rest === '') return { kind: 'page' }
  if (rest === 'console.js') return { kind: 'script' }
  if (rest === 'console.css') return { kind: 'style' }
  if (rest.startsWith('api/')) return { kind: 'api' }
  return { kind: 'not-found' }
}
