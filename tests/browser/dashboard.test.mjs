// The /admin dashboard in Debian's Chromium (playwright-core), against a live
// `ratiba --embedded serve` started by scripts/suites/dashboard_browser.sh, which
// passes RATIBA_URL, ADMIN_API_KEY, RATIBA_DATA_DIR and ARTIFACTS.
// Run alone: node --test tests/browser/ (with those variables set).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { pngFixture } from './png.mjs';

const BASE = process.env.RATIBA_URL;
const KEY = process.env.ADMIN_API_KEY;
const DATA = process.env.RATIBA_DATA_DIR;
const ARTIFACTS = process.env.ARTIFACTS || 'target/browser-artifacts';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE || !KEY || !DATA) {
  throw new Error('RATIBA_URL, ADMIN_API_KEY and RATIBA_DATA_DIR must be set (scripts/suites/dashboard_browser.sh sets them)');
}
mkdirSync(ARTIFACTS, { recursive: true });

const MENU = `HAIR
Haircut KES 1,500 (30 min)
Braids from 2,000
Cornrows 1500-2500 (2 hrs)
Scalp Treatment
NAILS
Manicure 1500 45min
Pedicure KES 50
`;

let browser;
let desktop;
let phone;
let shot = 0;
const pageErrors = [];

async function snap(page, name) {
  shot += 1;
  const file = join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

/** What a phone shows without scrolling, from `locator` down. */
async function snapView(page, locator, name) {
  await locator.scrollIntoViewIfNeeded();
  await locator.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  shot += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
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

async function signIn(page) {
  await page.goto(`${BASE}/admin`);
  await page.getByLabel('Admin API key').fill(KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
}

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  desktop = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  phone = await (await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  })).newPage();
  for (const p of [desktop, phone]) {
    p.setDefaultTimeout(15000);
    p.on('pageerror', (e) => pageErrors.push(e.message));
  }
});

after(async () => {
  await browser?.close();
});

