// The dashboard's entry point: sign-in, navigation, and the router.
import * as api from './api.js';
import { h, render, alertBox } from './dom.js';
import { tenantsPage, newTenantPage, tenantPage, staffPage } from './tenants.js';
import { catalogPage } from './catalog.js';

const MESSAGE = 'ratiba.signinMessage';

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

api.onUnauthorized((message) => {
  sessionStorage.setItem(MESSAGE, message);
  navigate('/admin/signin', { replace: true });
});

function signInPage() {
  const message = sessionStorage.getItem(MESSAGE);
  sessionStorage.removeItem(MESSAGE);
  const error = h('div', { id: 'signin-error' });
  if (message) error.append(alertBox(message, message.startsWith('You are signed out') ? 'info' : 'error'));
  const input = h('input', {
    id: 'admin-key', name: 'admin-key', type: 'password', autocomplete: 'current-password',
    required: true, 'aria-describedby': 'admin-key-help signin-error', spellcheck: 'false',
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card narrow', novalidate: true },
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
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/admin/') && !next.startsWith('/admin/signin') ? next : '/admin/tenants', { replace: true });
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
  render(
    h('h1', {}, 'Sign in'),
    h('p', { class: 'lead' }, 'Onboard spas, salons and clinics: create tenants, read their menus, check their setup.'),
    form,
  );
  input.focus();
}

function notFoundPage() {
  render(h('h1', {}, 'Page not found'),
    h('p', {}, h('a', { href: '/admin/tenants', 'data-link': true }, 'Go to the tenants')));
}

function setNav(section) {
  const nav = document.getElementById('nav');
  nav.hidden = !api.key();
  for (const a of nav.querySelectorAll('a[data-section]')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/admin';
  const params = new URLSearchParams(location.search);
  if (path === '/admin/signin' || !api.key()) {
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

document.getElementById('signout').addEventListener('click', () => {
  api.clearKey();
  sessionStorage.setItem(MESSAGE, 'You are signed out.');
  navigate('/admin/signin', { replace: true });
});

window.addEventListener('popstate', route);
route();
