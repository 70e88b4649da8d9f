// Load Data: pick a file, send it with a real progress bar (bytes, rate, time left), then follow the load live
// (records read, written, rejected; rate; ETA) to its final counts and first rejected records. The file is
// streamed by the browser from disk; the load runs on the server, so closing the tab after the upload does not stop it.
// With "Plan first" the server reads the whole file and writes nothing; the page shows what the load would change,
// with samples, and Apply queues the real load of the same staged file.
import * as api from '../api.js';
import { h, fill, num, bytes, duration, pill, when, table, errorSlot, showError } from '../dom.js';
import { RateMeter } from '../chart.js';

const DELIMITERS = [['', 'Default (comma)'], [',', 'Comma ,'], [';', 'Semicolon ;'], ['tab', 'Tab'], ['|', 'Pipe |']];
const MODES = [
  ['upsert', 'Upsert: a repeated key overwrites'],
  ['insert', 'Insert: an existing key is rejected'],
  ['replace', 'Replace: records of this type missing from the file are deleted'],
];

export async function renderLoad(main, ctx) {
  const [id] = ctx.params;
  const path = `/datasets/${encodeURIComponent(id)}`;
  const [dataset, schema] = await Promise.all([api.get(path, undefined, ctx.signal), api.get(`${path}/schema`, undefined, ctx.signal)]);
  const error = errorSlot();
  const file = h('input', { type: 'file', id: 'load-file', name: 'file', required: true, accept: '.csv,.json,.ndjson,.jsonl,.gz,.txt,text/csv,application/json' });
  const recordType = h('select', { id: 'load-record-type', name: 'recordType' },
    h('option', { value: 'auto' }, 'Auto (from the header or first record)'),
    schema.record_types.filter((t) => !t.built_in).length
      ? h('optgroup', { label: 'This dataset' }, schema.record_types.filter((t) => !t.built_in).map((t) => h('option', { value: t.name }, t.name)))
      : null,
    h('optgroup', { label: 'Built in' }, schema.record_types.filter((t) => t.built_in).map((t) => h('option', { value: t.name }, `${t.name} (${t.kind})`))));
  const mode = h('select', { id: 'load-mode', name: 'mode' }, MODES.map(([value, label]) => h('option', { value }, label)));
  const tags = h('input', { type: 'text', id: 'load-tags', name: 'tags', autocomplete: 'off', placeholder: 'product-data, spring' });
  const delimiter = h('select', { id: 'load-delimiter', name: 'delimiter' }, DELIMITERS.map(([value, label]) => h('option', { value }, label)));
  const plan = h('input', { type: 'checkbox', id: 'load-plan', name: 'plan' });
  const start = h('button.primary', { type: 'submit' }, 'Upload and load');
  plan.addEventListener('change', () => { start.textContent = plan.checked ? 'Upload and plan' : 'Upload and load'; });
  const form = h('form.panel', { 'aria-label': 'Load Data' },
    error,
    h('div.field', h('label', { for: 'load-file' }, 'File'), file,
      h('span.hint', 'CSV, JSON (an array), or NDJSON, any of them gzipped (.gz). The browser sends it straight from disk.')),
    h('div.form-grid',
      h('div.field', h('label', { for: 'load-record-type' }, 'Record type'), recordType),
      h('div.field', h('label', { for: 'load-mode' }, 'Mode'), mode),
      h('div.field', h('label', { for: 'load-tags' }, 'Tags'), tags, h('span.hint', 'Comma-separated; none means "default".')),
      h('div.field', h('label', { for: 'load-delimiter' }, 'CSV delimiter'), delimiter)),
    h('div.field', h('label.check', plan, ' Plan first: show what this load would change and write nothing, then Apply')),
    start);
  const progress = h('section', { 'aria-label': 'Progress' });
  fill(main,
    h('div.crumbs', h('a', { href: '#/datasets' }, 'Datasets'), ' / ', h('a', { href: `#/datasets/${encodeURIComponent(id)}/jobs` }, dataset.name), ' / Load Data'),
    h('div.page-head', h('div', h('h1', 'Load Data'), h('p', 'Into ', h('strong', dataset.name), ' (', h('code', dataset.id), ')'))),
    form, progress);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) {
      showError(error, new Error('Choose a file first.'));
      return;
    }
    error.hidden = true;
    start.disabled = true;
    try {
      const query = {
        recordType: recordType.value, mode: mode.value, plan: plan.checked ? 'true' : undefined,
        tags: tags.value.trim() || undefined, delimiter: delimiter.value || undefined,
      };
      const imported = await sendFile(progress, path, query, chosen, ctx.signal);
      const final = await followLoad(progress, imported, ctx.signal);
      if (final?.status === 'planned') showPlan(progress, final, ctx);
    } catch (e) {
      if (ctx.signal.aborted) return;
      showError(error, e);
    } finally {
      start.disabled = false;
    }
  });
}

