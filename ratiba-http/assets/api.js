// The HTTP API, same origin. A platform operator's admin key lives in
// sessionStorage (gone when the tab closes) and is sent as X-Admin-API-Key; it is
// never logged or put in a URL. A tenant owner's requests carry the access token
// of their realm (oidc.js) as a bearer token instead.
import * as oidc from './oidc.js';

const KEY = 'ratiba.adminKey';

export function key() {
  return sessionStorage.getItem(KEY);
}

export function setKey(value) {
  oidc.clear();
  sessionStorage.setItem(KEY, value);
}

/** An owner signed in on this tab: no operator key stays beside their session. */
export function forgetAdminKey() {
  sessionStorage.removeItem(KEY);
}

/** The owner's tenant (their realm) when an owner is signed in, else null. */
export function ownTenant() {
  return key() ? null : (oidc.session() || {}).realm || null;
}

export function signedIn() {
  return Boolean(key() || oidc.session());
}

/** Forgets every sign-in of this tab. */
export function clearKey() {
  sessionStorage.removeItem(KEY);
  oidc.clear();
}

/** The tenants this sign-in may work on: all of them, or the owner's own. */
export async function tenants() {
  const own = ownTenant();
  if (own) return [await call('GET', `/api/v1/admin/tenants/${encodeURIComponent(own)}`)];
  return call('GET', '/api/v1/admin/tenants');
}

/** An API error: the problem+json body, made readable. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

function describe(status, problem) {
  const detail = problem && problem.detail;
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 429) return 'Too many failed sign-in attempts from this address. Wait a minute, then try again.';
  if (status === 413) return detail || 'The upload is too large.';
  if (status >= 500) {
    const id = problem && problem.request_id ? ` (request id ${problem.request_id})` : '';
    return `${detail || 'The server had a problem.'}${id}`;
  }
  return detail || `The request failed (HTTP ${status}).`;
}

let onSessionEnd = () => {};

/** Called with a message when the server no longer accepts the key. */
export function onUnauthorized(handler) {
  onSessionEnd = handler;
}

export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

async function parse(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

function sessionEnded(status, body) {
  if (status === 401 || status === 403) {
    const owner = !key() && oidc.session();
    clearKey();
    let message;
    if (status === 403) {
      message = `You are not allowed to do that with this sign-in (${(body && body.detail) || 'forbidden'}). Sign in again.`;
    } else if (owner) {
      message = `Your sign-in to ${owner.realm} has expired. Sign in again to go on where you were.`;
    } else {
      message = 'Your session has ended: the server no longer accepts this admin key (it may have been changed). Sign in again.';
    }
    onSessionEnd(message, owner ? owner.realm : null);
    return true;
  }
  return false;
}

/** The credentials header of this sign-in, or null when there is none (any more). */
async function credentials({ force = false } = {}) {
  const k = key();
  if (k) return { 'X-Admin-API-Key': k };
  if (!oidc.session()) return null;
  const token = await oidc.accessToken({ force });
  return token ? { Authorization: `Bearer ${token}` } : null;
}

/**
 * Calls the API. `body` is JSON unless it is FormData. With `withKey: false` the
 * stored key is not used (sign-in passes its own in `headers`).
 */
export async function call(method, path, { body, headers = {}, withKey = true, signIn = false, retried = false } = {}) {
  const h = { Accept: 'application/json, application/problem+json', ...headers };
  if (withKey) {
    const auth = await credentials({ force: retried });
    if (!auth) {
      sessionEnded(401, null);
      throw new ApiError(401, { detail: 'Not signed in.' });
    }
    Object.assign(h, auth);
  }
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, null);
  }
  const data = await parse(response);
  if (!response.ok) {
    // An owner's token the server no longer takes: renew it once and try again.
    if (response.status === 401 && withKey && !retried && h.Authorization && !(body instanceof FormData)) {
      return call(method, path, { body, headers, withKey, signIn, retried: true });
    }
    if (!signIn && sessionEnded(response.status, data)) {
      throw new ApiError(response.status, data);
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

/**
 * A multipart upload with progress: `onProgress(fraction)` while the body is sent,
 * then `onProgress(null)` while the server reads the menu.
 */
export async function upload(path, form, onProgress) {
  const auth = await credentials();
  return new Promise((resolve, reject) => {
    if (!auth) {
      sessionEnded(401, null);
      reject(new ApiError(401, { detail: 'Not signed in.' }));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(auth)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(null);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = { detail: xhr.responseText.slice(0, 300) };
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      sessionEnded(xhr.status, data);
      reject(new ApiError(xhr.status, data));
    };
    xhr.send(form);
  });
}
