/**
 * `npm run dashboard`'s settings: the command line over the file over the defaults, each value checked and a
 * mistake named by its option (exit code 2); `--help`; an explorer for every network the tools know.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommand } from '#devkit/cli'
import { loadNetworks } from '../../upkeeps/network'
import { DASHBOARD_CLI, DASHBOARD_COMMAND } from '../cli-spec'
import { runDashboard } from '../cli'
import { resolveSettings } from '../config'
import { DEFAULT_POLL_MS } from '../defaults'
import { EXPLORERS } from '../links'

const GUARD = '0x8E0549487EA897C877fe5aE528812B963F185731'
const ENV = { DASHBOARD_RPC_URL: 'http://127.0.0.1:8545' }

const settings = (argv: string[], env: Record<string, string> = ENV, cwd = process.cwd()) =>
  resolveSettings(parseCommand(DASHBOARD_CLI, DASHBOARD_COMMAND, argv), env, cwd)

function configFile(content: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-config-'))
  writeFileSync(join(dir, 'dashboard.json'), JSON.stringify(content))
  return { dir, file: 'dashboard.json' }
}

describe('the settings', () => {
  it('take the defaults, the RPC from DASHBOARD_RPC_URL, and check the guard', () => {
    expect(settings(['--guard', GUARD.toLowerCase()])).toMatchObject({
      guard: GUARD,
      rpcUrl: 'http://127.0.0.1:8545/',
      host: '127.0.0.1',
      port: 8090,
      pollMs: DEFAULT_POLL_MS,
      fromBlock: 0,
      upkeeps: undefined,
      adapters: [],
      historyPoints: 500,
      logRange: 10_000,
    })
  })

  it('read the file, each option on the command line winning over it, lists in the plural', () => {
    const { dir, file } = configFile({
      guard: GUARD,
      rpcUrl: 'https://rpc.example.com/key',
      pollMs: 5000,
      port: 9000,
      upkeeps: ['12', '34'],
      adapters: [{ name: 'attestation', metricsUrl: 'http://127.0.0.1:9081/metrics', cacheMaxAgeMs: 2000 }],
      webhook: 'https://hooks.example.com/x',
      explorer: 'https://sepolia.basescan.org/',
    })
    expect(settings(['--config', file, '--poll-ms', '1000'], {}, dir)).toMatchObject({
      rpcUrl: 'https://rpc.example.com/key',
      pollMs: 1000,
      port: 9000,
      upkeeps: [12n, 34n],
      adapters: [{ name: 'attestation', metricsUrl: 'http://127.0.0.1:9081/metrics', cacheMaxAgeMs: 2000 }],
      webhook: 'https://hooks.example.com/x',
      explorer: 'https://sepolia.basescan.org',
    })
  })

  it('take an adapter as name=metrics-url[,health-url]', () => {
    expect(
      settings([
        '--guard',
        GUARD,
        '--adapter',
        'attestation=http://127.0.0.1:9081/metrics,http://127.0.0.1:8081/health',
        '--adapter',
        'btc-balance=http://127.0.0.1:9082/metrics',
      ]).adapters,
    ).toEqual([
      {
        name: 'attestation',
        metricsUrl: 'http://127.0.0.1:9081/metrics',
        healthUrl: 'http://127.0.0.1:8081/health',
        cacheMaxAgeMs: 360_000,
      },
      {
        name: 'btc-balance',
        metricsUrl: 'http://127.0.0.1:9082/metrics',
        healthUrl: undefined,
        cacheMaxAgeMs: 360_000,
      },
    ])
  })

  it.each([
    [[], ENV, /--guard is required/],
    [['--guard', GUARD], {}, /no RPC endpoint: pass --rpc-url, rpcUrl in the file, or set DASHBOARD_RPC_URL/],
    [['--guard', '0x8e0549487EA897C877fe5aE528812B963F185731'], ENV, /--guard must be an address/],
    [['--guard', GUARD, '--rpc-url', 'ws://127.0.0.1:8546'], ENV, /--rpc-url must be an http\(s\) URL/],
    [['--guard', GUARD, '--poll-ms', '10'], ENV, /--poll-ms must be a whole number of at least 100/],
    [['--guard', GUARD, '--adapter', 'attestation'], ENV, /--adapter must be <name>=<metrics-url>/],
    [['--guard', GUARD, '--webhook', 'file:///etc/passwd'], ENV, /--webhook must be an http\(s\) URL/],
    [['--guard', GUARD, '--colour', 'red'], ENV, /Unknown option '--colour'/],
  ])('refuse %j, naming the option', (argv, env, message) => {
    expect(() => settings(argv, env)).toThrow(message)
  })

  it('refuse a file key that is no setting', () => {
    const { dir, file } = configFile({ guard: GUARD, pollMS: 1000 })
    expect(() => settings(['--config', file], ENV, dir)).toThrow(/unknown setting pollMS \(guard, network/)
  })
})

describe('the command line', () => {
  const run = async (argv: string[], env: Record<string, string> = ENV) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runDashboard(
      argv,
      env,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      Promise.resolve(),
    )
    return { code, out: out.join('\n'), err: err.join('\n') }
  }

  it('prints its options with --help', async () => {
    const { code, out } = await run(['--help'])
    expect(code).toBe(0)
    expect(out).toMatch(/^Usage: npm run dashboard -- --guard <address> \[options\]\n/)
    for (const option of DASHBOARD_COMMAND.options) expect(out).toContain(`--${option.name}`)
  })

  it('exits 2 on a usage mistake, saying what it is', async () => {
    expect(await run([])).toEqual({
      code: 2,
      out: '',
      err: 'dashboard: --guard is required (or guard in the --config file)',
    })
  })
})

it('has a block explorer for every network of upkeeps/networks.json', () => {
  expect(Object.keys(EXPLORERS).sort()).toEqual(Object.keys(loadNetworks()).sort())
})