async function sendFile(holder, path, query, file, signal) {
  const bar = h('progress', { id: 'upload-bar', max: file.size || 1, value: 0 });
  const sent = h('span');
  const rate = h('span');
  const left = h('span');
  fill(holder, h('h2', { id: 'upload-title' }, 'Upload'),
    h('div.progress',
      h('label', { for: 'upload-bar' }, `Sending ${file.name} (${bytes(file.size)})`), bar,
      h('div.figures', sent, rate, left)));
  const samples = [];
  const imported = await api.upload(`${path}/imports`, query, file, (loaded, total) => {
    const now = performance.now();
    samples.push([now, loaded]);
    while (samples.length > 2 && now - samples[0][0] > 3000) samples.shift();
    const [t0, b0] = samples[0];
    const perSecond = now > t0 ? ((loaded - b0) * 1000) / (now - t0) : 0;
    bar.max = total || 1;
    bar.value = loaded;
    sent.textContent = `${bytes(loaded)} of ${bytes(total)} sent`;
    rate.textContent = perSecond > 0 ? `${bytes(perSecond)}/s` : '';
    left.textContent = perSecond > 0 ? `${duration((total - loaded) / perSecond)} left` : '';
  }, signal);
  bar.value = bar.max;
  sent.textContent = `${bytes(file.size)} sent`;
  rate.textContent = '';
  left.textContent = 'The file is on the server; the load goes on even if you close this tab.';
  return imported;
}

async function followLoad(holder, imported, signal) {
  const planning = imported.plan === true;
  const status = h('span');
  const bar = h('progress', { id: 'load-bar', max: 100 });
  const figures = h('div.stats');
  const eta = h('span');
  const meter = new RateMeter();
  const result = h('div');
  const replacing = imported.mode === 'replace' && !planning;
  holder.append(h('h2', planning ? 'Plan' : 'Load'),
    h('p', 'Import ', h('code', imported.id), ' ', status, ' ', h('a', { href: `#/jobs/${imported.jobs.file_upload}` }, 'File Upload log')),
    h('div.progress', h('label', { for: 'load-bar' }, 'Bytes read by the loader'), bar, h('div.figures', eta)),
    figures, meter.el, result);
  const show = (data) => {
    fill(status, pill(data.status));
    const p = data.progress;
    if (p.percent !== null && p.percent !== undefined) bar.value = p.percent;
    fill(figures,
      stat('Records read', p.records_read, 'records-read'),
      stat('Written', p.records_written, 'records-written'),
      stat('Rejected', p.records_rejected, 'records-rejected'),
      replacing ? stat('Deleted', p.records_deleted ?? 0, 'records-deleted') : null);
    if (data.status === 'processing') {
      meter.add(p, data.rate);
      eta.textContent = data.eta_seconds !== null && data.eta_seconds !== undefined ? `About ${duration(data.eta_seconds)} left` : '';
    }
  };
  show(imported);
  const final = await api.follow(`/imports/${imported.id}`, show, signal);
  if (!final) return null;
  const full = await api.get(`/imports/${imported.id}`, undefined, signal);
  show(full);
  bar.value = 100;
  eta.textContent = '';
  const loadJob = full.jobs.dataset_load;
  fill(result,
    h(`div.alert.${{ completed: 'success', completed_with_errors: 'warning', planned: 'info' }[full.status] || 'error'}`, { role: 'status' },
      full.status === 'planned'
        ? `Plan ready: nothing was written. ${num(full.progress.records_rejected)} rejected.`
        : `Load ${statusSentence(full)}: ${num(full.progress.records_written)} written, ${num(full.progress.records_rejected)} rejected` +
          (replacing ? `, ${num(full.progress.records_deleted ?? 0)} deleted.` : '.'),
      full.error ? [' ', full.error.message, ' ', h('code.code', `(${full.error.code})`)] : null,
      loadJob ? [' ', h('a', { href: `#/jobs/${loadJob}` }, 'Open the Log View')] : null),
    full.warnings?.length
      ? full.warnings.map((w) => h('div.alert.warning', w.message, ' ', h('code.code', `(${w.code})`)))
      : null,
    full.errors?.length
      ? [h('h3', 'First rejected records'), rejectedTable(full.errors.slice(0, 10))]
      : null);
  return full;
}

