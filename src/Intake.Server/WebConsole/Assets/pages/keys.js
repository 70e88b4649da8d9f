// Keys (admin): create a key with scopes (its secret shown once, with a copy button and a warning), list, revoke.
import * as api from '../api.js';
import { h, fill, when, table, errorSlot, showError, confirmDialog, copyButton } from '../dom.js';

export async function renderKeys(main, ctx) {
  if (!ctx.can('admin')) {
    fill(main, h('h1', 'Keys'), h('div.alert.info', 'Managing keys needs a key with the admin scope.'));
    return;
  }
  const error = errorSlot();
  const created = h('div');
  const name = h('input', { type: 'text', id: 'key-name', name: 'name', required: true, autocomplete: 'off' });
  const scope = (value, label, checked) => h('label', h('input', { type: 'checkbox', name: 'scopes', value, checked }), ` ${label}`);
  const scopes = h('fieldset', h('legend', 'Scopes'),
    scope('read', 'read (every GET)', true), scope('write', 'write (uploads, imports, cancel, archive)', false),
    scope('admin', 'admin (datasets, clear, delete, keys)', false));
  const signed = h('input', { type: 'checkbox', id: 'key-signed', name: 'signed' });
  const form = h('form.panel', { 'aria-labelledby': 'new-key-title' },
    h('h2', { id: 'new-key-title' }, 'New key'),
    error,
    h('div.field', h('label', { for: 'key-name' }, 'Name'), name, h('span.hint', 'Who or what uses it, e.g. "nightly catalog sync".')),
    scopes,
    h('div.field', h('label.check', signed, ' Require signed requests (HMAC); the key is then refused as a plain Bearer secret')),
    h('button.primary', { type: 'submit' }, 'Create key'));
  const list = h('div');
  fill(main, h('div.page-head', h('div', h('h1', 'Keys'), h('p', 'API keys and their scopes. Secrets are stored only as hashes.'))),
    created, form, h('h2', 'Keys'), list);

  const load = async () => {
    const keys = await api.get('/keys', undefined, ctx.signal);
    fill(list, table('Keys', ['Name', 'ID', 'Scopes', 'Signed', 'Created', 'State', 'Actions'], keys.map((k) => h('tr',
      h('td', k.name || h('span.muted', '—')), h('td', h('code', k.id)), h('td', k.scopes.join(', ')), h('td', k.signed ? 'yes' : 'no'),
      h('td', when(k.created_at)), h('td', k.revoked_at ? ['revoked ', when(k.revoked_at)] : 'active'),
      h('td', k.revoked_at ? null : h('button.small', {
        type: 'button', 'aria-label': `Revoke key ${k.name || k.id}`,
        onclick: () => confirmDialog({
          title: `Revoke key “${k.name || k.id}”?`,
          body: h('p', 'Requests with this key are refused from now on. This cannot be undone.'),
          confirmText: 'Revoke key',
          action: async () => { await api.del(`/keys/${encodeURIComponent(k.id)}`); await load(); },
        }),
      }, 'Revoke')))), 'No keys yet.'));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...scopes.querySelectorAll('input:checked')].map((i) => i.value);
    try {
      const key = await api.post('/keys', { name: name.value.trim(), scopes: chosen, signed: signed.checked });
      const secret = h('code.secret', { id: 'new-secret' }, key.secret);
      fill(created, h('div.alert.warning', { role: 'status' },
        h('h2', `Key “${key.name}” created`),
        h('p', h('strong', 'Copy the secret now: it is shown only this once. '), 'Intake keeps only its hash and cannot show it again.'),
        h('div.idline', secret, copyButton(key.secret, 'Copy the secret', secret)),
        h('p', 'Key id ', h('code', key.id), ', scopes ', key.scopes.join(', '), '.')));
      form.reset();
      error.hidden = true;
      await load();
      created.querySelector('button')?.focus();
    } catch (e) {
      showError(error, e);
    }
  });
  await load();
}