test('the dashboard is served from the binary with a strict policy', async () => {
  const r = await fetch(`${BASE}/admin/catalog`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  const js = await fetch(`${BASE}/admin/assets/app.js`);
  assert.match(js.headers.get('content-type'), /javascript/);
  assert.equal((await fetch(`${BASE}/admin/assets/nope.js`)).status, 404);
});

test('a wrong key is refused with a clear message; the right one signs in', async () => {
  await desktop.goto(`${BASE}/admin`);
  await desktop.getByRole('heading', { name: 'Sign in' }).waitFor();
  await desktop.getByLabel('Admin API key').fill('not-the-key');
  await desktop.getByRole('button', { name: 'Sign in' }).click();
  await desktop.getByRole('alert').filter({ hasText: 'was not accepted' }).waitFor();
  await snap(desktop, 'signin-wrong-key');
  await desktop.getByLabel('Admin API key').fill(KEY);
  await desktop.getByRole('button', { name: 'Sign in' }).click();
  await desktop.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
  await desktop.getByText('No tenants yet').waitFor();
  assert.equal(await desktop.evaluate(() => sessionStorage.getItem('ratiba.adminKey')), KEY);
  await snap(desktop, 'tenants-empty');
});

test('the New Tenant form checks live and shows the server\'s field errors', async () => {
  const p = desktop;
  await p.getByRole('link', { name: 'New tenant' }).first().click();
  await p.getByRole('heading', { name: 'New tenant' }).waitFor();
  // Live: the name suggests a slug; a bad slug is explained as it is typed.
  await p.getByLabel('Business name').fill('Browser Spa');
  assert.equal(await p.getByLabel('Slug').inputValue(), 'browser_spa');
  await p.getByLabel('Slug').fill('Browser-Spa');
  const slugError = p.locator('#f-slug-error');
  await assert.doesNotReject(slugError.filter({ hasText: 'must be lowercase' }).waitFor());
  assert.equal(await slugError.getAttribute('data-source'), 'client');
  await p.getByLabel('Owner\'s phone').fill('0712345678');
  await p.locator('#f-owner_phone-error').filter({ hasText: '+254712345678' }).waitFor();
  await p.getByLabel('Kind of business').selectOption('spa');
  await p.getByLabel('WhatsApp business number').fill('+15555555555');
  await p.getByLabel('Time zone').fill('EAT');
  await snap(p, 'new-tenant-live-errors');
  // The server has the last word: its 422 errors land next to their fields.
  await p.getByRole('button', { name: 'Create tenant' }).click();
  await p.getByRole('alert').filter({ hasText: 'The server found 3 problems' }).waitFor();
  assert.equal(await slugError.getAttribute('data-source'), 'server');
  assert.match(await slugError.textContent(), /must be lowercase.*try 'browser_spa'/);
  assert.match(await p.locator('#f-timezone-error').textContent(), /Africa\/Nairobi/);
  assert.equal(await p.getByLabel('Slug').getAttribute('aria-invalid'), 'true');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'f-slug', 'focus goes to the first bad field');
  await snap(p, 'new-tenant-server-errors');
  // Fixed, it onboards.
  await p.getByLabel('Slug').fill('browser_spa');
  await p.getByLabel('Owner\'s phone').fill('+254712345678');
  await p.getByLabel('Time zone').fill('Africa/Nairobi');
  assert.equal(await slugError.textContent(), '');
  await p.getByRole('button', { name: 'Create tenant' }).click();
  await p.getByRole('heading', { name: 'Browser Spa', level: 1 }).waitFor();
  await p.getByText('All 9 checks pass. 2 warnings below.', { exact: true }).waitFor();
  await p.locator('ul.checklist li.warn[data-check="catalog"]').filter({ hasText: 'Catalog tab' }).waitFor();
  await p.getByText('Tenant browser_spa was created').waitFor();
  assert.doesNotMatch(await p.locator('main').innerText(), /\bnull\b|undefined/);
  const created = await api('GET', '/api/v1/admin/tenants/browser_spa');
  assert.equal(created.status, 200);
  assert.equal(created.body.admins[0].phone_number, '+254712345678');
  await snap(p, 'tenant-created');
});

test('a taken slug is shown on the slug field', async () => {
  const p = desktop;
  await p.goto(`${BASE}/admin/tenants/new`);
  await p.getByLabel('Business name').fill('Browser Spa');
  await p.getByLabel('Kind of business').selectOption('salon');
  await p.getByLabel('Owner\'s phone').fill('+254712345678');
  await p.getByLabel('WhatsApp business number').fill('+15555555555');
  await p.getByRole('button', { name: 'Create tenant' }).click();
  await p.locator('#f-slug-error').filter({ hasText: 'is taken' }).waitFor();
});

test('a photo alone, without OCR, is an error shown in the page', async () => {
  const p = desktop;
  await p.goto(`${BASE}/admin/catalog?tenant=browser_spa`);
  await p.getByRole('heading', { name: 'Catalog' }).waitFor();
  assert.equal(await p.getByLabel('Tenant').inputValue(), 'browser_spa');
  await p.locator('#photo').setInputFiles({ name: 'menu.png', mimeType: 'image/png', buffer: pngFixture() });
  await p.getByAltText('Selected photo: menu.png').waitFor();
  await p.getByRole('button', { name: 'Read the menu' }).click();
  const error = p.locator('#input-error [role=alert]');
  await error.waitFor();
  assert.match(await error.textContent(), /photo/i);
  assert.equal(await p.locator('#review-table').count(), 0);
  await snap(p, 'catalog-photo-only-error');
  // A server without an OCR backend answers 422; the page says what to do.
  await p.route('**/api/v1/admin/catalog/import', (route) => route.fulfill({
    status: 422,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      type: 'urn:ratiba:problem:validation', title: 'Unprocessable Entity', status: 422,
      detail: 'invalid input: 1 problem',
      errors: [{ field: 'image', message: 'cannot be read: this server has no OCR backend; send the menu text' }],
    }),
  }));
  await p.getByRole('button', { name: 'Read the menu' }).click();
  await error.filter({ hasText: 'no OCR backend' }).waitFor();
  assert.match(await error.textContent(), /paste the menu's text/);
  await p.unroute('**/api/v1/admin/catalog/import');
  await snap(p, 'catalog-photo-only-422');
});

