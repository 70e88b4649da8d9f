// A dataset's page: its id, counts and schema (Overview), its imports with their actions (Imports), and its
// jobs with Clear Data and Load Data (Jobs), as the bulk-write document's Datasets > View describes.
import * as api from '../api.js';
import { h, fill, num, pill, when, elapsed, table, errorSlot, showError, idLine, confirmDialog, poll, isFinal, jobTypeLabel, statsText } from '../dom.js';
import { loadsChart } from '../chart.js';

export async function renderDataset(main, ctx) {
  const [id, tab = 'overview'] = ctx.params;
  const path = `/datasets/${encodeURIComponent(id)}`;
  const href = `#/datasets/${encodeURIComponent(id)}`;
  const dataset = await api.get(path, undefined, ctx.signal);
  const cards = h('div.cards');
  const showCards = (d) => fill(cards,
    card('Entities', num(d.counts?.entities)),
    card('Interactions', num(d.counts?.interactions)),
    card('Last load', d.last_import ? [pill(d.last_import.status), h('span.when', when(d.last_import.created_at))] : h('span.muted', 'None yet')));
  showCards(dataset);
  const refreshCards = async () => showCards(await api.get(path, undefined, ctx.signal));

  const tabLink = (name, label) => h('a', { href: `${href}/${name}`, 'aria-current': tab === name ? 'page' : null }, label);
  const body = h('section', { 'aria-label': `${{ overview: 'Overview', imports: 'Imports', jobs: 'Jobs' }[tab]} tab` });
  fill(main,
    h('div.crumbs', h('a', { href: '#/datasets' }, 'Datasets'), ' / ', dataset.name),
    h('div.page-head',
      h('div', h('h1', dataset.name), dataset.description ? h('p', dataset.description) : null,
        h('div.idline', h('span.muted', 'Dataset ID'), idLine(dataset.id, 'dataset ID'))),
      h('div.toolbar', ctx.can('write') && tab !== 'jobs' ? h('a.button.primary', { href: `${href}/load` }, 'Load Data') : null)),
    cards,
    h('nav.tabs', { 'aria-label': 'Dataset sections' }, tabLink('overview', 'Overview'), tabLink('imports', 'Imports'), tabLink('jobs', 'Jobs')),
    body);
  if (tab === 'imports') await renderImports(body, ctx, dataset, refreshCards);
  else if (tab === 'jobs') await renderJobs(body, ctx, dataset, refreshCards);
  else await renderOverview(body, ctx, dataset);
}

const card = (label, value) => h('div.card', h('div.label', label), h('div.value', value));

async function renderOverview(body, ctx, dataset) {
  const path = `/datasets/${encodeURIComponent(dataset.id)}`;
  const [counts, schema, imports] = await Promise.all([
    api.get(`${path}/counts`, undefined, ctx.signal),
    api.get(`${path}/schema`, undefined, ctx.signal),
    api.get('/imports', { dataset: dataset.id, limit: 30 }, ctx.signal),
  ]);
  const typeRows = [
    ...Object.entries(counts.entities).map(([type, n]) => h('tr', h('td', h('code', type)), h('td', 'entity'), h('td.num', num(n)))),
    ...Object.entries(counts.interactions).map(([type, n]) => h('tr', h('td', h('code', type)), h('td', 'interaction'), h('td.num', num(n)))),
  ];
  const custom = schema.record_types.filter((t) => !t.built_in);
  const builtIn = schema.record_types.filter((t) => t.built_in);
  const typeTable = (types, label) => table(label, ['Record type', 'Kind', 'Required fields'], types.map((t) => h('tr',
    h('td', h('code', t.name)), h('td', t.kind), h('td', t.required_fields.length ? t.required_fields.map((f) => h('code', f)).reduce((a, b) => [a, ', ', b]) : '–'))));
  const attributes = Object.entries(schema.attribute_types);
  fill(body,
    h('h2', 'Loads over time'),
    h('div.panel', loadsChart(imports.items)),
    h('h2', 'Records by type'),
    table('Records by type', ['Type', 'Kind', ['Records', 'num']], typeRows, 'No records yet.'),
    h('h2', 'Record types'),
    custom.length ? typeTable(custom, 'Custom record types') : h('p.muted', 'No custom record types; the built-in ones below apply.'),
    h('details', h('summary', `Built-in record types (${builtIn.length})`), typeTable(builtIn, 'Built-in record types')),
    h('h2', 'Attribute types'),
    table('Attribute types', ['Attribute', 'Type'], attributes.map(([name, type]) => h('tr', h('td', h('code', name)), h('td', type))),
      'No typed attributes yet: the first value loaded sets each attribute\'s type.'));
}

