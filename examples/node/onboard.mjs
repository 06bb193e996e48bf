// Onboard a tenant on the embedded default and import its menu, from Node.
//
//     (cd bindings/node && npm install && npm run build)
//     node examples/node/onboard.mjs /tmp/ratiba-demo
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Onboarder } = require('../../bindings/node/index.js')

const examples = new URL('../', import.meta.url)
const dataDir = process.argv[2] ?? join(tmpdir(), 'ratiba-demo')
const onboarder = await Onboarder.embedded(dataDir)
const spec = JSON.parse(readFileSync(new URL('spa_pilot.json', examples), 'utf8'))

let tenant
try {
  tenant = await onboarder.onboard(spec)
} catch (err) {
  if (err.code === 'CONFLICT') {
    // Running the example twice finds the tenant already there.
    tenant = await onboarder.get(spec.slug)
  } else if (err.code === 'VALIDATION') {
    for (const f of err.fields) console.error(`${f.field}: ${f.message}`)
    process.exit(2)
  } else {
    throw err
  }
}
console.log(`tenant ${tenant.slug} (${tenant.id}) in ${dataDir}`)

const menu = readFileSync(new URL('menu.txt', examples), 'utf8')
const imported = await onboarder.importCatalog(tenant.slug, { text: menu, commit: true })
for (const row of imported.extraction.rows) {
  const price = row.price_kes == null ? '-' : `KES ${row.price_kes}`
  console.log(`  ${row.name.padEnd(24)} ${price.padStart(10)} ${row.confidence}`)
}
if (imported.committed) {
  const c = imported.committed
  console.log(`committed: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`)
}
const report = await onboarder.verify(tenant.slug)
console.log(`verify: ${report.ok ? 'all checks passed' : 'some checks failed'}`)
process.exit(report.ok ? 0 : 6)