test('a pasted menu is reviewed, fixed and committed', async () => {
  const p = desktop;
  // The photo goes (so the rows are the text's alone, OCR or not).
  await p.getByRole('button', { name: 'Remove photo' }).click();
  assert.equal(await p.locator('#photo-preview img').count(), 0);
  await p.getByLabel(/Menu text/).fill(MENU);
  await p.getByRole('button', { name: 'Read the menu' }).click();
  await p.locator('#review-table').waitFor();
  const rows = p.locator('#review-table tbody tr');
  assert.equal(await rows.count(), 6);
  const colours = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.confidence));
  assert.deepEqual(colours, ['green', 'yellow', 'yellow', 'red', 'green', 'red']);
  // Colour is never alone: the status is text, the reason shows on tap.
  const scalp = p.locator('tr[data-row="3"]');
  assert.match(await scalp.locator('.badge').textContent(), /Needs price/);
  assert.equal(await scalp.locator('.badge').getAttribute('title'), 'no price found');
  await scalp.getByText('no price found').waitFor();
  const haircut = p.locator('tr[data-row="0"]');
  assert.equal(await haircut.locator('.reason').isVisible(), false);
  await haircut.locator('.badge').click();
  await haircut.getByText('One clear price was read.').waitFor();
  assert.equal(await haircut.locator('.badge').getAttribute('aria-expanded'), 'true');
  // Background colours differ per status.
  const bg = await rows.evaluateAll((trs) => trs.map((tr) => getComputedStyle(tr).backgroundColor));
  assert.notEqual(bg[0], bg[3]);
  assert.notEqual(bg[1], bg[3]);
  await p.getByText('Manicure → Pedicure').or(p.locator('#relations li', { hasText: 'Manicure' })).first().waitFor();
  assert.equal(await p.locator('#relations li').count(), 3);
  await snap(p, 'catalog-review');

  // Red rows block Submit until priced.
  const submit = p.getByRole('button', { name: 'Submit services' });
  assert.equal(await submit.isDisabled(), true);
  await p.locator('#submit-blocker').filter({ hasText: 'Scalp Treatment, Pedicure' }).waitFor();
  await p.getByLabel('Price in KES of Scalp Treatment').fill('1200');
  assert.equal(await submit.isDisabled(), true, 'one red row is still unpriced');
  await p.getByLabel('Price in KES of Pedicure').fill('800');
  assert.equal(await submit.isDisabled(), false);
  // Inline edits.
  await p.getByLabel('Duration in minutes of Braids').fill('180');
  await p.getByLabel('Category of Scalp Treatment').fill('Hair care');
  await p.getByLabel('Name of Haircut').fill('Haircut & Style');
  await snap(p, 'catalog-fixed');
  await submit.click();
  const report = p.locator('#commit-report');
  await report.waitFor();
  assert.match(await report.textContent(), /6 created, 0 updated, 0 unchanged, 3 cross-sell pairs/);
  await snap(p, 'catalog-committed');

  // The services are in the tenant's store.
  const out = execFileSync('python3', ['-c', `
import json, sqlite3, sys
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
print(json.dumps(db.execute('select name, price_kes, duration_minutes, category from services order by name').fetchall()))
print(db.execute('select count(*) from service_relations').fetchone()[0])
`, join(DATA, 'tenants', 'browser_spa.db')], { encoding: 'utf8' }).trim().split('\n');
  const services = JSON.parse(out[0]);
  assert.deepEqual(services, [
    ['Braids', 2000, 180, 'Hair'],
    ['Cornrows', 1500, 120, 'Hair'],
    ['Haircut & Style', 1500, 30, 'Hair'],
    ['Manicure', 1500, 45, 'Nails'],
    ['Pedicure', 800, null, 'Nails'],
    ['Scalp Treatment', 1200, null, 'Hair care'],
  ]);
  assert.equal(Number(out[1]), 3);

  // Submitting the same rows again changes nothing.
  await submit.click();
  await report.filter({ hasText: '0 created, 0 updated, 6 unchanged' }).waitFor();
});

