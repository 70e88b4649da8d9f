// Manage > Logs: every job, newest first, paged, filtered by Job Type, Status and dataset text, with status
// pills that follow the jobs live. The filters live in the URL (#/logs?type=…), so Apply and Reset are links.
import * as api from '../api.js';
import { h, fill, pill, when, elapsed, table, errorSlot, showError, poll, isFinal, STATUSES, statusLabel, JOB_TYPE_NAMES, jobTypeLabel, statsText } from '../dom.js';

export async function renderLogs(main, ctx) {
  const filters = { type: ctx.query.get('type') || '', status: ctx.query.get('status') || '', dataset: ctx.query.get('dataset') || '' };
  const cursor = ctx.query.get('cursor');
  const error = errorSlot();
  const type = h('select', { id: 'filter-type', name: 'type' }, h('option', { value: '' }, 'All job types'),
    JOB_TYPE_NAMES.map((t) => h('option', { value: t, selected: t === filters.type }, jobTypeLabel(t))));
  const status = h('select', { id: 'filter-status', name: 'status' }, h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s, selected: s === filters.status }, statusLabel(s))));
  const dataset = h('input', { type: 'search', id: 'filter-dataset', name: 'dataset', value: filters.dataset, autocomplete: 'off', placeholder: 'id or name' });
  const form = h('form.panel.filters', { role: 'search', 'aria-label': 'Filter jobs' },
    h('div.field', h('label', { for: 'filter-type' }, 'Job Type'), type),
    h('div.field', h('label', { for: 'filter-status' }, 'Status'), status),
    h('div.field', h('label', { for: 'filter-dataset' }, 'Dataset'), dataset),
    h('div.toolbar', h('button.primary', { type: 'submit' }, 'Apply'),
      h('button', { type: 'button', onclick: () => ctx.navigate('#/logs') }, 'Reset Filters')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    if (type.value) query.set('type', type.value);
    if (status.value) query.set('status', status.value);
    if (dataset.value.trim()) query.set('dataset', dataset.value.trim());
    ctx.navigate(`#/logs?${query}`);
  });
  const holder = h('div');
  const pager = h('div.pager');
  fill(main,
    h('div.page-head', h('div', h('h1', 'Logs'), h('p', 'Every job: file uploads, dataset loads, clears and deletes, newest first.'))),
    form, error, holder, pager);

  const query = { type: filters.type, status: filters.status, dataset_contains: filters.dataset, limit: 25, cursor };
  let shown = null;
  const load = async () => {
    const page = await api.get('/jobs', query, ctx.signal);
    const signature = JSON.stringify(page.items.map((j) => [j.id, j.status, j.stats]));
    if (signature !== shown) {
      shown = signature;
      const rows = page.items.map((j) => h('tr', { 'data-job': j.id },
        h('td', h('a', { href: `#/jobs/${j.id}` }, jobTypeLabel(j.type))),
        h('td', h('a', { href: `#/datasets/${encodeURIComponent(j.dataset_id)}` }, j.dataset_id)),
        h('td', pill(j.status)),
        h('td', when(j.queued_at)),
        h('td', elapsed(j.started_at, j.finished_at)),
        h('td', statsText(j))));
      fill(holder, table('Jobs', ['Job', 'Dataset', 'Status', 'Queued', 'Duration', 'Stats'], rows, 'No job matches these filters.'));
      const base = new URLSearchParams(ctx.query);
      base.delete('cursor');
      fill(pager,
        cursor ? h('a.button', { href: `#/logs?${base}` }, 'First page') : null,
        page.next_cursor ? h('a.button', { href: `#/logs?${new URLSearchParams({ ...Object.fromEntries(base), cursor: page.next_cursor })}` }, 'Next page') : null);
    }
    return page.items.some((j) => !isFinal(j.status));
  };
  await load();
  poll(async () => { await load(); }, 2000, ctx.signal, (e) => showError(error, e));
}
