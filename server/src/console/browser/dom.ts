/** What {@link h} takes as a child: text (always a text node, never markup), a node, or a list. */
export type Child = Node | string | number | null | undefined | false | readonly Child[]

/** Attributes, and `on<event>` listeners; `false`/`null`/`undefined` leave an attribute out. */
export type Props = Record<
  string,
  string | number | boolean | null | undefined | ((event: Event) => void)
>

/**
 * Creates an element. Children that are strings become text nodes, so whatever a subscriber or
 * the server wrote (a target URL, an event name, an error) renders as text: nothing in the console
 * parses data as HTML. Inline `style` and string `on…` attributes are refused (the CSP would block
 * them anyway), and so is a link that is not the console's own `#/…` or `http(s):`.
 *
 * @example
 * h('button', { type: 'button', onclick: () => save() }, 'Save')
 */
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') {
      if (!name.startsWith('on')) throw new TypeError(`listener ${name} must be named on…`)
      element.addEventListener(name.slice(2), value)
      continue
    }
    if (value === false || value === null || value === undefined) continue
    if (name === 'style' || name.startsWith('on')) throw new TypeError(`no inline ${name}`)
    const text = value === true ? '' : String(value)
    if (name === 'href' && !/^(#\/|https?:)/i.test(text)) throw new TypeError(`unsafe href ${text}`)
    element.setAttribute(name, text)
  }
  append(element, children)
  return element
}

function append(parent: Node, children: readonly Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else if (child instanceof Node) parent.appendChild(child)
    else parent.appendChild(document.createTextNode(String(child)))
  }
}

/**
 * Replaces the children of `parent`.
 *
 * @example
 * replaceChildren(main, h('p', {}, 'Loading…'))
 */
export function replaceChildren(parent: Element, ...children: Child[]) {
  parent.replaceChildren()
  append(parent, children)
}
