/**
 * The Content-Security-Policy of every console response: nothing but the console's own script,
 * stylesheet and API calls; no inline script or style, no framing, no `<base>`.
 * `connectSources` adds origins the browser may call besides its own (an API on another origin).
 *
 * @example
 * contentSecurityPolicy() // "default-src 'none'; script-src 'self'; …"
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ')
}

/**
 * The headers every console response carries: its policy, no MIME sniffing, no referrer (the
 * page's URL never leaves it), and no caching of what an owner saw.
 *
 * @example
 * new Response(html, { headers: { ...securityHeaders(contentSecurityPolicy()), 'content-type': 'text/html' } })
 */
export function securityHeaders(policy: string): Record<string, string> {
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  }
}
