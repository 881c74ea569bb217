// A tiny element builder. Text goes in through textContent only: commands are untrusted
// input, and nothing on this page is ever parsed as HTML.

export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** The element with this id; the page is static, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`dashboard: #${id} is missing from the page`);
  return node as T;
}

export function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

/** Replaces a container's children. */
export function fill(parent: Element, children: Node[]): void {
  parent.replaceChildren(...children);
}
