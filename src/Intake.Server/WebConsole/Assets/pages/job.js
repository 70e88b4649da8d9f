// A job's Log View: what it is, its stats table by kind, its transition history with times and nodes, its
// error, and for a load its rejected records, paged, with a download of all of them. Live while it runs.
import * as api from '../api.js';
import { h, fill, num, bytes, pill, when, elapsed, table, errorSlot, showError, isFinal, jobTypeLabel, jobStats } from '../dom.js';
import { RateMeter } from '../chart.js';
import { rejectedTable } from './load.js';

const PAGE = 50;

export async function renderJob(main, ctx) {
  const [id] = ctx.params;
  let job = await api.get(`/jobs/${encodeURIComponent(id)}`, undefined, ctx.signal);
  const importInfo = job.import_id ? await api.get(`/imports/${job.import_id}`, undefined, ctx.signal).catch(() => null) : null;
  const head = h('div');
  const stats = h('div');
  const history = h('div');
  const failure = h('div');
  const meter = job.type === 'dataset_load' && !isFinal(job.status) ? new RateMeter() : null;
  const rejected = h('section', { 'aria-labelledby': 'rejected-title' });
  const error = errorSlot();

  const related = [];
  if (importInfo?.jobs) {
    if (job.type === 'file_upload' && importInfo.jobs.dataset_load) {
      related.push(h('a', { href: `#/jobs/${importInfo.jobs.dataset_load}` }, 'Dataset Load job this upload triggered'));
    }
    if (job.type === 'dataset_load' && importInfo.jobs.file_upload) {
      related.push(h('a', { href: `#/jobs/${importInfo.jobs.file_upload}` }, 'File Upload job that triggered this load'));
    }
  }

  const showHead = () => fill(head,
    h('div.crumbs', h('a', { href: '#/logs' }, 'Logs'), ' / ', jobTypeLabel(job.type)),
    h('div.page-head',
      h('div', h('h1', `${jobTypeLabel(job.type)} `, pill(job.status)),
        h('p', 'Log View of job ', h('code', job.id))),
      related.length ? h('div.toolbar', related) : null),
    h('div.panel', h('dl.facts',
      h('dt', 'Dataset'), h('dd', h('a', { href: `#/datasets/${encodeURIComponent(job.dataset_id)}` }, job.dataset_id)),
      job.import_id ? [h('dt', 'Import'), h('dd', h('code', job.import_id), importInfo?.file_name ? ` (${importInfo.file_name})` : '')] : null,
      h('dt', 'Queued'), h('dd', when(job.queued_at)),
      h('dt', 'Started'), h('dd', when(job.started_at)),
      h('dt', 'Finished'), h('dd', when(job.finished_at)),
      h('dt', 'Duration'), h('dd', elapsed(job.started_at, job.finished_at)),
      h('dt', 'Attempts'), h('dd', num(job.attempts)),
      job.canceled_by ? [h('dt', 'Canceled by'), h('dd', job.canceled_by)] : null)));

  const showStats = () => {
    const rows = jobStats(job);
    const statsTable = table('Stats', rows.map(([label]) => [label, 'num']),
      [h('tr', rows.map(([label, value]) => h('td.num', { 'data-stat': label }, label.startsWith('Bytes') ? bytes(value) : num(value))))]);
    statsTable.classList.add('compact');
    fill(stats, h('h2', 'Stats'), h('div', statsTable), meter ? meter.el : null);
  };
  const showFailure = () => fill(failure, job.error
    ? h('div.alert.error', h('strong', 'Error: '), job.error.message, ' ', h('code.code', `(${job.error.code})`))
    : null);
  const showHistory = () => fill(history, h('h2', 'History'),
    table('History', ['Status', 'At', 'Node', 'Reason'], (job.history || []).map((t) => h('tr',
      h('td', pill(t.status)), h('td', when(t.at)), h('td', t.node ? h('code', t.node) : h('span.muted', 'request')), h('td', t.reason || '–')))));
  const showAll = () => { showHead(); showStats(); showFailure(); showHistory(); };
  showAll();
  fill(main, head, error, failure, stats, history, rejected);

  if (job.type === 'dataset_load' && job.import_id) {
    await showRejected(rejected, job, 0, ctx.signal, error);
  }

  if (!isFinal(job.status)) {
    // A running load is followed through its import, whose progress carries the records read, written and rejected.
    const viaImport = job.type === 'dataset_load' && job.import_id;
    const path = viaImport ? `/imports/${job.import_id}` : `/jobs/${encodeURIComponent(id)}`;
    const final = await api.follow(path, (data) => {
      if (viaImport) {
        const p = data.progress;
        job = { ...job, status: data.status, stats: { ...job.stats, received: p.records_read, loaded: p.records_written, rejected: p.records_rejected } };
        if (meter && data.status === 'processing') meter.add(p, data.rate);
      } else {
        job = { ...job, ...data, history: job.history };
      }
      showHead();
      showStats();
    }, ctx.signal).catch((e) => { showError(error, e); return null; });
    if (!final) return;
    job = await api.get(`/jobs/${encodeURIComponent(id)}`, undefined, ctx.signal);
    showAll();
    if (job.type === 'dataset_load' && job.import_id) await showRejected(rejected, job, 0, ctx.signal, error);
  }
}

async function showRejected(section, job, offset, signal, error) {
  const total = job.stats?.rejected ?? 0;
  const downloads = h('div.toolbar',
    h('button', { type: 'button', onclick: () => save('csv') }, 'Download CSV'),
    h('button', { type: 'button', onclick: () => save('ndjson') }, 'Download NDJSON'));
  async function save(format) {
    try {
      await api.download(`/imports/${job.import_id}/errors`, { format }, `${job.import_id}-rejected.${format}`);
    } catch (e) {
      showError(error, e);
    }
  }
  if (!total) {
    fill(section, h('h2', { id: 'rejected-title' }, 'Rejected records'), h('p.muted', isFinal(job.status) ? 'No record was rejected.' : 'None so far.'));
    return;
  }
  const page = await api.getNdjson(`/imports/${job.import_id}/errors`, { offset, limit: PAGE }, signal);
  const go = (to) => () => showRejected(section, job, to, signal, error).catch((e) => showError(error, e));
  const last = offset + page.length;
  fill(section,
    h('div.page-head', h('h2', { id: 'rejected-title' }, 'Rejected records'), downloads),
    h('p.muted', page.length ? `Showing ${num(offset + 1)}–${num(last)} of ${num(total)}` : `${num(total)} rejected; none stored on this page.`),
    rejectedTable(page),
    h('div.pager',
      h('button', { type: 'button', disabled: offset === 0, onclick: go(Math.max(0, offset - PAGE)) }, 'Previous page'),
      h('button', { type: 'button', disabled: page.length < PAGE || last >= total, onclick: go(last) }, 'Next page')));
}
