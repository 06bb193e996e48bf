// Tenants: the list, the New Tenant form, and one tenant's page with its checks.
import * as api from './api.js';
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
    staff_schedules: `Bookings stall at slot collection until someone has a schedule. Add staff with "ratiba staff add --tenant ${slug} --name N --schedule 'mon 09:00-17:00'".`,
  }[name];
  return a || `Run "ratiba tenants verify ${slug}" for details; on PostgreSQL "ratiba migrate" brings a schema to the current version.`;
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
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '/admin/tenants', 'data-link': true }, 'Tenants'), ` / ${slug}`);
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
  render(
    crumbs,
    h('div', { class: 'page-head' },
      h('h1', {}, tenant.name),
      h('a', { href: `/admin/catalog?tenant=${encodeURIComponent(slug)}`, 'data-link': true, class: 'button primary' }, 'Import the menu')),
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
    dangerZone(slug),
  );
  await runVerify(slug, body);
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
        c.ok ? null : h('p', { class: 'advice' }, h('strong', {}, 'What to do: '), advice(c.name, slug)))))),
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