const CHANGES = [
  ['insert', 'Insert', 'New keys'],
  ['update', 'Update', 'Held keys with a changed field'],
  ['unchanged', 'Unchanged', 'Held keys, every field the same'],
  ['delete', 'Delete', 'Records replace mode would delete'],
  ['rejected', 'Rejected', 'Records refused, as in a load'],
];

/** A finished plan: what applying it would change, a few samples of each kind, and Apply. */
function showPlan(holder, plan, ctx) {
  const planned = plan.planned;
  if (!planned) return;
  const error = errorSlot();
  const section = h('section', { 'aria-labelledby': 'plan-title' });
  const sampleJson = (record) => h('code', record ? JSON.stringify(record) : '–');
  const sampleTables = CHANGES.filter(([kind]) => planned.samples?.[kind]?.length).map(([kind, label]) => {
    const samples = planned.samples[kind];
    const rows = kind === 'update'
      ? table('Samples: update', ['Before', 'After'], samples.map((u) => h('tr', h('td.json', sampleJson(u.before)), h('td.json', sampleJson(u.after)))))
      : table(`Samples: ${kind}`, ['Record'], samples.map((r) => h('tr', h('td.json', sampleJson(r)))));
    return [h('h4', `${label}: ${num(samples.length)} of ${num(planned[kind])}`), rows];
  });
  const actions = h('div.toolbar');
  if (planned.applied_by) {
    actions.append(h('p', 'Applied by import ', h('code', planned.applied_by), '.'));
  } else if (ctx.can('write')) {
    const apply = h('button.primary', { type: 'button' }, 'Apply');
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      error.hidden = true;
      try {
        const load = await api.post(`/imports/${encodeURIComponent(plan.id)}/apply`);
        fill(actions, h('p', 'Applied by import ', h('code', load.id), '.'));
        const target = h('div');
        section.append(target);
        await followLoad(target, load, ctx.signal);
      } catch (e) {
        if (ctx.signal.aborted) return;
        showError(error, e);
        apply.disabled = false;
      }
    });
    actions.append(apply, planned.appliable_until ? h('span.muted', 'Appliable until ', when(planned.appliable_until)) : null);
  }
  fill(section,
    h('h2', { id: 'plan-title' }, 'What applying this plan would change'),
    h('div.stats', CHANGES.map(([name, label, hint]) => h('div.card', { 'data-stat': `plan-${name}` },
      h('div.label', label), h('div.value', num(planned[name])), h('div.hint', hint)))),
    sampleTables.length ? [h('h3', 'Samples'), sampleTables] : null,
    error, actions);
  holder.append(section);
}

const statusSentence = (data) => ({
  completed: 'completed', completed_with_errors: 'completed with errors', failed: 'failed', canceled: 'canceled', planned: 'planned',
}[data.status] || data.status);

function stat(label, value, name) {
  return h('div.card', { 'data-stat': name }, h('div.label', label), h('div.value', num(value)));
}

export function rejectedTable(errors) {
  return table('Rejected records', [['Line', 'num'], 'Error id', 'Code', 'Field', 'Message'], errors.map((e) => h('tr',
    h('td.num', num(e.line)), h('td', h('code', e.error_id)), h('td', h('code', e.code)), h('td', e.field || '–'), h('td', e.message))));
}

