// Manage > Datasets: the list (name, id, counts, last load) and New Dataset, whose new id is shown with a copy button.
import * as api from '../api.js';
import { h, fill, num, pill, when, table, errorSlot, showError, idLine, modal } from '../dom.js';

export async function renderDatasets(main, ctx) {
  const cursor = ctx.query.get('cursor');
  const page = await api.get('/datasets', { limit: 50, cursor }, ctx.signal);
  const newButton = ctx.can('admin')
    ? h('button.primary', { type: 'button', onclick: () => newDatasetDialog(ctx) }, 'New Dataset')
    : null;
  const rows = page.items.map((d) => h('tr',
    h('td', h('a', { href: `#/datasets/${encodeURIComponent(d.id)}` }, d.name)),
    h('td', h('code', d.id)),
    h('td', d.description || h('span.muted', '—')),
    h('td.num', num(d.counts?.entities)),
    h('td.num', num(d.counts?.interactions)),
    h('td', d.last_import ? [pill(d.last_import.status), ' ', h('span.muted', when(d.last_import.created_at))] : h('span.muted', 'No loads yet')),
    h('td', h('a.button.small', { href: `#/datasets/${encodeURIComponent(d.id)}`, 'aria-label': `View ${d.name}` }, 'View'))));
  const pager = h('div.pager',
    cursor ? h('a.button', { href: '#/datasets' }, 'First page') : null,
    page.next_cursor ? h('a.button', { href: `#/datasets?cursor=${encodeURIComponent(page.next_cursor)}` }, 'Next page') : null);
  fill(main,
    h('div.page-head',
      h('div', h('h1', 'Datasets'), h('p', 'Named containers of records. Open one to see its records, imports and jobs, or to load data.')),
      h('div.toolbar', newButton)),
    table('Datasets', ['Name', 'ID', 'Description', ['Entities', 'num'], ['Interactions', 'num'], 'Last load', 'Actions'], rows,
      ctx.can('admin') ? 'No datasets yet. Create one with New Dataset.' : 'No datasets yet.'),
    pager);
}

function newDatasetDialog(ctx) {
  const error = errorSlot();
  const name = h('input', { type: 'text', id: 'ds-name', name: 'name', required: true, autocomplete: 'off' });
  const description = h('textarea', { id: 'ds-description', name: 'description', rows: 3 });
  const id = h('input', { type: 'text', id: 'ds-id', name: 'id', autocomplete: 'off', pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}', spellcheck: 'false' });
  const save = h('button.primary', { type: 'submit' }, 'Save Dataset');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'new-ds-title' }, 'New Dataset'),
    error,
    h('div.field', h('label', { for: 'ds-name' }, 'Name'), name),
    h('div.field', h('label', { for: 'ds-description' }, 'Description'), description,
      h('span.hint', 'Say where the data comes from and what it holds, e.g. "Shopify orders (purchase records)".')),
    h('div.field', h('label', { for: 'ds-id' }, 'ID (optional)'), id,
      h('span.hint', 'Letters, digits, "-", "_" or "."; generated when empty. It cannot be changed later.')),
    h('div.buttons', cancel, save));
  const close = modal('new-ds-title', form);
  cancel.addEventListener('click', close);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const created = await api.post('/datasets', {
        name: name.value.trim(),
        description: description.value.trim() || undefined,
        id: id.value.trim() || undefined,
      });
      const done = h('button.primary', { type: 'button', onclick: () => { close(); ctx.navigate(`#/datasets/${encodeURIComponent(created.id)}`); } }, 'View dataset');
      fill(form,
        h('h2', { id: 'new-ds-title' }, 'Dataset created'),
        h('div.alert.success', { role: 'status' }, `“${created.name}” is ready. Record its ID: you need it to upload files through the API.`),
        h('div.field', h('span', { id: 'created-id-label' }, h('strong', 'Dataset ID')), idLine(created.id, 'dataset ID')),
        h('div.buttons', h('button', { type: 'button', onclick: () => { close(); ctx.reload(); } }, 'Close'), done));
      done.focus();
    } catch (e) {
      showError(error, e);
      save.disabled = false;
    }
  });
  name.focus();
}
