type Child = Node | string | null | undefined | false;

/** A tiny element builder: `el('td', { class: 'num' }, '1.23')`. Attributes set as attributes, children appended. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

/** Runs `task` now and every `intervalMs` after it settles; a slow answer never stacks a second request on it. */
export function repeat(task: () => Promise<unknown>, intervalMs: number): { stop(): void; now(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const run = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    void task()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped && timer === null) timer = setTimeout(run, intervalMs);
      });
  };
  run();
  return {
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
    now: run,
  };
}
