/**
 * `npm run build`: compiles every adapter to plain JavaScript for production, one CommonJS module
 * per adapter in dist/adapters/<name>.js that starts its server (CommonJS because the framework
 * is: its subpath imports are folders, which Node's ES module loader refuses). Our own code (the adapter,
 * adapters/common, the ABIs from chain/) is bundled in; npm packages stay imports, and must be
 * production dependencies: a bundle importing a devDependency fails the build. Operators run
 * `npm run serve -- <adapter>` or `node dist/adapters/<name>.js`; neither loads a dev dependency.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { REPO_ROOT, adapterModulePath, adapterNames, adapterVersion } from '#devkit/adapters'

/** Where `npm run build` writes; `--out-dir <dir>` writes elsewhere (the test builds into a temporary folder). */
export const DIST_DIR = join(REPO_ROOT, 'dist')

interface PackageJson {
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** The npm package a bare import names (`@scope/pkg/sub` → `@scope/pkg`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

export async function buildAdapters(names = adapterNames(), distDir = DIST_DIR): Promise<string[]> {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson
  rmSync(distDir, { recursive: true, force: true })
  mkdirSync(join(distDir, 'adapters'), { recursive: true })
  // The bundles are CommonJS wherever dist/ is copied to (the repository's package.json says ESM).
  writeFileSync(
    join(distDir, 'package.json'),
    `${JSON.stringify({ type: 'commonjs', private: true }, null, 2)}\n`,
  )
  const outputs: string[] = []
  for (const name of names) {
    const outfile = join(distDir, 'adapters', `${name}.js`)
    const version = adapterVersion(name)
    const result = await build({
      stdin: {
        contents: [
          `import { serveProcess } from ${JSON.stringify(join(REPO_ROOT, 'adapters', 'common', 'server.ts'))}`,
          `import { adapter } from ${JSON.stringify(adapterModulePath(name))}`,
          `declare const deprecationsHiddenBefore: boolean`,
          `// The framework is loaded (imports run first): deprecations show again, as the operator chose.`,
          `process.noDeprecation = deprecationsHiddenBefore`,
          `void serveProcess(adapter, ${JSON.stringify({ name, version })})`,
        ].join('\n'),
        resolveDir: REPO_ROOT,
        sourcefile: `${name}-server.ts`,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      packages: 'external',
      outfile,
      metafile: true,
      logLevel: 'warning',
      banner: {
        js: [
          `// ${name} external adapter ${version}, built by \`npm run build\` (chainlink-por-toolkit ${pkg.version}).`,
          // Before the framework loads: it reads its version from there (/health, /status, the
          // app_version metric label), as Chainlink's adapters, run by their own package, have it.
          `process.env.npm_package_version = ${JSON.stringify(version)}`,
          // The framework's package.json names a main file Node warns about (DEP0128) at every
          // start: deprecations are hidden while the framework loads, as \`npm start\` hides them.
          'const deprecationsHiddenBefore = process.noDeprecation',
          'process.noDeprecation = true',
        ].join('\n'),
      },
    })
    const imported = new Set(
      Object.values(result.metafile.outputs)
        .flatMap((output) => output.imports)
        .filter((i) => i.external && !i.path.startsWith('node:'))
        .map((i) => packageOf(i.path)),
    )
    const notProduction = [...imported].filter((p) => !(p in pkg.dependencies))
    if (notProduction.length > 0) {
      throw new Error(
        `${name}: the build imports ${notProduction.join(', ')}, which ${notProduction.length > 1 ? 'are not production dependencies' : 'is not a production dependency'} (package.json "dependencies")`,
      )
    }
    outputs.push(outfile)
  }
  return outputs
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // npm run build [-- [--out-dir <dir>] [adapter …]]
  const args = process.argv.slice(2)
  const at = args.indexOf('--out-dir')
  const distDir = at >= 0 ? resolve(args.splice(at, 2)[1]) : DIST_DIR
  const known = adapterNames()
  const unknown = args.filter((name) => !known.includes(name))
  if (unknown.length > 0)
    throw new Error(`Unknown adapter(s) ${unknown.join(', ')}. Adapters: ${known.join(', ')}`)
  for (const file of await buildAdapters(args.length > 0 ? args : known, distDir))
    console.log(`built ${file}`)
}
