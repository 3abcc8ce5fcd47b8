/**
 * `npm start -- <adapter>` starts one adapter's server (port from EA_PORT, default 8080).
 * `npm start` with no name lists the adapters and what each reads.
 *
 * Every adapter lives in adapters/<name>/ and exports from src/index.ts what
 * devkit/adapters.ts's AdapterModule lists: `adapter`, `makeAdapter`, `description`.
 */
import { adapterNames, adapterVersion, loadAdapterModule as load } from '#devkit/adapters'

async function main(): Promise<void> {
  const names = adapterNames()
  const requested = process.argv[2]
  if (!requested) {
    console.log('Usage: npm start -- <adapter>\n\nAdapters:')
    for (const name of names) {
      console.log(`  ${name.padEnd(20)} ${(await load(name)).description}`)
    }
    console.log('\nEach adapter documents its settings in adapters/<name>/README.md.')
    return
  }
  if (!names.includes(requested)) {
    console.error(`Unknown adapter "${requested}". Adapters: ${names.join(', ')}`)
    process.exit(2)
  }
  const version = adapterVersion(requested)
  // Before the framework loads: it reads the version it reports from there (npm set the
  // repository's own).
  process.env.npm_package_version = version
  const { serveProcess } = await import('#common/server')
  const { adapter } = await load(requested)
  await serveProcess(adapter, { name: requested, version })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
