// Small DOM and formatting helpers. Everything is built with createElement and textContent, never innerHTML,
// so no value from the API can become markup.

/** h('tag.class', {attr: value, onclick: fn}, ...children): an element. Falsy children are skipped. */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const STATUS_LABELS = {
  queued: 'Queued', processing: 'In Progress', completed: 'Completed',
  completed_with_errors: 'Completed with errors', failed: 'Failed', canceled: 'Canceled', planned: 'Planned',
};
export const STATUSES = Object.keys(STATUS_LABELS);
export const statusLabel = (status) => STATUS_LABELS[status] || status;
export const FINAL_STATUSES = ['completed', 'completed_with_errors', 'failed', 'canceled', 'planned'];
export const isFinal = (status) => FINAL_STATUSES.includes(status);

export function pill(status) {
  return h(`span.pill.${status}`, { 'data-status': status }, statusLabel(status));
}

const JOB_TYPES = {
  file_upload: 'File Upload', dataset_load: 'Dataset Load', clear_data: 'Clear Data',
  delete_batch: 'Delete Batch', delete_dataset: 'Delete Dataset',
};
export const JOB_TYPE_NAMES = Object.keys(JOB_TYPES);
export const jobTypeLabel = (type) => JOB_TYPES[type] || type;

const numberFormat = new Intl.NumberFormat('en-US');
export const num = (n) => (n === null || n === undefined ? '–' : numberFormat.format(n));

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }));
}

export function elapsed(from, to) {
  if (!from) return '–';
  return duration(((to ? new Date(to) : new Date()) - new Date(from)) / 1000);
}

/** An error from the API (or the network), shown where the user acted: message and code. */
export function errorBox(error) {
  const box = h('div.alert.error', { role: 'alert' });
  if (!error) return box;
  fill(box, error.message || String(error));
  if (error.code) box.append(' ', h('code.code', `(${error.code})`));
  return box;
}

export function showError(box, error) {
  const fresh = errorBox(error);
  box.className = fresh.className;
  box.setAttribute('role', 'alert');
  box.hidden = false;
  fill(box, ...fresh.childNodes);
}

/** An empty alert region that showError fills; kept in the page so screen readers announce changes. */
export function errorSlot() {
  const box = h('div.alert.error', { role: 'alert' });
  box.hidden = true;
  return box;
}

/** A Copy button for a value; falls back to selecting the text where the clipboard API is unavailable (plain http). */
export function copyButton(value, label, target) {
  const button = h('button.small', { type: 'button', 'aria-label': label }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      button.textContent = 'Copied';
    } catch {
      if (target) {
        const range = document.createRange();
        range.selectNodeContents(target);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      button.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
  });
  return button;
}

/** An id with a copy button. */
export function idLine(value, label) {
  const code = h('code', value);
  return h('span.idline', code, copyButton(value, `Copy ${label}`, code));
}

/** A table in a focusable, labelled scroll region (so keyboard users can scroll a wide table). */
export function table(label, headers, rows, emptyText) {
  const thead = h('thead', h('tr', headers.map((head) => {
    const [text, cls] = Array.isArray(head) ? head : [head];
    return h('th', { scope: 'col', class: cls }, text);
  })));
  const tbody = h('tbody', rows);
  const wrap = h('div.table-wrap', { role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', thead, tbody));
  if (!rows.length && emptyText) wrap.append(h('p.empty', emptyText));
  return wrap;
}

/** A modal dialog labelled by its title element's id; Escape closes it like the caller's close(). */
export function modal(titleId, content, onClose) {
  const dialog = h('dialog', { 'aria-labelledby': titleId }, content);
  const close = () => { dialog.close(); dialog.remove(); onClose?.(); };
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  return close;
}

/**
 * A modal confirmation. Resolves true when the user confirms. The confirm button runs `action` and the dialog
 * stays open to show its error (message and code) if it fails.
 */
export function confirmDialog({ title, body, confirmText, danger = true, action }) {
  return new Promise((resolve) => {
    const error = errorSlot();
    const confirm = h(`button.${danger ? 'danger' : 'primary'}`, { type: 'button' }, confirmText);
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    let confirmed = false;
    const close = modal(titleId, [h('h2', { id: titleId }, title), body, error, h('div.buttons', cancel, confirm)], () => resolve(confirmed));
    cancel.addEventListener('click', close);
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        if (action) await action();
        confirmed = true;
        close();
      } catch (e) {
        showError(error, e);
        confirm.disabled = false;
      }
    });
    cancel.focus();
  });
}

/** Chained setTimeout polling that stops on abort and on the first error (reported to onError). */
export function poll(fn, intervalMs, signal, onError) {
  const tick = async () => {
    if (signal.aborted) return;
    let again;
    try {
      again = await fn();
    } catch (e) {
      if (!signal.aborted && onError) onError(e);
      return;
    }
    if (again !== false && !signal.aborted) setTimeout(tick, intervalMs);
  };
  setTimeout(tick, intervalMs);
}

/** Stats rows of a job by its kind (CONTRACTS.md), tolerating the older {received, loaded, rejected} shape. */
export function jobStats(job) {
  const s = job.stats || {};
  switch (job.type) {
    case 'dataset_load':
      // A replace load's deletions are its fourth figure, shown only when it deleted something.
      return [['Received', s.received], ['Loaded', s.loaded], ['Rejected', s.rejected]].concat(s.removed > 0 ? [['Deleted', s.removed]] : []);
    case 'file_upload':
      return [['Bytes received', s.bytes_received ?? s.received]];
    default:
      return [['Removed', s.removed ?? s.loaded]];
  }
}

export function statsText(job) {
  return jobStats(job).map(([label, value]) => `${label} ${label.startsWith('Bytes') ? bytes(value) : num(value)}`).join(' · ');
}
