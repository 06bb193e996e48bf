import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Onboarder, Faults, RatibaError, features } = require('../index.js')

const examples = new URL('../../../examples/', import.meta.url)
const spec = JSON.parse(readFileSync(new URL('spa_pilot.json', examples), 'utf8'))
const menu = readFileSync(new URL('menu.txt', examples), 'utf8')

async function rejects(promise, code) {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof RatibaError, `not a RatibaError: ${err}`)
    assert.equal(err.code, code, err.message)
    return err
  }
  assert.fail(`expected a ${code} error`)
}

test('onboard, get, list, verify, delete', async () => {
  const o = Onboarder.inMemory()
  assert.equal(o.backend, 'memory')
  const tenant = await o.onboard(spec)
  assert.equal(tenant.slug, 'spa_pilot')
  assert.equal(tenant.status, 'trial')
  assert.match(tenant.created_at, /Z$/)
  assert.deepEqual(await o.get('spa_pilot'), tenant)
  assert.deepEqual((await o.list()).map((t) => t.slug), ['spa_pilot'])
  assert.equal((await o.verify('spa_pilot')).ok, true)
  await o.delete('spa_pilot')
  assert.deepEqual(await o.list(), [])
  assert.equal((await o.reconcile()).clean, true)
})

test('error codes per kind, with field problems', async () => {
  const o = Onboarder.inMemory()
  const err = await rejects(o.onboard({ ...spec, slug: '1spa', owner_phone: '0712345678', timezone: 'EAT' }), 'VALIDATION')
  assert.deepEqual(err.fields.map((f) => f.field).sort(), ['owner_phone', 'slug', 'timezone'])
  assert.match(err.fields.find((f) => f.field === 'owner_phone').message, /\+254712345678/)
  assert.throws(() => o.validate({ ...spec, vertical: 'garage' }), (e) => e.code === 'VALIDATION' && e.fields[0].field === 'vertical')
  await o.onboard(spec)
  await rejects(o.onboard(spec), 'CONFLICT')
  await rejects(o.get('nobody_here'), 'NOT_FOUND')
  await rejects(o.get('Not A Slug'), 'VALIDATION')
  const down = Onboarder.inMemory({ faults: new Faults().unavailable('realm_create', 1) })
  const unavailable = await rejects(down.onboard(spec), 'UNAVAILABLE')
  assert.equal(unavailable.retryAfter, 1)
  assert.equal((await down.onboard(spec)).slug, 'spa_pilot')
})

test('a failed step leaves nothing', async () => {
  for (const point of ['journal_start', 'schema_prepare', 'realm_create', 'schema_commit']) {
    const faults = new Faults().fail(point)
    const o = Onboarder.inMemory({ faults })
    const err = await rejects(o.onboard(spec), 'PROVISIONING')
    assert.equal(err.kind, 'backend')
    assert.deepEqual(err.leftBehind, [])
    assert.deepEqual(await o.list(), [])
    assert.equal((await o.reconcile()).clean, true, point)
    faults.clear()
    assert.equal((await o.onboard(spec)).slug, 'spa_pilot')
  }
})

test('a failed compensation names the leftover; reconcile fixes it', async () => {
  const faults = new Faults().failAfter('realm_create').fail('realm_delete')
  const o = Onboarder.inMemory({ faults })
  const err = await rejects(o.onboard(spec), 'PROVISIONING')
  assert.equal(err.kind, 'provisioning')
  assert.equal(err.failedStep, 'realm')
  assert.deepEqual(err.undone, ['schema'])
  assert.deepEqual(err.leftBehind, [{ kind: 'realm', name: 'spa_pilot', onboarding_id: err.onboardingId }])
  assert.match(err.message, /realm 'spa_pilot'/)
  faults.clear()
  const fixed = await o.reconcile({ fix: true })
  assert.deepEqual(fixed.items.map((i) => i.action), ['removed'])
  assert.equal((await o.reconcile()).clean, true)
})

test('unknown fault points are refused', () => {
  assert.throws(() => new Faults().fail('realm_creat'), /realm_create/)
  assert.ok(Faults.points.includes('schema_rollback'))
})

test('catalog: extract, import, commit', async () => {
  const o = Onboarder.inMemory()
  await o.onboard(spec)
  const ex = await o.extractCatalog({ text: menu })
  const haircut = ex.rows.find((r) => r.name === 'Haircut')
  assert.equal(haircut.confidence, 'green')
  assert.equal(haircut.price_kes, 1500)
  for (const row of ex.rows) if (row.confidence === 'red') assert.equal(row.price_kes, null)
  const dir = mkdtempSync(join(tmpdir(), 'ratiba-node-'))
  writeFileSync(join(dir, 'menu.txt'), menu)
  assert.deepEqual(await o.extractCatalog({ image: join(dir, 'menu.txt') }), ex)
  assert.deepEqual(await o.extractCatalog({ image: Buffer.from(menu) }), ex)
  const missing = await rejects(o.extractCatalog({}), 'VALIDATION')
  assert.equal(missing.fields[0].field, 'menu')
  const imp = await o.importCatalog('spa_pilot', { text: menu, commit: true })
  assert.ok(imp.committed.created > 0)
  assert.ok((await o.listServices('spa_pilot')).some((s) => s.name === 'Haircut'))
  const report = await o.commitCatalog('spa_pilot', { services: [{ name: 'Henna', price_kes: 1200 }], relations: [] })
  assert.equal(report.created, 1)
  await rejects(o.commitCatalog('spa_pilot', { services: [{ name: 'Cheap', price_kes: 10 }], relations: [] }), 'VALIDATION')
  await rejects(o.importCatalog('nobody_here', { text: menu }), 'NOT_FOUND')
})