test('a price below the floor is refused by the server, on its row', async () => {
  const p = desktop;
  await p.getByLabel('Price in KES of Pedicure').fill('50');
  await p.getByRole('button', { name: 'Submit services' }).click();
  await p.locator('#commit-result [role=alert]').filter({ hasText: 'Nothing was saved' }).waitFor();
  assert.match(await p.locator('#price-5-error').textContent(), /below the safety floor/);
  await p.getByLabel('Price in KES of Pedicure').fill('800');
});

test('staff: a schedule with an overlap is refused, fixed, added and listed', async () => {
  const p = desktop;
  // Before: the tenant's checks warn that nobody has a schedule.
  await p.goto(`${BASE}/admin/tenants/browser_spa`);
  await p.locator('ul.checklist li.warn[data-check="staff_schedules"]').waitFor();
  await p.getByRole('link', { name: 'Staff and schedules' }).click();
  await p.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
  assert.equal(await p.getByLabel('Tenant').inputValue(), 'browser_spa');
  await p.locator('#staff-list-section .empty').waitFor();
  // The services to pick come from the tenant's catalog.
  const picks = await p.locator('#staff-services label.check').allInnerTexts();
  assert.deepEqual(picks.map((t) => t.trim()), ['Braids', 'Cornrows', 'Haircut & Style', 'Manicure', 'Pedicure', 'Scalp Treatment']);
  await snap(p, 'staff-empty');

  await p.getByLabel('Name').fill('Wanjiku');
  await p.getByLabel('Phone (optional)').fill('+254712000111');
  await p.getByLabel('Manicure').check();
  await p.getByLabel('Pedicure').check();
  // Monday: two intervals that overlap; an inverted one on Saturday.
  await p.getByRole('button', { name: 'Add hours on Monday' }).click();
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Monday interval 1 start', 'focus goes to the new row');
  await p.keyboard.type('09:00');
  await p.keyboard.press('Tab');
  await p.keyboard.type('13:00');
  await p.getByRole('button', { name: 'Add hours on Monday' }).click();
  await p.getByLabel('Monday interval 2 start').fill('12:00');
  await p.getByLabel('Monday interval 2 end').fill('17:00');
  await p.getByRole('button', { name: 'Add hours on Saturday' }).click();
  await p.getByLabel('Saturday interval 1 start').fill('16:00');
  await p.getByLabel('Saturday interval 1 end').fill('10:00');
  await p.getByRole('button', { name: 'Add staff member' }).click();
  const monday2 = p.locator('#day-monday li.interval').nth(1);
  await monday2.locator('.interval-error').filter({ hasText: 'Overlaps 09:00–13:00' }).waitFor();
  assert.equal(await p.getByLabel('Monday interval 2 start').getAttribute('aria-invalid'), 'true');
  await p.locator('#day-saturday .interval-error').filter({ hasText: 'must be after the start 16:00' }).waitFor();
  assert.equal(await p.locator('#day-monday li.interval').first().locator('.interval-error').textContent(), '');
  await p.locator('#staff-summary [role=alert]').filter({ hasText: 'Fix the 2 problems' }).waitFor();
  assert.equal((await api('GET', '/api/v1/admin/tenants/browser_spa/staff')).body.length, 0, 'nothing was sent');
  await snap(p, 'staff-overlap-error');

  // The server's own 422 lands on its interval too (schedule[i] is the row shown i-th).
  await p.getByLabel('Monday interval 2 start').fill('14:00');
  await p.getByLabel('Saturday interval 1 start').fill('10:00');
  await p.getByLabel('Saturday interval 1 end').fill('16:00');
  await p.route('**/api/v1/admin/tenants/browser_spa/staff', (route) => route.fulfill({
    status: 422,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      type: 'urn:ratiba:problem:validation', title: 'Unprocessable Entity', status: 422, detail: 'invalid input: 1 problem',
      errors: [{ field: 'schedule[2].end', message: '16:00 is not after the start 16:00 (an interval must end after it starts)' }],
    }),
  }));
  await p.getByRole('button', { name: 'Add staff member' }).click();
  await p.locator('#day-saturday .interval-error').filter({ hasText: 'is not after the start' }).waitFor();
  await p.locator('#staff-summary [role=alert]').filter({ hasText: 'The server found 1 problem' }).waitFor();
  assert.equal(await p.getByLabel('Saturday interval 1 end').getAttribute('aria-invalid'), 'true');
  await p.unroute('**/api/v1/admin/tenants/browser_spa/staff');
  await snap(p, 'staff-server-422');

  // Rows can be removed; the rest is saved.
  await p.getByRole('button', { name: 'Add hours on Sunday' }).click();
  await p.getByRole('button', { name: 'Remove Sunday interval 1' }).click();
  assert.equal(await p.locator('#day-sunday li.interval').count(), 0);
  await p.getByRole('button', { name: 'Add staff member' }).click();
  const row = p.locator('#staff-list tbody tr', { hasText: 'Wanjiku' });
  await row.waitFor();
  assert.match(await row.innerText(), /Manicure, Pedicure/);
  assert.match(await row.innerText(), /Mon 09:00–13:00, 14:00–17:00/);
  assert.match(await row.innerText(), /Sat 10:00–16:00/);
  const stored = await api('GET', '/api/v1/admin/tenants/browser_spa/staff');
  assert.equal(stored.body.length, 1);
  assert.deepEqual(stored.body[0].schedule, [
    { weekday: 'monday', start: '09:00', end: '13:00' },
    { weekday: 'monday', start: '14:00', end: '17:00' },
    { weekday: 'saturday', start: '10:00', end: '16:00' },
  ]);
  assert.equal(stored.body[0].phone, '+254712000111');
  await snap(p, 'staff-added');
});

