/**
 * Writes the gold-vault fixtures (test/fixture-data.ts) to test/integration/fixtures/:
 *   npx tsx adapters/gold-vault/test/build-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildFixtures } from './fixture-data'

const dir = join(dirname(fileURLToPath(import.meta.url)), 'integration', 'fixtures')
mkdirSync(dir, { recursive: true })
for (const [name, definitions] of Object.entries(buildFixtures())) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(definitions, null, 2) + '\n')
}
console.log(`wrote ${dir}`)
