import { createClient, isRhClientError, type RhClient } from '@rh/client'
import { apiKeyStore } from './api-key-store'
import type { PageContext } from './context'
import { h, replaceChildren } from './dom'
import { parseRoute, type Route, routeHref } from './hash-route'
import { messagePage } from './pages/message-page'
import { messagesPage } from './pages/messages-page'
import { subscriptionPage } from './pages/subscription-page'
import { subscriptionsPage } from './pages/subscriptions-page'

// The console in the browser: reads its settings from the page, signs in, and renders the page
// the URL's #fragment names, over the public HTTP API through @rh/client.
const { apiBase = '', signIn = 'api-key', title = 'rh console' } = document.body.dataset
const keys = apiKeyStore()
const root = document.getElementById('app') as HTMLElement
const status = h('p', { class: 'status', role: 'status' })
let signInMessage = ''

const pages: Record<
  Exclude<Route['page'], 'unknown'>,
  (context: PageContext) => Promise<HTMLElement>
> = {
  subscriptions: subscriptionsPage,
  subscription: subscriptionPage,
  messages: messagesPage,
  message: messagePage,
}

function client(): RhClient {
  return createClient({
    baseUrl: new URL(apiBase, location.href).href,
    headers: () => {
      const key = signIn === 'api-key' ? keys.get() : null
      return key ? { authorization: `Bearer ${key}` } : {}
    },
    // Host sign-in: the host app's session cookie goes along (same origin only).
    fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
    retry: 0,
  })
}

function notice(text: string, kind: 'info' | 'error' = 'info') {
  status.textContent = text
  status.className = `status status-${kind}`
}

function fail(error: unknown) {
  if (isRhClientError(error) && error.status === 401) {
    if (signIn === 'api-key') {
      keys.clear()
      signInMessage = 'That API key was refused. Sign in again.'
      void render()
      return
    }
    notice('Not signed in: sign in to the application, then reload this page.', 'error')
    return
  }
  const text = isRhClientError(error) ? `${error.detail} (${error.code})` : String(error)
  notice(text, 'error')
}

function signInForm() {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  }) as HTMLInputElement
  // POST, never GET: even without JavaScript the key would not land in the URL.
  const form = h(
    'form',
    { class: 'sign-in', method: 'post', action: '#' },
    h('h1', {}, title),
    h('p', {}, 'Sign in with an API key of this server.'),
    signInMessage ? h('p', { class: 'status status-error', role: 'alert' }, signInMessage) : null,
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input),
    h('button', { type: 'submit' }, 'Sign in'),
  )
  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault()
    keys.set(input.value.trim())
    signInMessage = ''
    void render()
  })
  queueMicrotask(() => input.focus())
  return form
}

/** The top bar, built once: the navigation marks the current page on each render. */
function header() {
  const signOut = h('button', { type: 'button', class: 'link-button' }, 'Sign out')
  signOut.addEventListener('click', () => {
    keys.clear()
    void render()
  })
  return h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, title),
    h(
      'nav',
      { 'aria-label': 'Console' },
      h(
        'a',
        { href: routeHref('subscriptions'), 'data-section': 'subscriptions' },
        'Subscriptions',
      ),
      h('a', { href: routeHref('messages'), 'data-section': 'messages' }, 'Messages'),
    ),
    h(
      'div',
      { class: 'top-actions' },
      h(
        'button',
        { type: 'button', class: 'link-button', onclick: () => void render() },
        'Refresh',
      ),
      signIn === 'api-key' ? signOut : null,
    ),
  )
}

function markSection(route: Route) {
  const section =
    route.page === 'messages' || route.page === 'message' ? 'messages' : 'subscriptions'
  for (const link of root.querySelectorAll('header nav a')) {
    if (link.getAttribute('data-section') === section) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
}

let rendering = 0
/** Renders the page of the URL; the previous page stays until the new one is ready. */
async function render({ focus = false } = {}) {
  const turn = ++rendering
  if (signIn === 'api-key' && !keys.get()) {
    replaceChildren(root, h('main', { id: 'main' }, signInForm()))
    return
  }
  let main = root.querySelector('main.page')
  if (!main) {
    main = h('main', { id: 'main', class: 'page' }, h('p', {}, 'Loading…'))
    replaceChildren(root, header(), status, main)
  }
  const route = parseRoute(location.hash)
  markSection(route)
  main.setAttribute('aria-busy', 'true')
  const load = pages[route.page === 'unknown' ? 'subscriptions' : route.page]
  const context: PageContext = {
    client: client(),
    route,
    notice,
    refresh: () => void render(),
    fail,
  }
  try {
    const page = await load(context)
    if (turn !== rendering) return
    main.replaceChildren(page)
    // After following a link, start reading at the new page's heading.
    const heading = page.querySelector('h1')
    if (focus && heading) {
      heading.setAttribute('tabindex', '-1')
      heading.focus()
    }
    document.title = `${page.querySelector('h1')?.textContent ?? ''} · ${title}`
  } catch (error) {
    if (turn !== rendering) return
    main.replaceChildren(h('p', {}, 'This page could not be loaded.'))
    fail(error)
  } finally {
    if (turn === rendering) main.removeAttribute('aria-busy')
  }
}

window.addEventListener('hashchange', () => {
  notice('')
  void render({ focus: true })
})
void render()
