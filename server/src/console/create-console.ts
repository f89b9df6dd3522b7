import { type BrowserAsset, loadBrowserAsset } from './browser-asset'
import { consolePage } from './console-page'
import { consoleRoute, normalizeMountPath } from './console-route'
import { contentSecurityPolicy, securityHeaders } from './content-security-policy'

/** Options of {@link createConsole}. */
export interface ConsoleOptions {
  /** Where the console is mounted: the page is `{path}/`. Default `/console`. */
  path?: string
  /**
   * Where the browser reaches the subscription API (a path on this origin, or a full URL).
   * Default `{path}/api`, which the console answers itself by handing the request to `rh.fetch`,
   * so mounting the console alone is enough.
   */
  apiBase?: string
  /**
   * How the browser is signed in. `'api-key'` (default): a form takes an API key, kept in
   * `sessionStorage` and sent as `Authorization: Bearer <key>`. `'host'`: no form; requests go
   * with the browser's cookies (same origin), and the host app's `authenticate` reads its own
   * session from them.
   */
  signIn?: 'api-key' | 'host'
  /** The page title and heading. Default `rh console`. */
  title?: string
}

/** The console: a fetch handler for everything under its path. */
export interface RhConsole {
  /**
   * Answers the console's page, script, stylesheet and (with the default `apiBase`) API;
   * `404` for any other path. Bound: pass it as is.
   */
  fetch: (request: Request) => Promise<Response>
}

/**
 * A web console for one owner: their subscriptions, the message log with each delivery's status,
 * every attempt, and the recovery actions (pause, resume, re-enable, replay, redeliver, test
 * event, secret rotation, unsubscribe). The browser code speaks only the public HTTP API, through
 * `@rh/client`, bundled into the package (no CDN). Every response carries a strict
 * Content-Security-Policy.
 *
 * @example
 * const rh = createResthooks({ authenticate })
 * const admin = createConsole(rh)
 * Bun.serve({ fetch: (request) => new URL(request.url).pathname.startsWith('/console') ? admin.fetch(request) : rh.fetch(request) })
 */
export function createConsole(
  rh: { fetch: (request: Request) => Promise<Response> },
  options: ConsoleOptions = {},
): RhConsole {
  const mount = normalizeMountPath(options.path ?? '/console')
  // Without an apiBase of its own, the console answers the API itself under `{path}/api/`.
  const proxiesApi = options.apiBase === undefined
  const apiBase = options.apiBase ?? `${mount}/api`
  const signIn = options.signIn ?? 'api-key'
  if (signIn !== 'api-key' && signIn !== 'host') {
    throw new TypeError(`signIn must be 'api-key' or 'host', got ${JSON.stringify(signIn)}`)
  }
  const apiOrigin = /^https?:\/\//i.test(apiBase) ? [new URL(apiBase).origin] : []
  const headers = securityHeaders(contentSecurityPolicy(apiOrigin))
  const page = consolePage({ apiBase, signIn, title: options.title ?? 'rh console' })

  const answer = (body: string, type: string, status = 200, extra: Record<string, string> = {}) =>
    new Response(body, { status, headers: { ...headers, 'content-type': type, ...extra } })
  const asset = (pick: (asset: BrowserAsset) => string, type: string) =>
    loadBrowserAsset().then((loaded) => answer(pick(loaded), type))

  async function fetch(request: Request): Promise<Response> {
    const route = consoleRoute(new URL(request.url).pathname, mount)
    if (route?.kind === 'api' && proxiesApi) return rh.fetch(request)
    if (route === null || route.kind === 'not-found' || route.kind === 'api') {
      return answer('Not found\n', 'text/plain; charset=utf-8', 404)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer('Method not allowed\n', 'text/plain; charset=utf-8', 405, {
        allow: 'GET, HEAD',
      })
    }
    switch (route.kind) {
      case 'redirect':
        return new Response(null, {
          status: 308,
          headers: { ...headers, location: route.location },
        })
      case 'page':
        return answer(page, 'text/html; charset=utf-8')
      case 'script':
        return asset((loaded) => loaded.script, 'text/javascript; charset=utf-8')
      case 'style':
        return asset((loaded) => loaded.style, 'text/css; charset=utf-8')
    }
  }
  return { fetch }
}
