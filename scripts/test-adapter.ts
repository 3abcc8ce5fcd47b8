/**
 * `npm run test:adapter -- <adapter> [jest options]`: one adapter's own tests
 * (`adapters/<adapter>/`) and the conformance suite on that adapter alone, nothing else: no
 * workflow tests, and no local chains unless the adapter's tests use them (its provider is a
 * chain), in which case the contracts are built and the chains started as `npm test` does.
 * Extra options go to Jest (`-t <name>`, `-u`).
 */
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT, adapterNames, adapterTestsUseLocalChains } from '#devkit/adapters'

const [name, ...jestOptions] = process.argv.slice(2)
const names = adapterNames()
if (!name || !names.includes(name)) {
  console.error(
    `${name ? `Unknown adapter "${name}". ` : ''}Usage: npm run test:adapter -- <adapter> [jest options]. Adapters: ${names.join(', ')}`,
  )
  process.exit(2)
}

const chains = adapterTestsUseLocalChains(name)
if (chains) {
  // The chains' tests deploy the contracts: build them first, as `npm test` does.
  const built = spawnSync('npm', ['run', '-s', 'build:contracts'], { cwd: REPO_ROOT, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

const jest = spawn(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    '--no-deprecation',
    join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
    `adapters/${name}/`,
    'test/conformance/',
    ...jestOptions,
  ],
  {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, CONFORMANCE_ADAPTERS: name, LOCAL_CHAINS: chains ? 'on' : 'off' },
  },
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => jest.kill(signal))
jest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
