/**
 * The adapters of this repository, found at run time: every folder of `adapters/` except
 * `common`. `npm start`, `npm run docs` and the conformance suite all go through here, so a new
 * adapter is picked up by each of them (and by the production build) without being named anywhere.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The repository's `adapters/` folder. */
export const ADAPTERS_DIR = join(REPO_ROOT, 'adapters')

/** The folder of `adapters/` that is shared code, not an adapter. */
export const SHARED_FOLDER = 'common'

/** What every adapter's `src/index.ts` exports (what `npm start` needs). */
export interface AdapterModule {
  /** The adapter `npm start` serves. */
  adapter: Adapter
  /** A fresh adapter: a transport initializes once, so each configuration needs its own. */
  makeAdapter: () => Adapter
  /** One line saying what it reads. */
  description: string
}

/** The adapters' folder names, sorted: every folder of `adaptersDir` except `common`. */
export function adapterNames(adaptersDir = ADAPTERS_DIR): string[] {
  return readdirSync(adaptersDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== SHARED_FOLDER)
    .map((entry) => entry.name)
    .sort()
}

/** A version heading of a changelog in Chainlink's (changesets') format: `## 1.2.3`. */
const VERSION_HEADING = /^## (\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\s*$/m

/**
 * Adapter `name`'s version: the newest (first) version heading of its `CHANGELOG.md`, which is
 * kept the way Chainlink's adapters keep theirs (`## <version>`, then `### Major Changes`,
 * `### Minor Changes`, `### Patch Changes`). What the built adapter reports (`/health`,
 * `/status`, the `app_version` label of its metrics).
 */
export function adapterVersion(name: string, adaptersDir = ADAPTERS_DIR): string {
  const file = join(adaptersDir, name, 'CHANGELOG.md')
  if (!existsSync(file))
    throw new Error(`adapters/${name}/CHANGELOG.md is missing: it gives the adapter's version`)
  const heading = VERSION_HEADING.exec(readFileSync(file, 'utf8'))
  if (!heading) throw new Error(`adapters/${name}/CHANGELOG.md has no version heading ("## 1.0.0")`)
  return heading[1]
}

/** The module file of adapter `name`. */
export function adapterModulePath(name: string, adaptersDir = ADAPTERS_DIR): string {
  return join(adaptersDir, name, 'src', 'index.ts')
}

/**
 * Loads adapter `name`'s `src/index.ts`. Throws, naming what is missing, when the file or one
 * of the exports `npm start` needs ({@link AdapterModule}) is absent.
 */
export async function loadAdapterModule(name: string, adaptersDir = ADAPTERS_DIR): Promise<AdapterModule> {
  const path = adapterModulePath(name, adaptersDir)
  if (!existsSync(path)) throw new Error(`adapters/${name}: src/index.ts is missing`)
  const module = (await import(path)) as Partial<AdapterModule>
  const missing = [
    typeof module.makeAdapter === 'function' ? undefined : 'makeAdapter (a function)',
    typeof module.description === 'string' && module.description.trim() !== ''
      ? undefined
      : 'description (one line)',
    module.adapter && typeof module.adapter === 'object' ? undefined : 'adapter',
  ].filter((m) => m !== undefined)
  if (missing.length > 0) {
    throw new Error(`adapters/${name}/src/index.ts does not export ${missing.join(', ')}`)
  }
  return module as AdapterModule
}

/**
 * The adapters the conformance suite checks: `names`, or those of them that
 * `CONFORMANCE_ADAPTERS` lists (comma-separated; `npm run test:adapter` sets it). An unknown
 * name is an error, not an empty run.
 */
export function conformanceSubjects(names: string[]): string[] {
  const wanted = process.env.CONFORMANCE_ADAPTERS?.split(',').filter((name) => name !== '')
  if (!wanted?.length) return names
  const unknown = wanted.filter((name) => !names.includes(name))
  if (unknown.length > 0) {
    throw new Error(
      `CONFORMANCE_ADAPTERS names no adapter ${unknown.join(', ')}. Adapters: ${names.join(', ')}`,
    )
  }
  return names.filter((name) => wanted.includes(name))
}

function sourcesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/**
 * Whether adapter `name`'s tests (its own, and its conformance declaration) need the local
 * chains of Jest's global setup: whether one of them imports `#devkit/local-chain`.
 */
export function adapterTestsUseLocalChains(name: string, adaptersDir = ADAPTERS_DIR): boolean {
  return sourcesUnder(join(adaptersDir, name, 'test')).some((file) =>
    /from '#devkit\/local-chain'/.test(readFileSync(file, 'utf8')),
  )
}
