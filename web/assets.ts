// The browser scripts escalator serves itself: htmx and SortableJS from node_modules (no CDN, no build step) and
// the board's own small script, kept here as text so the compiled package needs no copied files.
import { readFileSync } from 'node:fs';

export interface Asset {
  type: string;
  body: string;
}

/** The board's script: SortableJS drag (mouse-driven fallback, which also works on touch), moves posted with the
 * CSRF header, and a refresh of #board whenever the server says entries changed. */
const boardScript = `(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const status = () => document.getElementById('live-status');
  let dragging = false;
  let stale = false;
  let loading = false;
  // One refresh at a time, by fetch (not htmx.ajax, whose promise may never settle when its target is swapped
  // away): changes arriving meanwhile (a burst of webhooks) make one more, not one each. None runs while a card is
  // dragged or while focus is in a card's "Move to" form, so the board does not change under the pointer or the
  // keyboard; it catches up when focus leaves the form or the move's own swap settles. The last refresh always
  // starts after the last change, so the board ends up current whatever order responses come in.
  const inMoveForm = (element) => Boolean(element && element.closest && element.closest('#board .move'));
  const busy = () => dragging || inMoveForm(document.activeElement);
  const catchUp = () => { if (stale) refresh(); };
  document.addEventListener('focusout', (event) => { if (!inMoveForm(event.relatedTarget)) setTimeout(catchUp, 0); });
  function refresh() {
    const board = document.getElementById('board');
    if (!board) return;
    if (busy() || loading) { stale = true; return; }
    loading = true;
    stale = false;
    fetch(board.dataset.fragment, { credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error('HTTP ' + response.status))))
      .then((markup) => {
        const current = document.getElementById('board');
        if (!current) return;
        // Focus moved into a move form (or a drag began) while this was loading: keep what the person is using.
        if (busy()) { stale = true; return; }
        const focused = document.activeElement && document.activeElement.id;
        const template = document.createElement('template');
        template.innerHTML = markup;
        const fresh = template.content.firstElementChild;
        if (!fresh) return;
        current.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        init();
        if (focused) document.getElementById(focused)?.focus();
      })
      .catch(() => { const message = status(); if (message) message.textContent = 'Live update failed; reload the page.'; })
      .finally(() => {
        loading = false;
        if (stale) refresh();
      });
  }
  async function move(card, option) {
    const body = new URLSearchParams({ status: option, csrf });
    const response = await fetch(card.dataset.move, { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'fetch' }, body, credentials: 'same-origin' });
    const message = status();
    if (message) message.textContent = response.ok ? 'Moved to ' + option : 'Not moved: ' + (await response.text()).slice(0, 200);
    refresh();
  }
  function init() {
    if (!window.Sortable) return;
    document.querySelectorAll('#board .cards').forEach((list) => {
      if (list.dataset.sortable) return;
      list.dataset.sortable = 'on';
      window.Sortable.create(list, {
        group: 'board', animation: 120, forceFallback: true, fallbackTolerance: 3,
        filter: 'select, button, input, label, a', preventOnFilter: false,
        onStart: () => { dragging = true; },
        onEnd: (event) => {
          dragging = false;
          if (event.to !== event.from) void move(event.item, event.to.dataset.option);
          else if (stale) { stale = false; refresh(); }
        },
      });
    });
  }
  document.addEventListener('htmx:afterSettle', () => { init(); setTimeout(catchUp, 0); });
  document.addEventListener('DOMContentLoaded', () => {
    init();
    const board = document.getElementById('board');
    if (board && window.EventSource) {
      const source = new EventSource(board.dataset.events);
      source.addEventListener('ready', () => { document.documentElement.dataset.live = 'on'; });
      source.addEventListener('changed', refresh);
      source.addEventListener('error', () => { document.documentElement.dataset.live = 'off'; });
    }
  });
})();
`;

function fromPackage(specifier: string): string {
  return readFileSync(require.resolve(specifier), 'utf8');
}

const javascript = 'text/javascript; charset=utf-8';
const loaders: Record<string, () => string> = {
  'htmx.min.js': () => fromPackage('htmx.org/dist/htmx.min.js'),
  'Sortable.min.js': () => fromPackage('sortablejs/Sortable.min.js'),
  'board.js': () => boardScript,
};
const cache = new Map<string, Asset>();

/** The asset called `name`, or undefined. */
export function asset(name: string): Asset | undefined {
  const load = loaders[name];
  if (!load) return undefined;
  let found = cache.get(name);
  if (!found) {
    found = { type: javascript, body: load() };
    cache.set(name, found);
  }
  return found;
}
