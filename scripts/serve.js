// `npm run serve -- <adapter>`: starts an adapter built by `npm run build`, in plain Node, with
// no dev dependency (no TypeScript loader). Settings come from the environment, as for `npm start`.
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'adapters')
const name = process.argv[2]
const built = existsSync(dist)
  ? readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -3))
  : []
if (!name || !built.includes(name)) {
  console.error(
    built.length === 0
      ? 'No adapter is built: run `npm run build` first.'
      : `Usage: npm run serve -- <adapter>. Built adapters: ${built.join(', ')}`,
  )
  process.exit(2)
}
await import(pathToFileURL(join(dist, `${name}.js`)).href)