async function renderImports(body, ctx, dataset, refreshCards) {
  const error = errorSlot();
  const holder = h('div');
  fill(body, error, holder);
  let shown = null;
  const load = async () => {
    const page = await api.get('/imports', { dataset: dataset.id, limit: 50 }, ctx.signal);
    // Re-render only on a change, so a keyboard user's focus is not taken away by the refresh.
    const signature = JSON.stringify(page.items.map((i) => [i.id, i.status, i.archived, i.progress]));
    if (signature === shown) return page.items.some((i) => !isFinal(i.status));
    shown = signature;
    const act = (label, fn) => async () => {
      try {
        await fn();
        await load();
        await refreshCards();
      } catch (e) {
        showError(error, Object.assign(new Error(`${label}: ${e.message}`), { code: e.code }));
      }
    };
    const rows = page.items.map((i) => {
      const actions = [];
      const logJob = i.jobs?.dataset_load || i.jobs?.file_upload;
      if (logJob) actions.push(h('a.button.small', { href: `#/jobs/${logJob}`, 'aria-label': `Log of import ${i.id}` }, 'Log'));
      if (!isFinal(i.status) && ctx.can('write')) {
        actions.push(h('button.small', { type: 'button', 'aria-label': `Cancel import ${i.id}`, onclick: act(`Cancel ${i.id}`, () => api.post(`/imports/${i.id}/cancel`)) }, 'Cancel'));
      }
      if (isFinal(i.status) && ctx.can('write')) {
        actions.push(i.archived
          ? h('button.small', { type: 'button', 'aria-label': `Unarchive import ${i.id}`, onclick: act(`Unarchive ${i.id}`, () => api.post(`/imports/${i.id}/unarchive`)) }, 'Unarchive')
          : h('button.small', { type: 'button', 'aria-label': `Archive import ${i.id}`, onclick: act(`Archive ${i.id}`, () => api.post(`/imports/${i.id}/archive`)) }, 'Archive'));
      }
      if (isFinal(i.status) && ctx.can('admin')) {
        actions.push(h('button.small', {
          type: 'button', 'aria-label': `Delete batch ${i.id}`,
          onclick: () => confirmDialog({
            title: 'Delete this batch?',
            body: h('p', 'This removes every record that import ', h('code', i.id), ` last wrote into “${dataset.name}”. It cannot be undone.`),
            confirmText: 'Delete batch',
            action: async () => { const job = await api.del(`/imports/${i.id}`); ctx.navigate(`#/jobs/${job.id}`); },
          }),
        }, 'Delete batch'));
      }
      return h('tr',
        h('td', when(i.created_at)),
        h('td', i.file_name || i.source_url || h('span.muted', '—')),
        h('td', h('code', i.record_type)),
        h('td', i.tags.join(', ')),
        h('td', pill(i.status), i.archived ? [' ', h('span.badge', 'archived')] : null),
        h('td.num', num(i.progress.records_read)),
        h('td.num', num(i.progress.records_written)),
        h('td.num', num(i.progress.records_rejected)),
        h('td', h('div.actions', actions)));
    });
    fill(holder, table('Imports', ['Created', 'File', 'Record type', 'Tags', 'Status', ['Read', 'num'], ['Written', 'num'], ['Rejected', 'num'], 'Actions'], rows,
      'No imports yet.'));
    return page.items.some((i) => !isFinal(i.status));
  };
  await load();
  poll(async () => { await load(); await refreshCards(); }, 2000, ctx.signal, (e) => showError(error, e));
}

async function renderJobs(body, ctx, dataset, refreshCards) {
  const error = errorSlot();
  const notice = h('div');
  const holder = h('div');
  const clear = ctx.can('admin') ? h('button.danger', { type: 'button' }, 'Clear Data') : null;
  const loadData = ctx.can('write') ? h('a.button.primary', { href: `#/datasets/${encodeURIComponent(dataset.id)}/load` }, 'Load Data') : null;
  fill(body, h('div.page-head', h('h2', 'Jobs'), h('div.toolbar', clear, loadData)), error, notice, holder);
  let shown = null;
  const load = async () => {
    const page = await api.get('/jobs', { dataset: dataset.id, limit: 50 }, ctx.signal);
    const signature = JSON.stringify(page.items.map((j) => [j.id, j.status, j.stats]));
    if (signature === shown) return page.items.some((j) => !isFinal(j.status));
    shown = signature;
    const rows = page.items.map((j) => h('tr',
      h('td', h('a', { href: `#/jobs/${j.id}` }, jobTypeLabel(j.type))),
      h('td', pill(j.status)),
      h('td', when(j.queued_at)),
      h('td', elapsed(j.started_at, j.finished_at)),
      h('td', statsText(j))));
    fill(holder, table('Jobs of this dataset', ['Job', 'Status', 'Queued', 'Duration', 'Stats'], rows, 'No jobs yet.'));
    return page.items.some((j) => !isFinal(j.status));
  };
  if (clear) {
    clear.addEventListener('click', () => confirmDialog({
      title: `Clear all data of “${dataset.name}”?`,
      body: h('div',
        h('p', 'This starts a Clear Data job that removes every record of dataset ', h('strong', dataset.name), ' (', h('code', dataset.id), '). The dataset itself stays.'),
        h('p', h('strong', 'This cannot be undone.'))),
      confirmText: 'Clear Data',
      action: async () => {
        const job = await api.post(`/datasets/${encodeURIComponent(dataset.id)}/clear`);
        fill(notice, h('div.alert.info', { role: 'status' }, 'Clear Data job started: ', h('a', { href: `#/jobs/${job.id}` }, 'view its log'), '.'));
        await load();
      },
    }));
  }
  await load();
  poll(async () => { await load(); await refreshCards(); }, 2000, ctx.signal, (e) => showError(error, e));
}
