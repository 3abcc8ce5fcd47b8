/**
 * The production build: an adapter compiled by `npm run build` starts and answers with plain
 * Node and only the production dependencies installed. The built file runs from a temporary
 * folder whose node_modules holds nothing but package-lock's non-dev packages, so importing a
 * devDependency (tsx, nock, hardhat, …) would fail there.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { REPO_ROOT } from '#devkit/adapters'
import { freePort } from '#devkit/ports'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'

const ADDRESS = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'

/** The top-level packages of package-lock.json that production needs (not marked dev). */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>
  }
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(path) && !entry.dev)
    .map(([path]) => path)
}

let dir: string
let server: ChildProcess | undefined
let esplora: Awaited<ReturnType<typeof serveEsplora>>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'por-build-'))
  const built = spawnSync(
    process.execPath,
    [
      '--no-deprecation',
      '--import',
      'tsx',
      'scripts/build.ts',
      '--out-dir',
      join(dir, 'dist'),
      'btc-balance',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  )
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`)
  for (const path of productionPackages()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    symlinkSync(join(REPO_ROOT, path), join(dir, path))
  }
  const sim = new EsploraSim()
  sim.fund(ADDRESS, 123_456_789n)
  sim.mine(10)
  esplora = await serveEsplora(sim)
})

afterAll(async () => {
  server?.kill('SIGTERM')
  await esplora?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('production needs none of the development packages', () => {
  const production = productionPackages()
  for (const dev of ['node_modules/tsx', 'node_modules/nock', 'node_modules/hardhat', 'node_modules/jest']) {
    expect(production).not.toContain(dev)
  }
  expect(production).toContain('node_modules/@chainlink/external-adapter-framework')
})

it('ships nothing of Chainlink ACE (BUSL-1.1): a development package, imported by no contract of ours', () => {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; license?: string }>
  }
  expect(lock.packages['node_modules/@chainlink/ace']).toMatchObject({ dev: true, license: 'BUSL-1.1' })
  const production = productionPackages()
  expect(production.filter((path) => lock.packages[path].license?.startsWith('BUSL'))).toEqual([])
  const sources = execFileSync('git', ['ls-files', 'contracts'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((path) => path.endsWith('.sol'))
  expect(sources.length).toBeGreaterThan(0)
  for (const path of sources) {
    expect([path, readFileSync(join(REPO_ROOT, path), 'utf8').includes('@chainlink/ace')]).toEqual([
      path,
      false,
    ])
  }
})

it('a built adapter starts with plain Node and answers a bridge request', async () => {
  const port = await freePort()
  let output = ''
  server = spawn(process.execPath, [join(dir, 'dist', 'adapters', 'btc-balance.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      EA_PORT: String(port),
      METRICS_ENABLED: 'false',
      LOG_LEVEL: 'error',
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const body = JSON.stringify({
    id: '1',
    data: { addresses: [{ address: ADDRESS, network: 'bitcoin', chainId: 'mainnet' }], minConfirmations: 1 },
  })
  // Asked like a node's bridge: the first answers are 504 until the background read fills the cache.
  let answer: { statusCode?: number; result?: string; data?: { decimals?: number } } = {}
  for (let attempt = 0; attempt < 100 && answer.statusCode !== 200; attempt++) {
    if (server.exitCode !== null) throw new Error(`the built adapter exited: ${output}`)
    await new Promise((r) => setTimeout(r, 100))
    try {
      const res = await fetch(`http://127.0.0.1:${port}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      answer = (await res.json()) as typeof answer
    } catch {
      // not listening yet
    }
  }
  expect(answer).toMatchObject({ statusCode: 200, result: '123456789', data: { decimals: 8 } })
})
