// The console's only way to the server: the public native API on this origin (/v1), with the user's key as
// "Authorization: Bearer". The key lives in sessionStorage (this tab, until it is closed) and never in a URL.

import { isFinal } from './dom.js';

const API = document.body.dataset.api || '/v1';
const KEY_SLOT = 'intake.console.key';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let unauthorizedHandler = null;
export const onUnauthorized = (handler) => { unauthorizedHandler = handler; };

export const key = {
  get: () => sessionStorage.getItem(KEY_SLOT),
  set: (value) => sessionStorage.setItem(KEY_SLOT, value),
  clear: () => sessionStorage.removeItem(KEY_SLOT),
};

export function authHeaders() {
  const secret = key.get();
  return secret ? { Authorization: `Bearer ${secret}` } : {};
}

export const url = (path, query) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, value);
  }
  const qs = params.toString();
  return `${API}${path}${qs ? `?${qs}` : ''}`;
};

/** Reads a problem+json answer into an ApiError (or a generic one for anything else). */
async function problem(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const message = body?.detail || body?.title || `The server answered ${response.status} ${response.statusText}.`;
  return new ApiError(response.status, body?.code || null, message);
}

/** One API call; resolves to the JSON body (null for 204), rejects with ApiError. */
export async function call(method, path, { query, body, signal, raw } = {}) {
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers: { Accept: 'application/json', ...authHeaders(), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', `The server could not be reached (${e.message}).`);
  }
  if (!response.ok) {
    const error = await problem(response);
    if (response.status === 401 && unauthorizedHandler) unauthorizedHandler(error);
    throw error;
  }
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

export const get = (path, query, signal) => call('GET', path, { query, signal });
export const post = (path, body, signal) => call('POST', path, { body, signal });
export const del = (path, signal) => call('DELETE', path, { signal });

/** An NDJSON answer as an array of objects (used for one page of rejected records). */
export async function getNdjson(path, query, signal) {
  const response = await call('GET', path, { query, signal, raw: true });
  const text = await response.text();
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

/** Saves an API answer as a file. With a key the browser cannot follow a plain link, so the body comes through fetch. */
export async function download(path, query, fileName) {
  const response = await call('GET', path, { query, raw: true });
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

/**
 * Sends a file as the body of an import. The browser streams the File from disk (XMLHttpRequest.send(File)),
 * so nothing of it is read into the page. onProgress gets (sentBytes, totalBytes). Resolves to the 202 import.
 */
export function upload(path, query, file, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(path, query));
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json');
    // The format comes from the file name (and the first bytes); a header value must be Latin-1, so others are replaced.
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', file.name.replace(/[^\x20-\x7e]/g, '_'));
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
      } else {
        const error = new ApiError(xhr.status, body?.code || null, body?.detail || body?.title || `The server answered ${xhr.status}.`);
        if (xhr.status === 401 && unauthorizedHandler) unauthorizedHandler(error);
        reject(error);
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The upload was interrupted: the server could not be reached.'));
    xhr.onabort = () => reject(new ApiError(0, 'upload_aborted', 'The upload was stopped.'));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/**
 * Follows an import or job live until it is final: Server-Sent Events from {path}/events read with fetch (so the
 * key travels as a header, which EventSource cannot send), resuming with Last-Event-ID after a dropped
 * connection. Where the server has no such route (a 404 other than import_not_found / job_not_found) it polls
 * {path} every 500 ms instead.
 * onUpdate gets each snapshot; resolves with the final one.
 */
export async function follow(path, onUpdate, signal) {
  let lastId = null;
  let retry = 1000;
  for (;;) {
    if (signal.aborted) return null;
    let response;
    try {
      response = await fetch(url(`${path}/events`), {
        headers: { Accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'Last-Event-ID': lastId } : {}) },
        signal,
        cache: 'no-store',
      });
    } catch (e) {
      if (signal.aborted) return null;
      await sleep(retry, signal);
      continue;
    }
    if (response.status === 404) {
      // No events route on this server (an older one answers route_not_found, or plain text for this Accept):
      // polling reports a missing import or job itself.
      const error = await problem(response);
      if (error.code === 'import_not_found' || error.code === 'job_not_found') throw error;
      return pollUntilFinal(path, onUpdate, signal);
    }
    if (!response.ok) {
      const error = await problem(response);
      if (response.status === 401 && unauthorizedHandler) unauthorizedHandler(error);
      throw error;
    }
    const result = await readEvents(response, (event) => {
      if (event.id) lastId = event.id;
      if (event.retry) retry = event.retry;
    }, onUpdate, signal);
    if (result) return result;
    await sleep(retry, signal);
  }
}

async function readEvents(response, onMeta, onUpdate, signal) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { data: [] };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (event.data.length) {
            onMeta(event);
            const data = JSON.parse(event.data.join('\n'));
            onUpdate(data, event.type || 'message');
            if (event.type === 'final' || isFinal(data.status)) return data;
          }
          event = { data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data.push(text);
          else if (field === 'event') event.type = text;
          else if (field === 'id') event.id = text;
          else if (field === 'retry' && /^\d+$/.test(text)) onMeta({ retry: Number(text) });
        }
      }
    }
  } catch (e) {
    if (signal.aborted) return null;
    if (e instanceof SyntaxError) throw e;
    return null;
  } finally {
    reader.releaseLock?.();
  }
}

async function pollUntilFinal(path, onUpdate, signal) {
  for (;;) {
    const data = await get(path, undefined, signal);
    onUpdate(data, 'poll');
    if (isFinal(data.status)) return data;
    await sleep(500, signal);
    if (signal.aborted) return null;
  }
}
