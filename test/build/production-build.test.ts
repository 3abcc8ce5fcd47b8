/**
 * The production build: an adapter compiled by `npm run build` starts and answers with plain
 * Node and only the production dependencies installed. The built file runs from a temporary
 * folder whose node_modules holds nothing but package-lock's non-dev packages, so importing a
 * devDependency (tsx, nock, hardhat, …) would fail there.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  copyFileSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { REPO_ROOT, adapterVersion } from '#devkit/adapters'
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

/** Starts the built btc-balance with `env` (and PATH), and collects what it prints. */
function startBuilt(
  env: Record<string, string>,
  command = [process.execPath, join(dir, 'dist', 'adapters', 'btc-balance.js')],
) {
  const child = spawn(command[0], command.slice(1), {
    cwd: dir,
    // The Node running the tests first on PATH: the one `npm run serve`'s `node` must be.
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { text: '' }
  child.stdout?.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output, exited }
}

/** Waits until `condition` holds (checked every 100 ms, up to 30 s); throws with `what` otherwise. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await condition()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const health = async (port: number) => {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { version?: string }
  } catch {
    return undefined
  }
}

describe('starting a built adapter, as an operator does', () => {
  it('reports its version (its CHANGELOG’s) on /health, /status and its metrics, with no warning about settings nobody set and no deprecation warning', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()]
    const started = startBuilt({
      EA_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'info',
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
    })
    try {
      await until(() => started.output.text.includes('btc-balance 1.1.0 started'), 'the start')
      expect(adapterVersion('btc-balance')).toBe('1.1.0')
      expect(await health(port)).toEqual({ message: 'OK', version: '1.1.0' })
      const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as {
        adapter: { version: string }
      }
      expect(status.adapter.version).toBe('1.1.0')
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
      expect(metrics).toContain('app_version="1.1.0"')
      // btc-balance's own MAX_PAYLOAD_SIZE_LIMIT default is not the operator's setting: no warning.
      const lines = started.output.text.split('\n').filter((line) => line !== '')
      expect(lines.filter((line) => /"level":"(warn|error)"|Warning/.test(line))).toEqual([])
    } finally {
      started.child.kill('SIGTERM')
      await started.exited
    }
  })

  it('warns of MAX_PAYLOAD_SIZE_LIMIT when the operator sets it', async () => {
    const started = startBuilt({
      EA_PORT: String(await freePort()),
      METRICS_ENABLED: 'true',
      METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
      MAX_PAYLOAD_SIZE_LIMIT: '3000000',
    })
    try {
      await until(() => started.output.text.includes('started'), 'the start')
      expect(started.output.text).toContain('MAX_PAYLOAD_SIZE_LIMIT has been set to 3000000')
    } finally {
      started.child.kill('SIGTERM')
      await started.exited
    }
  })

  it('with a setting missing, says so in one line, with no stack trace, and exits 1', async () => {
    const started = startBuilt({ EA_PORT: String(await freePort()), METRICS_PORT: String(await freePort()) })
    expect(await started.exited).toBe(1)
    expect(started.output.text).toBe(
      'btc-balance 1.1.0 cannot start: no provider is configured: set BITCOIN_MAINNET_ESPLORA_URL, BITCOIN_TESTNET_ESPLORA_URL, BITCOIN_SIGNET_ESPLORA_URL, BITCOIN_REGTEST_ESPLORA_URL (at least one) (settings: adapters/btc-balance/README.md)\n',
    )
  })

  it('npm run serve passes a signal on: stopping it stops the adapter and frees its port', async () => {
    // The repository's own `serve` script and scripts/serve.js, beside the built dist/.
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'serve-test', private: true, scripts: { serve: pkg.scripts.serve } }),
    )
    mkdirSync(join(dir, 'scripts'), { recursive: true })
    copyFileSync(join(REPO_ROOT, 'scripts', 'serve.js'), join(dir, 'scripts', 'serve.js'))
    const port = await freePort()
    const started = startBuilt(
      {
        EA_PORT: String(port),
        METRICS_ENABLED: 'false',
        LOG_LEVEL: 'error',
        BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
      },
      ['npm', 'run', 'serve', '--', 'btc-balance'],
    )
    await until(async () => (await health(port)) !== undefined, 'the adapter to answer')
    // A supervisor signals the one process it started: npm.
    started.child.kill('SIGTERM')
    await started.exited
    await until(async () => (await health(port)) === undefined, 'the adapter to stop')
  })
})
