// The console's entry: finds out who the caller is (GET /v1/me), asks for a key when the server wants one, and
// routes hash URLs (#/datasets, #/datasets/{id}, #/logs, #/jobs/{id}, #/keys) to pages. Each page gets an
// AbortSignal that fires when the user leaves it, which stops its requests, streams and polling.
import * as api from './api.js';
import { h, fill, errorSlot, showError } from './dom.js';
import { renderDatasets } from './pages/datasets.js';
import { renderDataset } from './pages/dataset.js';
import { renderLoad } from './pages/load.js';
import { renderLogs } from './pages/logs.js';
import { renderJob } from './pages/job.js';
import { renderKeys } from './pages/keys.js';

const main = document.getElementById('main');
const session = document.getElementById('session');
let caller = null;
let current = null;

const routes = [
  [/^\/datasets$/, renderDatasets, 'datasets'],
  [/^\/datasets\/([^/]+)\/load$/, renderLoad, 'datasets'],
  [/^\/datasets\/([^/]+)(?:\/(overview|imports|jobs))?$/, renderDataset, 'datasets'],
  [/^\/logs$/, renderLogs, 'logs'],
  [/^\/jobs\/([^/]+)$/, renderJob, 'logs'],
  [/^\/keys$/, renderKeys, 'keys'],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/datasets';
  const [path, qs] = raw.split('?');
  return { path, query: new URLSearchParams(qs || '') };
}

async function route() {
  if (!caller) return;
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { path, query } = parseHash();
  const found = routes.map(([pattern, render, nav]) => [path.match(pattern), render, nav]).find(([m]) => m);
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (found && link.dataset.nav === found[2]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!found) {
    fill(main, h('h1', 'Not found'), h('p', 'This page does not exist. ', h('a', { href: '#/datasets' }, 'Go to Datasets')));
    return;
  }
  const [match, render] = found;
  const ctx = {
    params: match.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p))),
    query,
    signal: controller.signal,
    can: (scope) => caller.scopes.includes(scope),
    navigate: (hash) => { if (location.hash === hash) route(); else location.hash = hash; },
    reload: () => route(),
  };
  main.replaceChildren(h('p.loading', 'Loading…'));
  try {
    await render(main, ctx);
  } catch (e) {
    if (e.name === 'AbortError' || controller.signal.aborted) return;
    const box = errorSlot();
    showError(box, e);
    fill(main, h('h1', 'Something went wrong'), box);
  }
  if (document.activeElement === document.body || !main.contains(document.activeElement)) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

function showSession() {
  const keysLink = document.querySelector('[data-nav="keys"]');
  keysLink.parentElement.hidden = !caller?.scopes.includes('admin');
  if (!caller) {
    fill(session);
    return;
  }
  const who = caller.development_mode && !caller.key_id
    ? h('span.badge', { title: 'No master key is set: every request is allowed from this machine.' }, 'Development mode')
    : h('span', 'Key ', h('code', caller.key_id), ' ', h('span.badge', caller.scopes.join(', ') || 'no scopes'));
  const signOut = api.key.get()
    ? h('button.small', { type: 'button', onclick: () => { api.key.clear(); start(); } }, 'Sign out')
    : null;
  fill(session, who, signOut);
}

function signIn(reason) {
  caller = null;
  current?.abort();
  showSession();
  for (const link of document.querySelectorAll('[data-nav]')) link.removeAttribute('aria-current');
  const error = errorSlot();
  const input = h('input', { type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const form = h('form.panel', { 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    h('p', 'This server needs an API key. The console keeps it in this browser tab only, until the tab is closed.'),
    error,
    h('div.field', h('label', { for: 'api-key' }, 'API key'), input,
      h('span.hint', 'A key created with POST /v1/keys (or the master key). Its scopes decide what you can do here.')),
    h('button.primary', { type: 'submit' }, 'Sign in'));
  if (reason) showError(error, reason);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    api.key.set(input.value.trim());
    try {
      caller = await api.get('/me');
      showSession();
      await route();
    } catch (e) {
      api.key.clear();
      showError(error, e);
      input.focus();
    }
  });
  fill(main, h('div.signin', form));
  input.focus();
}

async function start() {
  try {
    caller = await api.get('/me');
  } catch (e) {
    if (e.status === 401) {
      // A stored key that stopped working (revoked) is dropped; the form says why.
      const hadKey = Boolean(api.key.get());
      api.key.clear();
      signIn(hadKey ? e : null);
      return;
    }
    caller = null;
    const box = errorSlot();
    showError(box, e);
    fill(main, h('h1', 'The server could not be reached'), box);
    return;
  }
  showSession();
  await route();
}

api.onUnauthorized((error) => { if (caller) signIn(error); });
// The skip link must not change the hash, which is the router's.
document.querySelector('.skip').addEventListener('click', (event) => { event.preventDefault(); main.focus(); });
window.addEventListener('hashchange', route);
start();
