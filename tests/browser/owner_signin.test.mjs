// A tenant owner signs in to the dashboard through their own realm: authorization
// code with PKCE against the real Keycloak that scripts/test.sh starts, in Debian's
// Chromium. scripts/suites/dashboard_browser.sh runs a second `ratiba serve` whose
// realms live in that Keycloak and passes OIDC_RATIBA_URL, ADMIN_API_KEY, ARTIFACTS.
// Without Keycloak this file fails under CI=true and skips (saying why) otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.OIDC_RATIBA_URL;
const KEY = process.env.ADMIN_API_KEY;
const ARTIFACTS = process.env.ARTIFACTS || 'target/browser-artifacts';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const MISSING = !BASE || !KEY;
if (MISSING && process.env.CI === 'true') {
  throw new Error('OIDC_RATIBA_URL is not set: no Keycloak-backed server to sign in to (CI=true: this is a failure)');
}
if (MISSING) {
  console.log('owner_signin: SKIPPED: OIDC_RATIBA_URL is not set (no Keycloak; scripts/test.sh starts one)');
}
const skip = MISSING ? 'no Keycloak-backed server (OIDC_RATIBA_URL)' : false;

const SLUG = `owner_${Date.now().toString(36)}`;
const PHONE = '+254711222333';
const USERNAME = '254711222333';
const NEW_PASSWORD = `Own-${Math.random().toString(36).slice(2, 10)}-pw`;

let browser;
let operator;
let owner;
let shot = 0;
const pageErrors = [];

