/**
 * The adapters of this repository, found by their folders: every `adapters/<name>/` with a
 * `src/index.ts` is one (`adapters/common` has none). Used by `npm start`, the production build,
 * the docs generator and the conformance suite, so none of them keeps a list.
 */
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export const ADAPTERS_DIR = join(REPO_ROOT, 'adapters')

/** What every adapter's `src/index.ts` exports. */
export interface AdapterModule {
  /** The framework Adapter instance `npm start` serves. */
  adapter: Adapter
  /** A fresh adapter (a transport initializes once, so tests build one per configuration). */
  makeAdapter: () => Adapter
  /** One line saying what it reads. */
  description: string
}

/** The adapters' folder names, sorted. */
export function adapterNames(dir = ADAPTERS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort()
}

/** The path of an adapter's entry module. */
export function adapterEntry(name: string, dir = ADAPTERS_DIR): string {
  return join(dir, name, 'src', 'index.ts')
}

/** Imports an adapter's entry module (through tsx or Jest: TypeScript source). */
export async function loadAdapterModule(name: string, dir = ADAPTERS_DIR): Promise<AdapterModule> {
  return (await import(pathToFileURL(adapterEntry(name, dir)).href)) as AdapterModule
}
