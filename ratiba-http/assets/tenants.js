// Tenants: the list, the New Tenant form, and one tenant's page with its checks.
import * as api from './api.js';
import * as oidc from './oidc.js';
import * as rules from './rules.js';
import { h, render, alertBox, toast, go, spinner } from './dom.js';

const CHECK_LABELS = {
  registry_row: 'Registry row',
  owner_admin: 'Owner',
  tenant_store: 'Tenant store',
  tables: 'Business and checkpoint tables',
  realm: 'Identity realm',
  realm_enabled: 'Realm enabled',
  realm_client: 'Admin client (tenant-admin)',
  realm_roles: 'Realm roles',
  realm_owner: 'Owner user in the realm',
  catalog: 'Services in the catalog',
  staff_schedules: 'Staff with a weekly schedule',
};

function advice(name, slug) {
  const a = {
    registry_row: `No registry row. If an onboarding was interrupted, run "ratiba reconcile --fix", then create the tenant again.`,
    owner_admin: 'No active owner. Re-activate the owner in tenant_admins, or delete the tenant and onboard it again with the owner\'s phone.',
    tenant_store: `The tenant store is missing. Run "ratiba reconcile --fix" to remove the half-made tenant, then create it again.`,
    tables: `Tables are missing. On PostgreSQL run "ratiba migrate"; on the embedded store run "ratiba reconcile --fix" and onboard again.`,
    realm: `The realm '${slug}' is missing. Run "ratiba realms push" to create it in Keycloak.`,
    realm_enabled: `Enable realm '${slug}' in the Keycloak admin console (Realm settings → Enabled).`,
    realm_client: 'The tenant-admin client is missing. Run "ratiba realms push", or create the client in Keycloak.',
    realm_roles: 'Add the missing realm roles (owner, admin, staff) in Keycloak, or run "ratiba realms push".',
    realm_owner: 'Create a realm user with the role owner and the owner\'s phone number (or run "ratiba realms push").',
    catalog: `The assistant has no services to offer. Import the menu on the Catalog tab (/admin/catalog?tenant=${slug}), or with "ratiba catalog import MENU --tenant ${slug} --commit".`,
    staff_schedules: `Bookings stall at slot collection until someone has a schedule. Add staff with their weekly hours on the Staff tab (/admin/staff?tenant=${slug}), or with "ratiba staff add --tenant ${slug} --name N --schedule 'mon 09:00-17:00'".`,
  }[name];
  return a || `Run "ratiba tenants verify ${slug}" for details; on PostgreSQL "ratiba migrate" brings a schema to the current version.`;
}

/** An owner can fix a missing menu or staff; everything else needs the operator's tools. */
function ownerAdvice(name, slug) {
  if (!api.ownTenant()) return advice(name, slug);
  if (name === 'staff_schedules') return 'Bookings stall until someone has weekly hours: add your staff and their hours on the Staff tab.';
  if (name === 'catalog') return 'The assistant has no services to offer yet: import your menu on the Catalog tab.';
  return `Ask your Ratiba operator to fix this (tell them: ${advice(name, slug)})`;
}

function errorPage(title, err) {
  if (err.status === 401 || err.status === 403) return; // back at sign-in already
  render(h('h1', {}, title), alertBox(err.message));
}

// ---------------------------------------------------------------- list

