// The dashboard's entry point: sign-in (operators with the admin key, tenant owners
// through their realm), navigation, and the router.
import * as api from './api.js';
import * as oidc from './oidc.js';
import * as rules from './rules.js';
import { h, render, alertBox } from './dom.js';
import { tenantsPage, newTenantPage, tenantPage, staffPage } from './tenants.js';
import { catalogPage } from './catalog.js';

const MESSAGE = 'ratiba.signinMessage';
// An owner's message goes with the owners' form, an operator's with the key's.
const OWNER_MESSAGE = `${MESSAGE}.owner`;

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

const REALM = 'ratiba.lastRealm';

api.onUnauthorized((message, realm) => {
  sessionStorage.setItem(realm ? OWNER_MESSAGE : MESSAGE, message);
  if (realm) sessionStorage.setItem(REALM, realm);
  const here = returnable(location.pathname + location.search);
  navigate(`/admin/signin${here ? `?next=${encodeURIComponent(here)}` : ''}`, { replace: true });
});

/** A dashboard path to come back to after signing in (never the sign-in pages), or null. */
function returnable(path) {
  return typeof path === 'string' && path.startsWith('/admin/')
    && !path.startsWith('/admin/signin') && !path.startsWith('/admin/callback') ? path : null;
}

function nextPath(fallback) {
  return returnable(new URLSearchParams(location.search).get('next')) || fallback;
}

/** The owners' half of the sign-in page: their business ID, then their realm's page. */
function ownerSignIn(message) {
  const params = new URLSearchParams(location.search);
  const input = h('input', {
    id: 'owner-realm', name: 'realm', type: 'text', autocomplete: 'organization', autocapitalize: 'none',
    spellcheck: 'false', class: 'mono', required: true, 'aria-describedby': 'owner-realm-help owner-error',
    value: params.get('realm') || sessionStorage.getItem(REALM) || '',
  });
  const error = h('div', { id: 'owner-error' });
  if (message) error.append(alertBox(message, message.startsWith('You are signed out') ? 'info' : 'error'));
  const button = h('button', { type: 'submit', class: 'primary' }, 'Continue to sign in');
  const form = h('form', { class: 'card narrow', novalidate: true, id: 'owner-signin', 'aria-labelledby': 'owner-h' },
    h('h2', { id: 'owner-h' }, 'Business owners'),
    h('div', { class: 'field' },
      h('label', { for: 'owner-realm' }, 'Business ID'),
      input,
      h('p', { id: 'owner-realm-help', class: 'help' },
        'The short name of your business in Ratiba, like salon_amani: your operator sent it with your first password. ',
        'Next you sign in with your phone number (digits only, like 254712345678) and your password.')),
    error,
    button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.replaceChildren();
    const realm = input.value.trim().toLowerCase();
    const problem = realm ? rules.checkSlug(realm) : 'Type your business ID.';
    if (problem) {
      error.append(alertBox(`Business ID: ${problem}`));
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Opening the sign-in page…';
    try {
      sessionStorage.setItem(REALM, realm);
      await oidc.start(realm, nextPath(''));
    } catch (err) {
      error.append(alertBox(err.message));
      button.disabled = false;
      button.textContent = 'Continue to sign in';
    }
  });
  return { form, input };
}

async function signInPage() {
  const message = sessionStorage.getItem(MESSAGE);
  sessionStorage.removeItem(MESSAGE);
  const ownerError = sessionStorage.getItem(OWNER_MESSAGE);
  sessionStorage.removeItem(OWNER_MESSAGE);
  const owners = await oidc.config();
  if (location.pathname !== '/admin/signin') return; // navigated away meanwhile
  const error = h('div', { id: 'signin-error' });
  if (message) error.append(alertBox(message, message.startsWith('You are signed out') ? 'info' : 'error'));
  if (ownerError && !owners) error.append(alertBox(ownerError));
  const input = h('input', {
    id: 'admin-key', name: 'admin-key', type: 'password', autocomplete: 'current-password',
    required: true, 'aria-describedby': 'admin-key-help signin-error', spellcheck: 'false',
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card narrow', novalidate: true, id: 'admin-signin', 'aria-labelledby': owners ? 'admin-h' : null },
    owners ? h('h2', { id: 'admin-h' }, 'Platform operators') : null,
    h('div', { class: 'field' },
      h('label', { for: 'admin-key' }, 'Admin API key'),
      input,
      h('p', { id: 'admin-key-help', class: 'help' },
        'The platform key of this server (ADMIN_API_KEY, printed by ratiba serve when it generated one). ',
        'It is kept only in this browser tab and forgotten when you close it.')),
    error,
    button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.replaceChildren();
    const value = input.value.trim();
    if (!value) {
      error.append(alertBox('Type the admin API key.'));
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await api.call('GET', '/api/v1/admin/tenants', {
        withKey: false, signIn: true, headers: { 'X-Admin-API-Key': value },
      });
      api.setKey(value);
      navigate(nextPath('/admin/tenants'), { replace: true });
    } catch (err) {
      const text = err.status === 401
        ? 'That admin key was not accepted. Check it (it is case-sensitive) and try again.'
        : err.message;
      error.append(alertBox(text));
      button.disabled = false;
      button.textContent = 'Sign in';
      input.select();
      input.focus();
    }
  });
  const owner = owners ? ownerSignIn(ownerError) : null;
  render(
    h('h1', {}, 'Sign in'),
    h('p', { class: 'lead' }, 'Onboard spas, salons and clinics: create tenants, read their menus, check their setup.'),
    owner ? owner.form : null,
    form,
  );
  if (owner && (ownerError || !message)) owner.input.focus();
  else input.focus();
}

