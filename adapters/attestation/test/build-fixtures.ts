/**
 * Writes the attestation fixtures (test/fixture-data.ts) to test/integration/fixtures/:
 *   npx tsx adapters/attestation/test/build-fixtures.ts
 * The output is deterministic (signatures are RFC 6979), so re-running changes nothing unless
 * the data did.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildFixtures } from './fixture-data'

const dir = join(dirname(fileURLToPath(import.meta.url)), 'integration', 'fixtures')
mkdirSync(dir, { recursive: true })
for (const [name, definitions] of Object.entries(await buildFixtures())) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(definitions, null, 2) + '\n')
}
console.log(`wrote ${dir}`)