test('staff: edit a schedule, remove a staff member', async () => {
  const p = desktop;
  // A second member, to remove.
  await p.getByLabel('Name').fill('Temp');
  await p.getByRole('button', { name: 'Add hours on Friday' }).click();
  await p.getByLabel('Friday interval 1 start').fill('9:00');
  await p.getByLabel('Friday interval 1 end').fill('12:00');
  await p.getByRole('button', { name: 'Add staff member' }).click();
  await p.locator('#staff-list tbody tr', { hasText: 'Temp' }).waitFor();
  await p.getByRole('button', { name: 'Remove Temp' }).click();
  await p.getByRole('button', { name: 'Remove Temp' }).click();
  await p.getByRole('heading', { name: 'Staff (1)' }).waitFor();
  // Edit Wanjiku: Tuesday–Friday copied from Monday.
  await p.getByRole('button', { name: 'Edit Wanjiku' }).click();
  await p.getByRole('heading', { name: 'Edit Wanjiku' }).waitFor();
  assert.equal(await p.getByLabel('Monday interval 2 start').inputValue(), '14:00');
  assert.equal(await p.getByLabel('Manicure').isChecked(), true);
  await p.getByRole('button', { name: 'Copy Monday to Tuesday–Friday' }).click();
  assert.equal(await p.locator('#day-friday li.interval').count(), 2);
  await snap(p, 'staff-edit');
  await p.getByRole('button', { name: 'Save changes' }).click();
  const row = p.locator('#staff-list tbody tr', { hasText: 'Wanjiku' });
  await row.filter({ hasText: 'Fri 09:00–13:00, 14:00–17:00' }).waitFor();
  const stored = await api('GET', '/api/v1/admin/tenants/browser_spa/staff');
  assert.equal(stored.body.length, 1);
  assert.equal(stored.body[0].schedule.length, 11);
});