/** Back from the realm's sign-in page with a code (or an error). */
async function callbackPage() {
  render(h('h1', {}, 'Signing in…'), h('p', { class: 'muted', role: 'status' }, 'Checking your sign-in…'));
  const params = new URLSearchParams(location.search);
  // The code is single-use and must not stay in the address bar or history.
  history.replaceState(null, '', '/admin/callback');
  try {
    const { realm, next } = await oidc.finish(params);
    api.forgetAdminKey();
    navigate(returnable(next) || `/admin/tenants/${encodeURIComponent(realm)}`, { replace: true });
  } catch (err) {
    sessionStorage.setItem(OWNER_MESSAGE, err.message);
    navigate('/admin/signin', { replace: true });
  }
}

function notFoundPage() {
  render(h('h1', {}, 'Page not found'),
    h('p', {}, h('a', { href: '/admin/tenants', 'data-link': true }, 'Go to the tenants')));
}

function setNav(section) {
  const nav = document.getElementById('nav');
  nav.hidden = !api.signedIn();
  const own = api.ownTenant();
  const home = nav.querySelector('a[data-section="tenants"]');
  home.textContent = own ? 'My business' : 'Tenants';
  home.setAttribute('href', own ? `/admin/tenants/${encodeURIComponent(own)}` : '/admin/tenants');
  const who = document.getElementById('who');
  who.textContent = own ? `Signed in to ${own}` : '';
  who.hidden = !own;
  for (const a of nav.querySelectorAll('a[data-section]')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/admin';
  const params = new URLSearchParams(location.search);
  if (path === '/admin/callback') {
    setNav(null);
    document.title = 'Signing in · Ratiba admin';
    callbackPage();
    return;
  }
  if (path === '/admin/signin' || !api.signedIn()) {
    if (path !== '/admin/signin') {
      const next = path === '/admin' ? '' : `?next=${encodeURIComponent(path + location.search)}`;
      history.replaceState(null, '', `/admin/signin${next}`);
    }
    setNav(null);
    document.title = 'Sign in · Ratiba admin';
    signInPage();
    return;
  }
  let m;
  const own = api.ownTenant();
  if (own) {
    // An owner works on their own tenant only: the tenant list and the New Tenant
    // form are the operator's.
    m = path.match(/^\/admin\/tenants\/([^/]+)$/);
    if (path === '/admin' || path === '/admin/tenants' || (m && decodeURIComponent(m[1]) !== own)) {
      navigate(`/admin/tenants/${encodeURIComponent(own)}`, { replace: true });
      return;
    }
    if (path === '/admin/tenants/new') {
      setNav('tenants');
      document.title = 'New tenant · Ratiba admin';
      render(h('h1', {}, 'New tenant'),
        alertBox('Only the Ratiba operator creates tenants. You are signed in to your own business.', 'info'),
        h('p', {}, h('a', { href: `/admin/tenants/${encodeURIComponent(own)}`, 'data-link': true }, 'Go to your business')));
      return;
    }
    if ((path === '/admin/catalog' || path === '/admin/staff') && params.get('tenant') !== own) {
      params.set('tenant', own);
      navigate(`${path}?${params}`, { replace: true });
      return;
    }
  }
  if (path === '/admin' || path === '/admin/tenants') {
    setNav('tenants');
    document.title = 'Tenants · Ratiba admin';
    tenantsPage();
  } else if (path === '/admin/tenants/new') {
    setNav('tenants');
    document.title = 'New tenant · Ratiba admin';
    newTenantPage();
  } else if ((m = path.match(/^\/admin\/tenants\/([^/]+)$/))) {
    setNav('tenants');
    const slug = decodeURIComponent(m[1]);
    document.title = `${slug} · Ratiba admin`;
    tenantPage(slug);
  } else if (path === '/admin/catalog') {
    setNav('catalog');
    document.title = 'Catalog · Ratiba admin';
    catalogPage(params.get('tenant') || '');
  } else if (path === '/admin/staff') {
    setNav('staff');
    document.title = 'Staff · Ratiba admin';
    staffPage(params.get('tenant') || '');
  } else {
    setNav(null);
    notFoundPage();
  }
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});

document.getElementById('signout').addEventListener('click', async () => {
  // An owner leaves through Keycloak too, so the next person on this device is not
  // signed in again by Keycloak's own session.
  const owner = api.ownTenant();
  const logout = owner ? await oidc.logoutUrl() : null;
  api.clearKey();
  sessionStorage.setItem(owner ? OWNER_MESSAGE : MESSAGE, 'You are signed out.');
  if (logout) location.assign(logout);
  else navigate('/admin/signin', { replace: true });
});

window.addEventListener('popstate', route);
route();
