// Tenant owners sign in through their own Keycloak realm: the authorization code
// flow with PKCE (S256), done here against the realm's public `tenant-admin`
// client. No secret is involved; the code verifier never leaves this tab. The
// tokens live in sessionStorage (gone when the tab closes) and the access token
// is refreshed shortly before it expires. `/admin/config.json` says where Keycloak is.

const SESSION = 'ratiba.owner';
const PENDING = 'ratiba.oidc.pending';
// Refresh this long before the access token expires, so no request carries a
// token that expires on the way.
const EARLY_MS = 20000;

let configPromise = null;

/** `{ url, client_id }` when tenant owners can sign in on this server, else null. */
export function config() {
  if (!configPromise) {
    configPromise = fetch('/admin/config.json', { cache: 'no-store', credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : { oidc: null }))
      .then((c) => c.oidc || null)
      .catch(() => null);
  }
  return configPromise;
}

/** The signed-in owner: `{ realm, access_token, refresh_token, id_token, expires_at }`, or null. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION) || 'null');
    return s && typeof s.realm === 'string' && typeof s.access_token === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function clear() {
  sessionStorage.removeItem(SESSION);
}

export function redirectUri() {
  return `${location.origin}/admin/callback`;
}

function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function random(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

function realmUrl(cfg, realm, path) {
  return `${cfg.url}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/${path}`;
}

/** Leaves for the realm's sign-in page; comes back to /admin/callback. */
export async function start(realm, next) {
  const cfg = await config();
  if (!cfg) {
    throw new Error('Owner sign-in is not set up on this server (it has no Keycloak). Ask your Ratiba operator.');
  }
  if (!window.isSecureContext || !crypto.subtle) {
    throw new Error('Signing in needs a secure page: open the dashboard over HTTPS (or on localhost).');
  }
  // Keycloak shows a dead-end page for a realm it does not have: ask our server first.
  let known;
  try {
    known = await fetch(`/admin/realms/${encodeURIComponent(realm)}`, { credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new Error('The server could not be reached. Check your connection and try again.');
  }
  if (known.status === 404) {
    throw new Error(`There is no business with the ID ${realm}. Check the spelling, or ask your Ratiba operator.`);
  }
  if (!known.ok) throw new Error(`The server is not answering properly (HTTP ${known.status}). Try again in a minute.`);
  const verifier = b64url(random(32));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const state = b64url(random(16));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, realm, next: next || '' }));
  const url = new URL(realmUrl(cfg, realm, 'auth'));
  url.search = new URLSearchParams({
    client_id: cfg.client_id,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri(),
    state,
    code_challenge: b64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

async function tokenRequest(cfg, realm, form) {
  let response;
  try {
    response = await fetch(realmUrl(cfg, realm, 'token'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new Error('The sign-in server could not be reached. Check your connection and try again.');
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok || typeof body.access_token !== 'string') {
    const why = body.error_description || body.error || `HTTP ${response.status}`;
    const err = new Error(`The sign-in server refused the sign-in (${why}). Start again.`);
    err.oauth = body.error || null;
    throw err;
  }
  return body;
}

function store(realm, tokens, previous = {}) {
  const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 60;
  sessionStorage.setItem(SESSION, JSON.stringify({
    realm,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token || null,
    id_token: tokens.id_token || previous.id_token || null,
    expires_at: Date.now() + expiresIn * 1000,
  }));
}

/**
 * Back from the realm's sign-in page: checks `state`, trades the code (with the
 * verifier) for tokens. Returns `{ realm, next }`; throws with a readable message.
 */
export async function finish(params) {
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  } catch {
    pending = null;
  }
  sessionStorage.removeItem(PENDING);
  const error = params.get('error');
  if (error) {
    const detail = params.get('error_description');
    throw new Error(error === 'access_denied'
      ? 'The sign-in was cancelled. Start again when you are ready.'
      : `The sign-in server said: ${detail || error}. Start again.`);
  }
  if (!pending || !params.get('state') || params.get('state') !== pending.state) {
    throw new Error('This sign-in was not started in this browser tab, or was already used. Start again.');
  }
  const code = params.get('code');
  if (!code) throw new Error('The sign-in server sent no code back. Start again.');
  const cfg = await config();
  if (!cfg) throw new Error('Owner sign-in is not set up on this server.');
  const tokens = await tokenRequest(cfg, pending.realm, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    client_id: cfg.client_id,
    code_verifier: pending.verifier,
  });
  store(pending.realm, tokens);
  return { realm: pending.realm, next: pending.next };
}

let refreshing = null;

/**
 * A usable access token: the stored one, or a fresh one when it is about to
 * expire (or `force`). Null when the session is gone or can no longer be renewed.
 */
export async function accessToken({ force = false } = {}) {
  const s = session();
  if (!s) return null;
  if (!force && s.expires_at - Date.now() > EARLY_MS) return s.access_token;
  if (!s.refresh_token) return null;
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const cfg = await config();
        if (!cfg) return null;
        const tokens = await tokenRequest(cfg, s.realm, {
          grant_type: 'refresh_token',
          refresh_token: s.refresh_token,
          client_id: cfg.client_id,
        });
        store(s.realm, tokens, s);
        return tokens.access_token;
      } catch {
        return null;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/** Where to send the browser so Keycloak ends its session too, or null. */
export async function logoutUrl() {
  const s = session();
  const cfg = await config();
  if (!s || !cfg) return null;
  const url = new URL(realmUrl(cfg, s.realm, 'logout'));
  const params = { client_id: cfg.client_id, post_logout_redirect_uri: `${location.origin}/admin/signin` };
  if (s.id_token) params.id_token_hint = s.id_token;
  url.search = new URLSearchParams(params).toString();
  return url.toString();
}