test('embedded store persists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratiba-node-'))
  const o = await Onboarder.embedded(dir)
  assert.equal(o.backend, 'sqlite')
  await o.onboard(spec)
  const again = await Onboarder.embedded(dir)
  assert.equal((await again.get('spa_pilot')).slug, 'spa_pilot')
  assert.equal((await again.verify('spa_pilot')).ok, true)
})

test('reset owner password', async () => {
  const o = Onboarder.inMemory()
  await o.onboard(spec)
  const signIn = await o.resetOwnerPassword('spa_pilot')
  assert.deepEqual(Object.keys(signIn).sort(), ['realm', 'temporary_password', 'username'])
  assert.equal(signIn.realm, 'spa_pilot')
  assert.equal(signIn.username, '254712345678')
  assert.match(signIn.temporary_password, /^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/)
  assert.equal(signIn.temporary_password.length, 19)
  assert.notEqual((await o.resetOwnerPassword('spa_pilot')).temporary_password, signIn.temporary_password)
  await rejects(o.resetOwnerPassword('nobody_here'), 'NOT_FOUND')
  await rejects(o.resetOwnerPassword('Not A Slug'), 'VALIDATION')
  // Realm files hold no credentials: nobody can sign in to them.
  const embedded = await Onboarder.embedded(mkdtempSync(join(tmpdir(), 'ratiba-node-')))
  await embedded.onboard(spec)
  const conflict = await rejects(embedded.resetOwnerPassword('spa_pilot'), 'CONFLICT')
  assert.match(conflict.message, /KEYCLOAK_URL/)
})

test('concurrent onboarding of one slug has one winner', async () => {
  const o = Onboarder.inMemory()
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => o.onboard(spec)))
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  for (const r of results.filter((r) => r.status === 'rejected')) assert.equal(r.reason.code, 'CONFLICT')
})

test('postgres', async (t) => {
  const url = process.env.RATIBA_TEST_DATABASE_URL
  if (!url) {
    if (process.env.CI === 'true') assert.fail('RATIBA_TEST_DATABASE_URL is not set under CI=true')
    t.skip('RATIBA_TEST_DATABASE_URL is not set')
    return
  }
  assert.ok(features.includes('postgres'))
  // A throwaway database of the test server, dropped at the end.
  const { Client } = require('pg')
  const database = `ratiba_test_node_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const admin = new Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${database}"`)
  t.after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await admin.end()
  })
  const realmsDir = mkdtempSync(join(tmpdir(), 'ratiba-node-realms-'))
  const faults = new Faults()
  const o = await Onboarder.postgres(url, { realmsDir, faults, database })
  assert.equal(o.backend, 'postgres')
  const slug = `nodepg_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const tenant = await o.onboard({ ...spec, slug })
  assert.equal((await o.verify(slug)).ok, true)
  assert.equal((await o.get(slug)).id, tenant.id)
  faults.fail('realm_create')
  await rejects(o.onboard({ ...spec, slug: `${slug}_f` }), 'PROVISIONING')
  faults.clear()
  assert.equal((await o.reconcile({ fix: true })).failures, 0)
  await o.delete(slug)
  assert.deepEqual(await o.list(), [])
  await rejects(o.get(slug), 'NOT_FOUND')
})

test('staff with weekly schedules', async () => {
  const o = Onboarder.inMemory()
  await o.onboard(spec)
  await o.importCatalog('spa_pilot', { text: menu, commit: true })
  const staff = {
    name: 'Wanjiku',
    services: ['Manicure'],
    schedule: [{ weekday: 'mon', start: '09:00', end: '13:00' }, { weekday: 'jumanne', start: '10:00', end: '16:00' }],
  }
  const member = await o.addStaff('spa_pilot', staff)
  assert.equal(member.name, 'Wanjiku')
  assert.equal(member.schedule.length, 2)
  assert.deepEqual((await o.listStaff('spa_pilot')).map((s) => s.id), [member.id])
  const renamed = await o.updateStaff('spa_pilot', member.id, { ...staff, name: 'Wanjiku M.' })
  assert.equal(renamed.name, 'Wanjiku M.')
  const bad = await rejects(
    o.addStaff('spa_pilot', { ...staff, schedule: [{ weekday: 'mon', start: '12:00', end: '09:00' }] }),
    'VALIDATION',
  )
  assert.ok(bad.fields.some((f) => f.field.startsWith('schedule[0]')), JSON.stringify(bad.fields))
  await o.removeStaff('spa_pilot', member.id)
  assert.deepEqual(await o.listStaff('spa_pilot'), [])
  await rejects(o.removeStaff('spa_pilot', member.id), 'NOT_FOUND')
})
