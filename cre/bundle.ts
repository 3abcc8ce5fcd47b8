/**
 * A workflow's JavaScript bundle: what `cre-compile` makes of `workflows/<name>/main.ts` before Javy turns it
 * into WASM, built by the SDK's own `compile-to-js` (its runtime-compatibility check, its error wrapper around
 * `main()`, then Bun's bundler, with the SDK bundled in). The rehearsal runs this file, so it runs the code a
 * deployment runs, not the TypeScript sources. Built once per content: the bundles are kept in
 * `node_modules/.cache/cre-rehearsal/`, named by a hash of the workflows' sources and the SDK's version.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_ROOT } from '#devkit/adapters'

const WORKFLOWS = join(REPO_ROOT, 'workflows')
const CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'cre-rehearsal')
const BIN = join(REPO_ROOT, 'node_modules', '.bin')
const SDK = join(REPO_ROOT, 'node_modules', '@chainlink', 'cre-sdk')

/** Every source a workflow may import: the TypeScript of `workflows/` but its tests (and the SDK's temporary files). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.name.startsWith('.')) return []
    if (entry.isDirectory()) return entry.name === 'build' ? [] : sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** The hash naming a bundle: the workflows' sources, their config schemas included, and the SDK's version. */
function contentHash(): string {
  const hash = createHash('sha256')
  hash.update(JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')).version as string)
  for (const file of sources(WORKFLOWS).sort()) {
    hash.update(relative(REPO_ROOT, file))
    hash.update(readFileSync(file))
  }
  return hash.digest('hex').slice(0, 16)
}

/** A workflow of `workflows/`, by its folder name, that has a `main.ts`. */
export function workflowEntry(name: string): string {
  const entry = join(WORKFLOWS, name, 'main.ts')
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(entry)) {
    throw new Error(`no workflow ${name}: expected workflows/${name}/main.ts`)
  }
  return entry
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    )
  })
}

/**
 * The path of `workflows/<name>`'s bundle, built now unless the sources are unchanged since the last build. A
 * workflow that fails the SDK's runtime-compatibility check fails here, with the SDK's message.
 */
export async function workflowBundle(name: string): Promise<string> {
  const entry = workflowEntry(name)
  const bundle = join(CACHE, `${name}-${contentHash()}.js`)
  if (existsSync(bundle)) return bundle
  mkdirSync(CACHE, { recursive: true })
  // Built under another name, then renamed: a build that another process interrupts or races is never used.
  const building = `${bundle}.${process.pid}.building.js`
  await run(join(BIN, 'bun'), [
    join(SDK, 'scripts', 'run.ts'),
    'compile-to-js',
    entry,
    building,
    '--skip-type-checks',
  ])
  renameSync(building, bundle)
  return bundle
}