test('verify shows every check green', async () => {
  const p = desktop;
  await p.goto(`${BASE}/admin/tenants`);
  await p.locator('tr[data-slug="browser_spa"] .verify.ok').filter({ hasText: 'All checks pass' }).waitFor();
  await snap(p, 'tenants-list');
  await p.getByRole('link', { name: 'Browser Spa' }).click();
  await p.getByText('All 11 checks pass.', { exact: true }).waitFor();
  assert.equal(await p.locator('ul.checklist li.bad').count(), 0);
  assert.equal(await p.locator('ul.checklist li.warn').count(), 0, 'no warning once the menu is in and someone has a schedule');
  assert.equal(await p.locator('ul.checklist li.ok').count(), 11);
  assert.match(await p.locator('li[data-check="staff_schedules"]').innerText(), /passed/);
  await snap(p, 'tenant-verify');
});

test('a key that stops working leads back to sign-in with a message', async () => {
  const p = desktop;
  await p.evaluate(() => sessionStorage.setItem('ratiba.adminKey', 'rotated-away'));
  await p.goto(`${BASE}/admin/tenants`);
  await p.getByRole('heading', { name: 'Sign in' }).waitFor();
  await p.getByRole('alert').filter({ hasText: 'Your session has ended' }).waitFor();
  assert.match(p.url(), /\/admin\/signin/);
  await snap(p, 'session-ended');
  // Signing in again goes back where the operator was.
  await p.getByLabel('Admin API key').fill(KEY);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
});

test('on a phone: keyboard-reachable sign-in, readable review cards', async () => {
  const p = phone;
  await p.goto(`${BASE}/admin`);
  await p.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await p.evaluate(() => document.activeElement.id), 'admin-key', 'the key field has focus');
  await p.keyboard.type(KEY);
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
  await snap(p, 'phone-tenants');
  await p.goto(`${BASE}/admin/tenants/new`);
  await p.getByLabel('Slug').fill('9lives');
  await p.locator('#f-slug-error').filter({ hasText: "try 't_9lives'" }).waitFor();
  await snapView(p, p.getByRole('heading', { name: 'New tenant' }), 'phone-new-tenant');
  await p.goto(`${BASE}/admin/catalog?tenant=browser_spa`);
  await p.getByLabel(/Menu text/).fill(MENU);
  await p.getByRole('button', { name: 'Read the menu' }).click();
  await p.locator('#review-table').waitFor();
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (overflow ${overflow}px)`);
  await snap(p, 'phone-catalog-review');
  await snapView(p, p.locator('#review h2'), 'phone-catalog-review-screen');
  await p.getByLabel('Price in KES of Scalp Treatment').fill('1200');
  await snapView(p, p.locator('tr[data-row="3"]'), 'phone-catalog-red-row-fixed');
  await p.goto(`${BASE}/admin/staff?tenant=browser_spa`);
  await p.locator('#staff-list tbody tr', { hasText: 'Wanjiku' }).waitFor();
  const staffOverflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(staffOverflow <= 1, `no sideways scrolling on the staff page (overflow ${staffOverflow}px)`);
  await snap(p, 'phone-staff');
  await p.goto(`${BASE}/admin/tenants/browser_spa`);
  await p.getByText('All 11 checks pass.', { exact: true }).waitFor();
  await snap(p, 'phone-tenant-verify');
});

test('no script error in any page', () => {
  assert.deepEqual(pageErrors, []);
});