export async function tenantsPage() {
  render(
    h('div', { class: 'page-head' },
      h('h1', {}, 'Tenants'),
      h('a', { href: '/admin/tenants/new', 'data-link': true, class: 'button primary' }, 'New tenant')),
    spinner('Loading tenants…'),
  );
  let tenants;
  try {
    tenants = await api.call('GET', '/api/v1/admin/tenants');
  } catch (err) {
    errorPage('Tenants', err);
    return;
  }
  if (!tenants.length) {
    render(
      h('div', { class: 'page-head' },
        h('h1', {}, 'Tenants'),
        h('a', { href: '/admin/tenants/new', 'data-link': true, class: 'button primary' }, 'New tenant')),
      h('p', { class: 'empty' }, 'No tenants yet. Create the first one with "New tenant".'),
    );
    return;
  }
  const rows = tenants.map((t) => {
    const state = h('span', { class: 'verify pending', dataset: { slug: t.slug } }, 'Checking…');
    const tr = h('tr', { dataset: { slug: t.slug } },
      h('th', { scope: 'row' },
        h('a', { href: `/admin/tenants/${encodeURIComponent(t.slug)}`, 'data-link': true }, t.name),
        h('div', { class: 'muted mono' }, t.slug)),
      h('td', { 'data-label': 'Vertical' }, t.vertical),
      h('td', { 'data-label': 'Status' }, h('span', { class: `status status-${t.status}` }, t.status)),
      h('td', { 'data-label': 'Verification' }, state),
      h('td', { 'data-label': 'Catalog' },
        h('a', { href: `/admin/catalog?tenant=${encodeURIComponent(t.slug)}`, 'data-link': true }, 'Import menu')));
    return { tr, state, slug: t.slug };
  });
  render(
    h('div', { class: 'page-head' },
      h('h1', {}, 'Tenants'),
      h('a', { href: '/admin/tenants/new', 'data-link': true, class: 'button primary' }, 'New tenant')),
    h('p', { class: 'muted' }, `${tenants.length} tenant${tenants.length === 1 ? '' : 's'}.`),
    h('table', { class: 'list', id: 'tenants' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Tenant'), h('th', { scope: 'col' }, 'Vertical'),
        h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Verification'),
        h('th', { scope: 'col' }, 'Catalog'))),
      h('tbody', {}, rows.map((r) => r.tr))),
  );
  // Verification, a few at a time.
  const queue = [...rows];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      try {
        const report = await api.call('GET', `/api/v1/admin/tenants/${encodeURIComponent(r.slug)}/verify`);
        // A failed warning (c.warning) does not fail the tenant.
        const failed = report.checks.filter((c) => !c.ok && !c.warning).length;
        r.state.className = `verify ${failed ? 'bad' : 'ok'}`;
        r.state.textContent = failed ? `✗ ${failed} check${failed === 1 ? '' : 's'} failed` : '✓ All checks pass';
      } catch (err) {
        r.state.className = 'verify bad';
        r.state.textContent = `Could not verify: ${err.message}`;
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

// ---------------------------------------------------------------- new tenant

const FIELDS = [
  { name: 'name', label: 'Business name', check: rules.checkName, help: 'As customers know it, such as "Spa Pilot". At most 120 characters.', attrs: { autocomplete: 'organization' } },
  {
    name: 'slug', label: 'Slug', check: rules.checkSlug, mono: true,
    help: 'The tenant\'s permanent id: it names its database schema (tenant_<slug>) and its login realm, so it cannot change later. '
      + 'Start with a lowercase letter, then use only lowercase letters, digits and "_" (no "-" or spaces), at most 56 characters. '
      + 'Reserved names (admin, public, master, postgres, pg_…) are refused.',
    attrs: { autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off', maxlength: '80' },
  },
  { name: 'vertical', label: 'Kind of business', check: rules.checkVertical, select: rules.VERTICALS },
  { name: 'owner_phone', label: 'Owner\'s phone', check: (v) => rules.checkPhone(v), help: 'International form with the country code: +254712345678 (not 0712345678).', attrs: { type: 'tel', autocomplete: 'tel', inputmode: 'tel' } },
  { name: 'whatsapp_number', label: 'WhatsApp business number', check: (v) => rules.checkPhone(v), help: 'The number customers message, in international form.', attrs: { type: 'tel', inputmode: 'tel' } },
  { name: 'voice_number', label: 'Voice number (optional)', check: (v) => rules.checkPhone(v, { optional: true }), optional: true, attrs: { type: 'tel', inputmode: 'tel' } },
  { name: 'locale', label: 'Language', check: rules.checkLocale, value: 'en', list: ['en', 'sw', 'en-KE', 'sw-KE'], help: 'A language tag: en, sw, en-KE or sw-KE.' },
  { name: 'timezone', label: 'Time zone', check: rules.checkTimezone, value: 'Africa/Nairobi', list: ['Africa/Nairobi', 'Africa/Kampala', 'Africa/Dar_es_Salaam', 'Africa/Kigali', 'Africa/Lagos', 'UTC'], help: 'An IANA name such as Africa/Nairobi (not EAT).' },
];
const CREDENTIALS = [
  { name: 'whatsapp_phone_number_id', label: 'Phone number id', check: rules.checkDigits, optional: true, mono: true, help: 'The numeric id Meta shows for the number.' },
  { name: 'whatsapp_access_token', label: 'Access token', check: rules.checkToken, optional: true, mono: true, help: 'Stored sealed; never shown again.', attrs: { type: 'password', autocomplete: 'off' } },
  { name: 'whatsapp_business_account_id', label: 'Business account id', check: rules.checkDigits, optional: true, mono: true },
];
const CHECKBOXES = [
  { name: 'mpesa_enabled', label: 'M-Pesa', checked: true },
  { name: 'card_enabled', label: 'Card', checked: false },
  { name: 'cash_enabled', label: 'Cash', checked: true },
];

function fieldView(f) {
  const id = `f-${f.name}`;
  const describedBy = [f.help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
  let input;
  if (f.select) {
    input = h('select', { id, name: f.name, 'aria-describedby': describedBy, required: true },
      h('option', { value: '' }, 'Choose…'),
      f.select.map((v) => h('option', { value: v }, v)));
  } else {
    input = h('input', {
      id, name: f.name, type: 'text', value: f.value || '', 'aria-describedby': describedBy,
      required: !f.optional, list: f.list ? `${id}-list` : null, class: f.mono ? 'mono' : null, ...(f.attrs || {}),
    });
  }
  const error = h('p', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite' });
  return {
    f, input, error,
    el: h('div', { class: 'field', dataset: { field: f.name } },
      h('label', { for: id }, f.label, f.optional ? '' : h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      input,
      f.list ? h('datalist', { id: `${id}-list` }, f.list.map((v) => h('option', { value: v }))) : null,
      f.help ? h('p', { id: `${id}-help`, class: 'help' }, f.help) : null,
      error),
  };
}

function showError(view, message, source) {
  view.error.textContent = message ? `${labelOf(view.f)} ${message}` : '';
  view.error.dataset.source = message ? source : '';
  view.el.classList.toggle('invalid', !!message);
  if (message) view.input.setAttribute('aria-invalid', 'true');
  else view.input.removeAttribute('aria-invalid');
}

function labelOf(f) {
  return f.label.replace(/ \(optional\)$/, '');
}

export function newTenantPage() {
  const views = [...FIELDS, ...CREDENTIALS].map(fieldView);
  const byName = Object.fromEntries(views.map((v) => [v.f.name, v]));
  const boxes = CHECKBOXES.map((c) => ({
    c,
    input: h('input', { id: `f-${c.name}`, name: c.name, type: 'checkbox', checked: c.checked }),
  }));
  const summary = h('div', { id: 'form-summary' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create tenant');
  let slugTouched = false;

  for (const v of views) {
    let touched = false;
    const live = () => {
      if (!touched && !v.input.value) return;
      touched = true;
      showError(v, v.f.check(v.input.value), 'client');
    };
    v.input.addEventListener('input', live);
    v.input.addEventListener('change', live);
    v.input.addEventListener('blur', () => {
      touched = touched || v.input.value !== '';
      if (touched) showError(v, v.f.check(v.input.value), 'client');
    });
  }
  byName.slug.input.addEventListener('input', () => { slugTouched = byName.slug.input.value !== ''; });
  byName.name.input.addEventListener('input', () => {
    if (slugTouched) return;
    const s = rules.suggestSlug(byName.name.input.value) || '';
    byName.slug.input.value = s;
    showError(byName.slug, s ? rules.checkSlug(s) : null, 'client');
  });

  const form = h('form', { class: 'card', id: 'new-tenant', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Business'),
      byName.name.el, byName.slug.el, byName.vertical.el),
    h('fieldset', {}, h('legend', {}, 'Contact'),
      byName.owner_phone.el, byName.whatsapp_number.el, byName.voice_number.el),
    h('fieldset', {}, h('legend', {}, 'Region'), byName.locale.el, byName.timezone.el),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Payments accepted'),
      boxes.map((b) => h('label', { class: 'check', for: b.input.id }, b.input, ' ', b.c.label))),
    h('details', {}, h('summary', {}, 'WhatsApp Cloud API credentials (optional, can be added later)'),
      CREDENTIALS.map((c) => byName[c.name].el)),
    summary,
    h('div', { class: 'actions' }, submit,
      h('a', { href: '/admin/tenants', 'data-link': true, class: 'button' }, 'Cancel')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.replaceChildren();
    const body = {};
    for (const v of views) {
      const raw = v.input.value;
      if (v.f.optional && !raw.trim()) continue;
      body[v.f.name] = v.f.name === 'whatsapp_access_token' ? raw : raw.trim();
    }
    for (const b of boxes) body[b.c.name] = b.input.checked;
    submit.disabled = true;
    submit.textContent = 'Creating… (schema, realm, owner)';
    try {
      const tenant = await api.call('POST', '/api/v1/admin/tenants', {
        body, headers: { 'Idempotency-Key': api.idempotencyKey() },
      });
      toast(`Tenant ${tenant.slug} created.`);
      go(`/admin/tenants/${encodeURIComponent(tenant.slug)}?created=1`);
      return;
    } catch (err) {
      if (err.status === 401 || err.status === 403) return;
      for (const v of views) showError(v, null, 'server');
      const unplaced = [];
      if (err.status === 409) {
        showError(byName.slug, 'is taken: a tenant with this slug already exists. Choose another.', 'server');
      }
      for (const fe of err.errors) {
        const v = byName[fe.field];
        if (v) showError(v, fe.message, 'server');
        else unplaced.push(`${fe.field} ${fe.message}`);
      }
      const count = err.errors.length;
      summary.append(alertBox(
        err.status === 422
          ? `The server found ${count} problem${count === 1 ? '' : 's'}; ${count === 1 ? 'it is' : 'they are'} shown next to ${count === 1 ? 'its field' : 'their fields'}.${unplaced.length ? ` ${unplaced.join('; ')}` : ''}`
          : err.message,
      ));
      const first = views.find((v) => v.el.classList.contains('invalid'));
      if (first) {
        first.el.closest('details')?.setAttribute('open', '');
        first.input.focus();
      }
    } finally {
      submit.disabled = false;
      submit.textContent = 'Create tenant';
    }
  });

  render(
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/tenants', 'data-link': true }, 'Tenants'), ' / New'),
    h('h1', {}, 'New tenant'),
    h('p', { class: 'lead' }, 'Creates the registry rows, the tenant\'s own store and its login realm, all or nothing. Fields are checked as you type; the server checks again when you create.'),
    form,
  );
}

// ---------------------------------------------------------------- one tenant

export async function tenantPage(slug) {
  const operator = !api.ownTenant();
  const crumbs = operator
    ? h('p', { class: 'crumbs' }, h('a', { href: '/admin/tenants', 'data-link': true }, 'Tenants'), ` / ${slug}`)
    : null;
  render(crumbs, h('h1', {}, slug), spinner('Loading…'));
  let tenant;
  try {
    tenant = await api.call('GET', `/api/v1/admin/tenants/${encodeURIComponent(slug)}`);
  } catch (err) {
    errorPage(slug, err);
    return;
  }
  const checks = h('section', { 'aria-labelledby': 'checks-h', id: 'verify' },
    h('div', { class: 'page-head' },
      h('h2', { id: 'checks-h' }, 'Setup checks'),
      h('button', { type: 'button', id: 'reverify', onclick: () => runVerify(slug, body) }, 'Check again')));
  const body = h('div', { id: 'verify-body' });
  checks.append(body);
  const owner = (tenant.admins || []).find((a) => a.role === 'owner');
  const created = new URLSearchParams(location.search).get('created');
  const access = h('section', { class: 'card', id: 'owner-access', 'aria-labelledby': 'owner-access-h', hidden: true });
  render(
    crumbs,
    h('div', { class: 'page-head' },
      h('h1', {}, tenant.name),
      h('div', { class: 'actions tight' },
        h('a', { href: `/admin/catalog?tenant=${encodeURIComponent(slug)}`, 'data-link': true, class: 'button primary' }, 'Import the menu'),
        h('a', { href: `/admin/staff?tenant=${encodeURIComponent(slug)}`, 'data-link': true, class: 'button' }, 'Staff and schedules'))),
    created ? alertBox(`Tenant ${slug} was created. Next: import its menu.`, 'success') : null,
    h('dl', { class: 'facts card' },
      fact('Slug', h('span', { class: 'mono' }, tenant.slug)),
      fact('Kind', tenant.vertical),
      fact('Status', h('span', { class: `status status-${tenant.status}` }, tenant.status)),
      fact('Owner', owner ? owner.phone_number : '—'),
      fact('WhatsApp', tenant.whatsapp_number),
      fact('Language', tenant.locale),
      fact('Time zone', tenant.timezone),
      fact('M-Pesa', tenant.mpesa_enabled ? 'yes' : 'no'),
      fact('Created', new Date(tenant.created_at).toLocaleString())),
    checks,
    operator ? access : null,
    operator ? dangerZone(slug) : null,
  );
  await Promise.all([runVerify(slug, body), operator ? ownerAccess(slug, owner, access) : null]);
}

/**
 * The operator's side of the owner's sign-in: a one-time password for the owner's
 * realm user, shown once, to send to the owner with their business ID.
 */
async function ownerAccess(slug, owner, section) {
  const cfg = await oidc.config();
  if (!cfg || !owner) return;
  const username = owner.phone_number.replace(/^\+/, '');
  const result = h('div', { id: 'owner-password-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'owner-password' }, 'Make a one-time password');
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(spinner('Setting the password in the realm…'));
    try {
      const r = await api.call('POST', `/api/v1/admin/tenants/${encodeURIComponent(slug)}/owner-password`);
      result.replaceChildren(
        alertBox('Send these to the owner now: the password is shown only this once. At the first sign-in they choose their own.', 'success'),
        h('dl', { class: 'facts card' },
          fact('Sign-in page', h('span', { class: 'mono' }, `${location.origin}/admin/signin?realm=${encodeURIComponent(r.realm)}`)),
          fact('Business ID', h('span', { class: 'mono' }, r.realm)),
          fact('Username', h('span', { class: 'mono' }, r.username)),
          fact('One-time password', h('output', { class: 'mono', id: 'owner-temporary-password' }, r.temporary_password))));
    } catch (err) {
      if (err.status === 401 || err.status === 403) return;
      result.replaceChildren(alertBox(err.message));
    } finally {
      button.disabled = false;
    }
  });
  section.replaceChildren(
    h('h2', { id: 'owner-access-h' }, 'Owner\'s sign-in'),
    h('p', {}, `The owner signs in to this dashboard through the realm ${slug}, with the username `,
      h('span', { class: 'mono' }, username), ' and a password. A new one-time password replaces any earlier one.'),
    button,
    result);
  section.hidden = false;
}

function fact(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

async function runVerify(slug, body) {
  body.replaceChildren(spinner('Checking…'));
  let report;
  try {
    report = await api.call('GET', `/api/v1/admin/tenants/${encodeURIComponent(slug)}/verify`);
  } catch (err) {
    body.replaceChildren(alertBox(`The checks could not run: ${err.message}`));
    return;
  }
  // Failed warnings (c.warning) are shown, but neither fail nor count as checks.
  const failed = report.checks.filter((c) => !c.ok && !c.warning);
  const warned = report.checks.filter((c) => !c.ok && c.warning);
  const counted = report.checks.length - warned.length;
  const warnNote = warned.length ? ` ${warned.length} warning${warned.length === 1 ? '' : 's'} below.` : '';
  const state = (c) => (c.ok ? 'ok' : c.warning ? 'warn' : 'bad');
  const verdict = { ok: 'passed', warn: 'warning', bad: 'failed' };
  body.replaceChildren(
    failed.length
      ? alertBox(`${failed.length} of ${counted} checks failed. What to do is under each one.${warnNote}`)
      : alertBox(`All ${counted} checks pass.${warnNote}`, 'success'),
    h('ul', { class: 'checklist' }, report.checks.map((c) => h('li', { class: state(c), dataset: { check: c.name } },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, { ok: '✓', warn: '!', bad: '✗' }[state(c)]),
      h('div', {},
        h('strong', {}, CHECK_LABELS[c.name] || c.name.replaceAll('_', ' ')),
        h('span', { class: 'sr-only' }, ` ${verdict[state(c)]}`),
        h('span', { class: 'verdict' }, ` — ${verdict[state(c)]}`),
        h('div', { class: 'muted' }, c.detail),
        c.ok ? null : h('p', { class: 'advice' }, h('strong', {}, 'What to do: '), ownerAdvice(c.name, slug)))))),
  );
}

function dangerZone(slug) {
  const input = h('input', { id: 'confirm-delete', type: 'text', autocomplete: 'off', spellcheck: 'false', class: 'mono', 'aria-describedby': 'confirm-delete-help' });
  const button = h('button', { type: 'submit', class: 'danger', disabled: true }, 'Delete tenant');
  const status = h('div');
  input.addEventListener('input', () => { button.disabled = input.value !== slug; });
  const form = h('form', { class: 'card danger-zone' },
    h('h2', {}, 'Delete this tenant'),
    h('p', { id: 'confirm-delete-help' }, `Deletes the realm, the registry rows and the tenant's store, with every booking in it. Type ${slug} to confirm.`),
    h('div', { class: 'field' }, h('label', { for: 'confirm-delete' }, 'Slug'), input),
    status, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (input.value !== slug) return;
    button.disabled = true;
    try {
      await api.call('DELETE', `/api/v1/admin/tenants/${encodeURIComponent(slug)}`);
      toast(`Tenant ${slug} deleted.`);
      go('/admin/tenants');
    } catch (err) {
      status.replaceChildren(alertBox(err.message));
      button.disabled = false;
    }
  });
  return h('details', { class: 'danger-details' }, h('summary', {}, 'Delete…'), form);
}

// ---------------------------------------------------------------- staff
// (Here rather than in a module of its own: the embedded asset list is fixed.)

const WEEKDAYS = [
  ['monday', 'Monday'], ['tuesday', 'Tuesday'], ['wednesday', 'Wednesday'], ['thursday', 'Thursday'],
  ['friday', 'Friday'], ['saturday', 'Saturday'], ['sunday', 'Sunday'],
];
const DAY_LABEL = Object.fromEntries(WEEKDAYS);

/** Minutes after midnight of `HH:MM` (24 h, `24:00` ends the day), or null; as the server reads it. */
export function minutesOf(raw) {
  const m = /^([0-9]{1,2}):([0-9]{2})$/.exec(raw.trim());
  if (!m) return null;
  const hh = Number(m[1]);
  const mm = Number(m[2]);
  if (mm >= 60 || hh > 24 || (hh === 24 && mm !== 0)) return null;
  return hh * 60 + mm;
}

/** Client-side problems of one day's rows, as `{row: {start?, end?, row?}}`, mirroring the server. */
function dayProblems(rows) {
  const problems = new Map();
  const put = (r, k, msg) => problems.set(r, { ...(problems.get(r) || {}), [k]: msg });
  const good = [];
  for (const r of rows) {
    const s = minutesOf(r.start.value);
    const e = minutesOf(r.end.value);
    if (s === null || s >= 24 * 60) put(r, 'start', r.start.value.trim() ? 'Start must be a time such as 09:00.' : 'Type the start, such as 09:00.');
    if (e === null) put(r, 'end', r.end.value.trim() ? 'End must be a time such as 17:00 (24:00 ends the day).' : 'Type the end, such as 17:00.');
    if (s !== null && e !== null && s < 24 * 60) {
      if (e <= s) put(r, 'end', `End ${r.end.value.trim()} must be after the start ${r.start.value.trim()}.`);
      else {
        const clash = good.find((g) => s < g.e && g.s < e);
        if (clash) put(r, 'row', `Overlaps ${clash.r.start.value.trim()}–${clash.r.end.value.trim()} on the same day.`);
        good.push({ r, s, e });
      }
    }
  }
  return problems;
}

function scheduleText(schedule) {
  if (!schedule.length) return 'No schedule';
  const by = new Map();
  for (const iv of schedule) {
    const k = iv.weekday;
    if (!by.has(k)) by.set(k, []);
    by.get(k).push(`${iv.start}–${iv.end}`);
  }
  return WEEKDAYS.filter(([d]) => by.has(d)).map(([d, label]) => `${label.slice(0, 3)} ${by.get(d).join(', ')}`);
}

export async function staffPage(initialTenant) {
  render(h('h1', {}, 'Staff'), spinner('Loading tenants…'));
  let tenants;
  try {
    tenants = await api.tenants();
  } catch (err) {
    errorPage('Staff', err);
    return;
  }
  const select = h('select', { id: 'staff-tenant', name: 'tenant' },
    h('option', { value: '' }, tenants.length ? 'Choose a tenant…' : 'No tenants yet'),
    tenants.map((t) => h('option', { value: t.slug, selected: t.slug === initialTenant }, `${t.name} (${t.slug})`)));
  const body = h('div', { id: 'staff-body' });
  select.addEventListener('change', () => {
    const u = new URL(location.href);
    if (select.value) u.searchParams.set('tenant', select.value);
    else u.searchParams.delete('tenant');
    history.replaceState(null, '', u.pathname + u.search);
    loadStaff(select.value, body);
  });
  render(
    h('h1', {}, 'Staff'),
    h('p', { class: 'lead' }, 'Who works at each tenant, the services they perform, and their recurring weekly hours (in the tenant\'s time zone). Bookings are offered only inside these hours.'),
    tenants.length
      ? h('div', { class: 'card' }, h('div', { class: 'field' }, h('label', { for: 'staff-tenant' }, 'Tenant'), select))
      : alertBox('Create a tenant first (Tenants → New tenant).', 'info'),
    body,
  );
  if (select.value) await loadStaff(select.value, body);
}

async function loadStaff(slug, body) {
  if (!slug) {
    body.replaceChildren();
    return;
  }
  body.replaceChildren(spinner('Loading staff…'));
  const base = `/api/v1/admin/tenants/${encodeURIComponent(slug)}`;
  let services;
  let staff;
  try {
    [services, staff] = await Promise.all([api.call('GET', `${base}/services`), api.call('GET', `${base}/staff`)]);
  } catch (err) {
    if (err.status === 401 || err.status === 403) return;
    body.replaceChildren(alertBox(`The staff could not be loaded: ${err.message}`));
    return;
  }
  const list = h('section', { id: 'staff-list-section', 'aria-labelledby': 'staff-list-h' });
  const formHolder = h('section', { id: 'staff-form-section', 'aria-labelledby': 'staff-form-h' });
  const reload = async (message) => {
    if (message) toast(message);
    await loadStaff(slug, body);
  };
  const edit = (member) => {
    formHolder.replaceChildren(...staffForm(slug, services, member, reload));
    formHolder.querySelector('input')?.focus();
    formHolder.scrollIntoView({ block: 'start' });
  };

  list.append(h('h2', { id: 'staff-list-h' }, `Staff (${staff.length})`));
  if (!staff.length) {
    list.append(h('p', { class: 'empty' }, 'No staff yet. Add the first one below: until someone has a schedule, no booking can be offered.'));
  } else {
    list.append(h('table', { class: 'list', id: 'staff-list' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Phone'), h('th', { scope: 'col' }, 'Services'),
        h('th', { scope: 'col' }, 'Weekly schedule'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', {}, staff.map((m) => staffRow(slug, m, edit, reload)))));
  }
  formHolder.append(...staffForm(slug, services, null, reload));
  body.replaceChildren(list, formHolder);
}

function staffRow(slug, m, edit, reload) {
  const sched = scheduleText(m.schedule);
  const status = h('div');
  const actions = h('td', { 'data-label': '' });
  const normal = () => actions.replaceChildren(
    h('button', { type: 'button', class: 'link', 'aria-label': `Edit ${m.name}`, onclick: () => edit(m) }, 'Edit'),
    h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${m.name}`, onclick: confirm }, 'Remove'),
    status);
  function confirm() {
    const yes = h('button', { type: 'button', class: 'danger' }, `Remove ${m.name}`);
    const no = h('button', { type: 'button' }, 'Keep');
    no.addEventListener('click', normal);
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api.call('DELETE', `/api/v1/admin/tenants/${encodeURIComponent(slug)}/staff/${encodeURIComponent(m.id)}`);
        await reload(`${m.name} removed.`);
      } catch (err) {
        if (err.status === 401 || err.status === 403) return;
        yes.disabled = false;
        status.replaceChildren(alertBox(err.message));
      }
    });
    actions.replaceChildren(h('p', { class: 'help', role: 'status' }, `Remove ${m.name} and their schedule?`),
      h('div', { class: 'actions tight' }, yes, no), status);
    no.focus();
  }
  normal();
  return h('tr', { dataset: { staff: m.id } },
    h('th', { scope: 'row', 'data-label': 'Name' }, m.name),
    h('td', { 'data-label': 'Phone' }, m.phone || '—'),
    h('td', { 'data-label': 'Services' }, m.services.length ? m.services.join(', ') : '—'),
    h('td', { 'data-label': 'Weekly schedule' }, Array.isArray(sched)
      ? h('ul', { class: 'week' }, sched.map((s) => h('li', {}, s)))
      : h('span', { class: 'muted' }, sched)),
    actions);
}

let rowSeq = 0;

function staffForm(slug, services, member, reload) {
  const editing = !!member;
  const name = h('input', { id: 'staff-name', name: 'name', type: 'text', required: true, autocomplete: 'off', 'aria-describedby': 'staff-name-error', value: member ? member.name : '' });
  const nameError = h('p', { id: 'staff-name-error', class: 'field-error', 'aria-live': 'polite' });
  const phone = h('input', { id: 'staff-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'off', 'aria-describedby': 'staff-phone-help staff-phone-error', value: member && member.phone ? member.phone : '' });
  const phoneError = h('p', { id: 'staff-phone-error', class: 'field-error', 'aria-live': 'polite' });
  const chosen = new Set((member ? member.services : []).map((s) => s.toLowerCase()));
  const boxes = services.map((s, i) => h('input', { type: 'checkbox', id: `svc-${i}`, value: s.name, checked: chosen.has(s.name.toLowerCase()) }));
  const servicesError = h('p', { id: 'staff-services-error', class: 'field-error', 'aria-live': 'polite' });
  const summary = h('div', { id: 'staff-summary' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'save-staff' }, editing ? 'Save changes' : 'Add staff member');

  // One entry per interval row: {day, el, start, end, error}.
  const rows = [];
  const dayLists = {};
  function setRowError(r, problems) {
    const msgs = [problems.start, problems.end, problems.row].filter(Boolean);
    r.error.textContent = msgs.join(' ');
    for (const [k, input] of [['start', r.start], ['end', r.end]]) {
      if (problems[k] || problems.row) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    r.el.classList.toggle('invalid', msgs.length > 0);
  }
  function checkDay(day) {
    const dayRows = rows.filter((r) => r.day === day);
    const problems = dayProblems(dayRows);
    for (const r of dayRows) setRowError(r, (r.touched || r.submitted) ? (problems.get(r) || {}) : {});
    return problems.size;
  }
  function addRow(day, start = '', end = '', focus = false) {
    rowSeq += 1;
    const id = `iv-${rowSeq}`;
    const label = DAY_LABEL[day];
    const n = () => rows.filter((x) => x.day === day).indexOf(r) + 1;
    const start_ = h('input', { id: `${id}-start`, type: 'text', inputmode: 'numeric', class: 'time mono', placeholder: '09:00', value: start, maxlength: '5', 'aria-describedby': `${id}-error`, autocomplete: 'off' });
    const end_ = h('input', { id: `${id}-end`, type: 'text', inputmode: 'numeric', class: 'time mono', placeholder: '17:00', value: end, maxlength: '5', 'aria-describedby': `${id}-error`, autocomplete: 'off' });
    const remove = h('button', { type: 'button', class: 'link' }, 'Remove');
    const error = h('p', { id: `${id}-error`, class: 'field-error interval-error', 'aria-live': 'polite' });
    const r = { day, start: start_, end: end_, error, touched: !!(start || end), submitted: false };
    const startLabel = h('label', { for: start_.id }, 'From');
    const endLabel = h('label', { for: end_.id }, 'to');
    r.el = h('li', { class: 'interval', dataset: { day } }, startLabel, start_, endLabel, end_, remove, error);
    r.relabel = () => {
      const k = n();
      start_.setAttribute('aria-label', `${label} interval ${k} start`);
      end_.setAttribute('aria-label', `${label} interval ${k} end`);
      remove.setAttribute('aria-label', `Remove ${label} interval ${k}`);
    };
    for (const input of [start_, end_]) {
      // Checked live once both times are complete (and while the row shows a problem);
      // never on a bare blur, which would move the page under the pointer mid-click.
      input.addEventListener('input', () => {
        const complete = minutesOf(start_.value) !== null && minutesOf(end_.value) !== null;
        if (complete) r.touched = true;
        if (complete || r.el.classList.contains('invalid')) checkDay(day);
      });
    }
    remove.addEventListener('click', () => {
      const at = rows.indexOf(r);
      rows.splice(at, 1);
      r.el.remove();
      rows.filter((x) => x.day === day).forEach((x) => x.relabel());
      checkDay(day);
      dayLists[day].add.focus();
    });
    rows.push(r);
    dayLists[day].list.append(r.el);
    rows.filter((x) => x.day === day).forEach((x) => x.relabel());
    if (focus) start_.focus();
    return r;
  }
  const days = WEEKDAYS.map(([day, label]) => {
    const list = h('ul', { class: 'intervals', id: `day-${day}` });
    const add = h('button', { type: 'button', class: 'link', 'aria-label': `Add hours on ${label}` }, '+ Add hours');
    add.addEventListener('click', () => {
      const last = rows.filter((x) => x.day === day).at(-1);
      addRow(day, '', '', true);
      if (last) last.touched = true;
    });
    dayLists[day] = { list, add };
    return h('div', { class: 'day', role: 'group', 'aria-labelledby': `day-${day}-h` },
      h('div', { class: 'day-name', id: `day-${day}-h` }, label), h('div', {}, list, add));
  });
  for (const iv of member ? member.schedule : []) addRow(iv.weekday, iv.start, iv.end);

  const copy = h('button', { type: 'button', id: 'copy-monday' }, 'Copy Monday to Tuesday–Friday');
  copy.addEventListener('click', () => {
    const mon = rows.filter((r) => r.day === 'monday');
    for (const [day] of WEEKDAYS.slice(1, 5)) {
      for (const r of rows.filter((x) => x.day === day)) { rows.splice(rows.indexOf(r), 1); r.el.remove(); }
      for (const m of mon) addRow(day, m.start.value, m.end.value);
    }
    toast('Monday\'s hours copied to Tuesday–Friday.');
  });

  const form = h('form', { class: 'card', id: 'staff-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'staff-name' }, 'Name', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), name, nameError),
    h('div', { class: 'field' }, h('label', { for: 'staff-phone' }, 'Phone (optional)'), phone,
      h('p', { id: 'staff-phone-help', class: 'help' }, 'International form with the country code: +254712345678.'), phoneError),
    h('fieldset', { class: 'checks', id: 'staff-services', 'aria-describedby': 'staff-services-error' },
      h('legend', {}, 'Services they perform'),
      services.length
        ? boxes.map((b) => h('label', { class: 'check', for: b.id }, b, ' ', b.value))
        : h('p', { class: 'help' }, 'This tenant has no services yet. ',
          h('a', { href: `/admin/catalog?tenant=${encodeURIComponent(slug)}`, 'data-link': true }, 'Import its menu'), ' to pick them here.'),
      servicesError),
    h('fieldset', { id: 'schedule' },
      h('legend', {}, 'Weekly schedule'),
      h('p', { class: 'help', id: 'schedule-help' }, 'Recurring hours per weekday, 24 h (HH:MM; 24:00 ends the day). A day may have several intervals, such as 09:00–13:00 and 14:00–18:00; they must not overlap. Leave a day empty for a day off.'),
      h('div', { class: 'week-grid' }, days),
      h('div', { class: 'actions' }, copy)),
    summary,
    h('div', { class: 'actions' }, submit,
      editing ? h('button', { type: 'button', id: 'cancel-edit', onclick: () => reload() }, 'Cancel') : null));

  const fieldError = (input, el, msg) => {
    el.textContent = msg || '';
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  name.addEventListener('blur', () => { if (name.value) fieldError(name, nameError, name.value.trim() ? null : 'Name must not be blank.'); });
  phone.addEventListener('blur', () => { const p = rules.checkPhone(phone.value, { optional: true }); fieldError(phone, phoneError, p ? `Phone ${p}` : null); });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.replaceChildren();
    let bad = 0;
    const n = name.value.trim();
    fieldError(name, nameError, n ? ([...n].length > 120 ? 'Name must be at most 120 characters.' : null) : 'Type the staff member\'s name.');
    if (!n || [...n].length > 120) bad += 1;
    const p = rules.checkPhone(phone.value, { optional: true });
    fieldError(phone, phoneError, p ? `Phone ${p}` : null);
    if (p) bad += 1;
    servicesError.textContent = '';
    for (const r of rows) r.submitted = true;
    for (const [day] of WEEKDAYS) bad += checkDay(day);
    if (bad) {
      summary.append(alertBox(`Fix ${bad === 1 ? 'the problem' : `the ${bad} problems`} shown next to ${bad === 1 ? 'its field' : 'their fields'} first.`));
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    // Sent in the order shown, so the server's schedule[i] is rows[i] of this order.
    const ordered = WEEKDAYS.flatMap(([day]) => rows.filter((r) => r.day === day));
    const body = {
      name: n,
      phone: phone.value.trim() ? phone.value.trim().replace(/[ \-.()]/g, '') : null,
      services: boxes.filter((b) => b.checked).map((b) => b.value),
      schedule: ordered.map((r) => ({ weekday: r.day, start: r.start.value.trim(), end: r.end.value.trim() })),
    };
    const base = `/api/v1/admin/tenants/${encodeURIComponent(slug)}/staff`;
    submit.disabled = true;
    submit.textContent = 'Saving…';
    try {
      const saved = editing
        ? await api.call('PUT', `${base}/${encodeURIComponent(member.id)}`, { body })
        : await api.call('POST', base, { body, headers: { 'Idempotency-Key': api.idempotencyKey() } });
      await reload(editing ? `${saved.name} saved.` : `${saved.name} added.`);
      return;
    } catch (err) {
      if (err.status === 401 || err.status === 403) return;
      const unplaced = [];
      for (const fe of err.errors) {
        const m = /^schedule\[(\d+)\](?:\.(start|end|weekday))?$/.exec(fe.field || '');
        const sm = /^services(\[\d+\])?$/.exec(fe.field || '');
        if (m && ordered[Number(m[1])]) {
          const r = ordered[Number(m[1])];
          const key = m[2] === 'start' ? 'start' : m[2] === 'end' ? 'end' : 'row';
          const prev = r.error.textContent ? `${r.error.textContent} ` : '';
          r.error.textContent = `${prev}${fe.message}`;
          r.el.classList.add('invalid');
          for (const [k, input] of [['start', r.start], ['end', r.end]]) if (key === k || key === 'row') input.setAttribute('aria-invalid', 'true');
        } else if (fe.field === 'name') fieldError(name, nameError, `Name ${fe.message}`);
        else if (fe.field === 'phone') fieldError(phone, phoneError, `Phone ${fe.message}`);
        else if (sm) servicesError.textContent = `${servicesError.textContent} ${fe.message}`.trim();
        else unplaced.push(`${fe.field} ${fe.message}`);
      }
      const count = err.errors.length;
      summary.append(alertBox(err.status === 422 && count
        ? `The server found ${count} problem${count === 1 ? '' : 's'}; ${count === 1 ? 'it is' : 'they are'} shown next to ${count === 1 ? 'its field' : 'their fields'}. Nothing was saved.${unplaced.length ? ` ${unplaced.join('; ')}` : ''}`
        : err.message));
      form.querySelector('[aria-invalid="true"]')?.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = editing ? 'Save changes' : 'Add staff member';
    }
  });

  return [h('h2', { id: 'staff-form-h' }, editing ? `Edit ${member.name}` : 'Add a staff member'), form];
}
