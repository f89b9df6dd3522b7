import { type Child, h } from './dom'

/**
 * A table in a scrolling wrapper (so a phone scrolls it sideways instead of the page), with a
 * caption for screen readers and a row saying so when there is nothing.
 *
 * @example
 * table('Subscriptions', ['Target', 'Status'], rows.map((r) => [r.target_url, r.status]))
 */
export function table(caption: string, headings: readonly string[], rows: readonly Child[][]) {
  const body =
    rows.length === 0
      ? [h('tr', {}, h('td', { colspan: headings.length, class: 'empty' }, 'Nothing here.'))]
      : rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headings.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...body),
    ),
  )
}

/** A status as a labelled badge (colour and text, never colour alone). */
export function badge(status: string) {
  return h('span', { class: `badge badge-${status.replace(/[^a-z]/g, '')}` }, status)
}

/** A button that runs `action` and is disabled while it runs. */
export function actionButton(
  label: string,
  action: () => Promise<void>,
  props: Record<string, string> = {},
) {
  const button = h('button', { type: 'button', ...props }, label) as HTMLButtonElement
  button.addEventListener('click', async () => {
    button.disabled = true
    try {
      await action()
    } finally {
      button.disabled = false
    }
  })
  return button
}

/** "Newer"/"Next page" links: back to the first page, and on with the cursor when there is one. */
export function pager(first: string | null, next: string | null) {
  if (first === null && next === null) return null
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    first === null ? null : h('a', { href: first }, 'First page'),
    next === null ? null : h('a', { href: next, rel: 'next' }, 'Next page'),
  )
}

/** A labelled form field: the label is bound to the input by id. */
export function field(label: string, input: HTMLElement) {
  const id = `f-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  input.id = id
  return h('div', { class: 'field' }, h('label', { for: id }, label), input)
}

/** A `<select>` of `values`, `selected` chosen. */
export function select(name: string, values: readonly [string, string][], selected = '') {
  return h(
    'select',
    { name },
    ...values.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
  )
}
