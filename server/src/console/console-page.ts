import { escapeHtml } from './escape-html'

/** What the page tells the browser code (as `data-` attributes of `<body>`). */
export interface ConsolePageOptions {
  /** Where the browser reaches the subscription API: a path on this origin or a full URL. */
  apiBase: string
  /** How the browser signs in: an API key typed into a form, or the host app's session. */
  signIn: 'api-key' | 'host'
  /** The page title. */
  title: string
}

/**
 * The console's HTML page: a shell that loads `./console.css` and `./console.js` (served beside
 * it) and holds no inline script or style. Every value is escaped.
 *
 * @example
 * consolePage({ apiBase: '/console/api', signIn: 'api-key', title: 'rh console' })
 */
export function consolePage({ apiBase, signIn, title }: ConsolePageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="./console.css">
<script type="module" src="./console.js"></script>
</head>
<body data-api-base="${escapeHtml(apiBase)}" data-sign-in="${escapeHtml(signIn)}" data-title="${escapeHtml(title)}">
<noscript>The console needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`
}