async function snap(page, name) {
  shot += 1;
  await page.screenshot({ path: join(ARTIFACTS, `owner-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function api(method, path, body) {
  const r = await fetch(BASE + path, {
    method,
    headers: { 'X-Admin-API-Key': KEY, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  if (MISSING) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  operator = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  owner = await (await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  })).newPage();
  for (const p of [operator, owner]) {
    p.setDefaultTimeout(20000);
    p.on('pageerror', (e) => pageErrors.push(e.message));
  }
  const created = await api('POST', '/api/v1/admin/tenants', {
    name: 'Owner Salon', slug: SLUG, vertical: 'salon', owner_phone: PHONE,
    whatsapp_number: '+254700111222', locale: 'en', timezone: 'Africa/Nairobi', mpesa_enabled: true,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(async () => {
  await browser?.close();
  if (!MISSING) await api('DELETE', `/api/v1/admin/tenants/${SLUG}`);
});

let temporary;

test('the operator makes a one-time password for the owner', { skip }, async () => {
  const cfg = await (await fetch(`${BASE}/admin/config.json`)).json();
  assert.equal(cfg.oidc.client_id, 'tenant-admin');
  const csp = (await fetch(`${BASE}/admin`)).headers.get('content-security-policy');
  assert.ok(csp.includes(`connect-src 'self' ${new URL(cfg.oidc.url).origin}`), csp);

  const p = operator;
  await p.goto(`${BASE}/admin/tenants/${SLUG}`);
  await p.getByLabel('Admin API key').fill(KEY);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.getByRole('heading', { name: 'Owner Salon', level: 1 }).waitFor();
  await p.getByRole('heading', { name: 'Owner\'s sign-in' }).waitFor();
  await p.getByRole('button', { name: 'Make a one-time password' }).click();
  const out = p.locator('#owner-temporary-password');
  await out.waitFor();
  temporary = (await out.innerText()).trim();
  assert.match(temporary, /^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
  assert.match(await p.locator('#owner-password-result').innerText(), new RegExp(USERNAME));
  await snap(p, 'operator-one-time-password');
});

test('the owner signs in through the realm, sets a password, and sees their business', { skip }, async () => {
  const p = owner;
  await p.goto(`${BASE}/admin/signin?realm=${SLUG}`);
  await p.getByRole('heading', { name: 'Business owners' }).waitFor();
  assert.equal(await p.getByLabel('Business ID').inputValue(), SLUG);
  assert.equal(await p.locator('#nav').isVisible(), false, 'no navigation before signing in');
  await snap(p, 'signin-page');
  // A mistyped business ID is caught here, not on a Keycloak error page.
  await p.getByLabel('Business ID').fill(`${SLUG}x`);
  await p.getByRole('button', { name: 'Continue to sign in' }).click();
  await p.getByRole('alert').filter({ hasText: `There is no business with the ID ${SLUG}x` }).waitFor();
  await p.getByLabel('Business ID').fill('Owner-Salon');
  await p.getByRole('button', { name: 'Continue to sign in' }).click();
  await p.getByRole('alert').filter({ hasText: "Business ID: may not contain '-'" }).waitFor();
  await p.getByLabel('Business ID').fill(SLUG);
  await p.getByRole('button', { name: 'Continue to sign in' }).click();
  // Keycloak's own pages, on Keycloak's origin.
  await p.locator('#username').waitFor();
  assert.ok(p.url().includes(`/realms/${SLUG}/protocol/openid-connect/auth`), p.url());
  const auth = new URL(p.url());
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(auth.searchParams.get('code_challenge').length >= 43);
  await snap(p, 'keycloak-login');
  await p.locator('#username').fill(USERNAME);
  await p.locator('#password').fill(temporary);
  await p.locator('#kc-login').click();
  // The one-time password must be replaced at once.
  await p.locator('#password-new').waitFor();
  await snap(p, 'keycloak-update-password');
  await p.locator('#password-new').fill(NEW_PASSWORD);
  await p.locator('#password-confirm').fill(NEW_PASSWORD);
  await p.locator('#password-confirm').press('Enter');
  await p.waitForURL(`${BASE}/admin/tenants/${SLUG}`);
  await p.getByRole('heading', { name: 'Owner Salon', level: 1 }).waitFor();
  assert.ok(!p.url().includes('code='), 'the code is not left in the address bar');
  await p.getByText(/checks pass\.|checks failed\./).first().waitFor();
  // Advice an owner can act on: no operator commands.
  await p.locator('li[data-check="staff_schedules"]').filter({ hasText: 'on the Staff tab' }).waitFor();
  assert.doesNotMatch(await p.locator('li[data-check="staff_schedules"] .advice').innerText(), /ratiba/);
  assert.equal(await p.locator('#nav a[data-section="tenants"]').innerText(), 'My business');
  assert.match(await p.locator('#who').innerText(), new RegExp(`Signed in to ${SLUG}`));
  assert.equal(await p.locator('#owner-access').count(), 0, 'owners do not make passwords');
  assert.equal(await p.getByText('Delete this tenant').count(), 0, 'owners do not delete tenants');
  const stored = await p.evaluate(() => JSON.parse(sessionStorage.getItem('ratiba.owner')));
  assert.equal(stored.realm, SLUG);
  assert.equal(await p.evaluate(() => sessionStorage.getItem('ratiba.adminKey')), null);
  await snap(p, 'owner-business');
});

test('the owner imports their menu with their realm token', { skip }, async () => {
  const p = owner;
  await p.getByRole('link', { name: 'Catalog' }).click();
  await p.getByLabel(/Menu text/).fill('Haircut KES 1,500 (30 min)\nManicure 1200 45min\n');
  assert.equal(await p.locator('#tenant').inputValue(), SLUG, 'their tenant is chosen');
  assert.equal(await p.locator('#tenant option').count(), 2, 'only their own tenant is offered');
  await p.getByRole('button', { name: 'Read the menu' }).click();
  await p.locator('#review-table').waitFor();
  await p.locator('#submit-catalog').click();
  await p.getByText('2 created, 0 updated, 0 unchanged').waitFor();
  await snap(p, 'owner-catalog-committed');
  const services = await api('GET', `/api/v1/admin/tenants/${SLUG}/services`);
  assert.equal(services.status, 200);
  assert.deepEqual(services.body.map((s) => s.name).sort(), ['Haircut', 'Manicure']);
});

test('an owner stays inside their own tenant', { skip }, async () => {
  const p = owner;
  await p.goto(`${BASE}/admin/tenants`);
  await p.waitForURL(`${BASE}/admin/tenants/${SLUG}`);
  await p.goto(`${BASE}/admin/tenants/someone_else`);
  await p.waitForURL(`${BASE}/admin/tenants/${SLUG}`);
  await p.getByRole('heading', { name: 'Owner Salon', level: 1 }).waitFor();
  // The API says the same to a token of this realm.
  const token = await p.evaluate(() => JSON.parse(sessionStorage.getItem('ratiba.owner')).access_token);
  const other = await fetch(`${BASE}/api/v1/admin/tenants/someone_else/verify`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(other.status, 403);
  const list = await fetch(`${BASE}/api/v1/admin/tenants`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(list.status, 401, 'the tenant list is the operator\'s');
});

test('an access token about to expire is renewed without signing in again', { skip }, async () => {
  const p = owner;
  const before = await p.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('ratiba.owner'));
    s.expires_at = Date.now() - 1000;
    sessionStorage.setItem('ratiba.owner', JSON.stringify(s));
    return s.access_token;
  });
  await p.reload();
  await p.getByText(/checks pass\.|checks failed\./).first().waitFor();
  const after = await p.evaluate(() => JSON.parse(sessionStorage.getItem('ratiba.owner')));
  assert.notEqual(after.access_token, before, 'a new access token');
  assert.ok(after.expires_at > Date.now());
});

test('an expired session leads back to sign-in with a clear message, then back to the page', { skip }, async () => {
  const p = owner;
  await p.goto(`${BASE}/admin/staff?tenant=${SLUG}`);
  await p.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
  await p.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('ratiba.owner'));
    s.expires_at = Date.now() - 1000;
    s.refresh_token = 'no-longer-valid';
    sessionStorage.setItem('ratiba.owner', JSON.stringify(s));
  });
  await p.reload();
  await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await p.getByRole('alert').filter({ hasText: `Your sign-in to ${SLUG} has expired` }).waitFor();
  assert.match(p.url(), /\/admin\/signin\?next=/);
  assert.equal(await p.getByLabel('Business ID').inputValue(), SLUG);
  await snap(p, 'owner-session-expired');
  // Keycloak still knows the owner: no password asked, straight back to the staff page.
  await p.getByRole('button', { name: 'Continue to sign in' }).click();
  await p.waitForURL(new RegExp(`/admin/staff\\?tenant=${SLUG}$`));
  await p.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
});

test('signing out ends the Keycloak session too', { skip }, async () => {
  const p = owner;
  await p.getByRole('button', { name: 'Sign out' }).click();
  await p.waitForURL(`${BASE}/admin/signin`);
  await p.getByText('You are signed out.').waitFor();
  assert.equal(await p.evaluate(() => sessionStorage.getItem('ratiba.owner')), null);
  await p.getByRole('button', { name: 'Continue to sign in' }).click();
  await p.locator('#username').waitFor(); // asked again: the realm's session is gone
  await snap(p, 'owner-signed-out');
  // And the new password works.
  await p.locator('#username').fill(USERNAME);
  await p.locator('#password').fill(NEW_PASSWORD);
  await p.locator('#kc-login').click();
  await p.waitForURL(`${BASE}/admin/tenants/${SLUG}`);
});

test('a sign-in that was not started here is refused', { skip }, async () => {
  const p = owner;
  await p.goto(`${BASE}/admin/callback?code=forged&state=forged`);
  await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await p.getByRole('alert').filter({ hasText: 'not started in this browser tab' }).waitFor();
});

test('no script error on any page, and no password in the server log', { skip }, () => {
  assert.deepEqual(pageErrors, []);
  const log = process.env.OIDC_SERVER_LOG;
  if (log) {
    const text = readFileSync(log, 'utf8');
    assert.ok(!text.includes(temporary), 'the one-time password is not logged');
    assert.ok(!text.includes(NEW_PASSWORD), 'the owner\'s password is not logged');
  }
});
