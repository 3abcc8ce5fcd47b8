/**
 * `npm run jobs` (jobs/cli.ts), run in-process: `fill` writes exactly the templates with the
 * values given, refuses every missing, unknown or wrong value naming it and then writes nothing;
 * `check` replays the filled jobs against the adapters' real servers, pointed at loopback
 * providers and local chain A, and prints the exact figure, or why the node would report nothing,
 * with the exit codes the README gives.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { deployPoRAddressList } from '#chain/contracts'
import { loadAdapterModule } from '#devkit/adapters'
import { startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { startFaultProxy } from '#devkit/fault-proxy'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { parsePipeline } from '#devkit/pipeline'
import { deadUrl } from '#devkit/ports'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { formattedReference, JOBS_CLI } from '../../jobs/cli-spec'
import { runCli } from '../../jobs/cli'
import { goDurationMs } from '../../jobs/check'
import { TWO_BRIDGE_PIPELINE } from './jobs'
import { seededAddress } from '#devkit/bitcoin-address'

/** What an operator gives every job (valid: EIP-55 addresses, a key bundle id, a libp2p peer id). */
const NODE = {
  OCR2_AGGREGATOR_ADDRESS: '0x8E0549487EA897C877fe5aE528812B963F185731',
  OCR2_KEY_BUNDLE_ID: '1e6ed65d77d6364eeaed5a745ba5c4985ae2b700dd85d7cf7f027bdf294a33fc',
  TRANSMITTER_ADDRESS: '0xC1fDc08819BBA8C562aD79Ba5C4d028a46418A1C',
  P2P_BOOTSTRAPPER: '12D3KooWDGN3RESGP7pWgHF3hCEwSECGa4qdMPGUMe5S78NR3PM5@bootstrap.example.net:6690',
}
const sets = (values: Record<string, string>) =>
  Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`])

const RESERVE_1 = seededAddress('cli-reserve-1') // 100 BTC
const RESERVE_2 = seededAddress('cli-reserve-2') // 200 BTC
const RESERVE_3 = seededAddress('cli-reserve-3') // 0.5 BTC
const SATOSHIS = { [RESERVE_1]: 10_000_000_000n, [RESERVE_2]: 20_000_000_000n, [RESERVE_3]: 50_000_000n }

let work: string
const servers: Record<string, AdapterServer> = {}
const closers: (() => Promise<void>)[] = []
let listAddress: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'jobs-cli-'))
  const ledger = new EsploraSim()
  for (const [address, value] of Object.entries(SATOSHIS)) ledger.fund(address, value)
  ledger.mine(10)
  const esplora = await serveEsplora(ledger)
  closers.push(esplora.close)
  const auditor = await serveAttestationApi({
    tusd: { accountName: 'TUSD', totalReserve: '1000523419.87', totalToken: '1000000000.00' },
  })
  closers.push(auditor.close)

  const chain = localProvider('A')
  closers.push(async () => chain.destroy())
  const signer = await fundedSigner(chain)
  const list = await deployPoRAddressList(signer, await signer.getAddress(), [RESERVE_1, RESERVE_3])
  listAddress = String(list.target)

  const env: Record<string, Record<string, string | undefined>> = {
    'btc-balance': { BITCOIN_MAINNET_ESPLORA_URL: esplora.url, ESPLORA_RETRIES: '0' },
    attestation: { ATTESTATION_API_URL: auditor.url, ATTESTATION_RETRIES: '0' },
    'por-address-list': {
      ETHEREUM_RPC_URL: localChainUrl('A'),
      ETHEREUM_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
    },
    'proof-of-reserves': {
      ETHEREUM_RPC_URL: localChainUrl('A'),
      ETHEREUM_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
      ESPLORA_RETRIES: '0',
    },
  }
  for (const [name, settings] of Object.entries(env)) {
    const { makeAdapter } = await loadAdapterModule(name)
    servers[name] = await startAdapterServer(makeAdapter(), { ...settings, BACKGROUND_EXECUTE_MS_HTTP: '50' })
    closers.push(servers[name].close)
  }
})

afterAll(async () => {
  for (const close of closers.reverse()) await close()
  rmSync(work, { recursive: true, force: true })
})

/** Runs `npm run jobs -- <argv>` in-process from the scratch folder. */
async function jobs(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, work)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const files = (folder: string) =>
  existsSync(join(work, folder)) ? readdirSync(join(work, folder)).sort() : []

describe('help', () => {
  it('lists the commands, and each command its arguments, options and examples', async () => {
    const all = await jobs(['help'])
    expect(all.code).toBe(0)
    for (const command of JOBS_CLI.commands) expect(all.out).toContain(`  ${command.name} `)
    const fill = await jobs(['fill', '--help'])
    expect(fill.out).toContain('Usage: npm run jobs -- fill <adapter> [options]')
    expect(fill.out).toContain('--set <NAME=value>')
    expect((await jobs(['help', 'check'])).out).toContain('--adapter <url|bridge=url>')
  })

  it("jobs/README.md holds the reference generated from the CLI's definitions", async () => {
    const readme = readFileSync('jobs/README.md', 'utf8')
    const start = readme.indexOf('\n', readme.indexOf('<!-- Generated from jobs/cli-spec.ts')) + 1
    const end = readme.indexOf('<!-- End of the generated reference. -->')
    expect(start).toBeGreaterThan(0)
    expect(end).toBeGreaterThan(start)
    // On a mismatch: npm run jobs -- help --markdown prints the block to paste between the two markers.
    expect(readme.slice(start, end).trim()).toBe((await formattedReference()).trim())
  })

  it('refuses an unknown command, an unknown option, a missing argument: exit 2, naming it', async () => {
    expect(await jobs(['fil'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command fil'),
    })
    expect(await jobs(['fill', 'attestation', '--out', 'x', '--sett', 'A=1'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--sett'"),
    })
    expect(await jobs(['fill', '--out', 'x'])).toMatchObject({ code: 2, err: 'fill: fill needs <adapter>' })
    expect(await jobs(['check', 'job.toml'])).toMatchObject({
      code: 2,
      err: 'check: check needs --adapter <url|bridge=url>',
    })
    expect(await jobs(['fill', 'attestation', 'gold-vault', '--out', 'x'])).toMatchObject({ code: 2 })
    expect(files('x')).toEqual([])
  })
})

describe('fill, then check, an attestation job', () => {
  const values = { ADAPTER_URL: 'http://127.0.0.1:8081', ...NODE, ATTESTATION_CLIENT: 'tusd' }

  it('writes the templates with the values, and nothing else changed', async () => {
    const run = await jobs(['fill', 'attestation', '--out', 'att', ...sets(values)])
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toContain('Wrote att/bridge.json: bridge attestation → http://127.0.0.1:8081')
    expect(run.out).toContain(
      'Wrote att/job.toml: job "PoR attestation: attested reserves (OCR2 median)" on chain 1',
    )
    expect(files('att')).toEqual(['bridge.json', 'job.toml'])

    expect(readFileSync(join(work, 'att/bridge.json'), 'utf8')).toBe(
      readFileSync('jobs/attestation/bridge.json', 'utf8').replace('<ADAPTER_URL>', values.ADAPTER_URL),
    )
    const template = readFileSync('jobs/attestation/job.toml', 'utf8')
    const job = readFileSync(join(work, 'att/job.toml'), 'utf8')
    // The template, its comments naming the placeholders without brackets, every other one filled.
    const [header, body] = [
      job.slice(0, job.indexOf('# attestation:')),
      job.slice(job.indexOf('# attestation:')),
    ]
    expect(header).toMatch(
      /^# Filled in by `npm run jobs -- fill attestation` from jobs\/attestation\/job.toml/,
    )
    const expected = template
      .split('\n')
      .map((line) => (line.startsWith('#') ? line.replace(/<([A-Z0-9_]+)>/g, '$1') : line))
      .join('\n')
      .replace(/<([A-Z0-9_]+)>/g, (_m, name: string) => (values as Record<string, string>)[name])
    expect(body).toBe(expected)
    const spec = parseToml(job) as Record<string, unknown>
    expect(spec).toMatchObject({
      contractID: NODE.OCR2_AGGREGATOR_ADDRESS,
      ocrKeyBundleID: NODE.OCR2_KEY_BUNDLE_ID,
      transmitterID: NODE.TRANSMITTER_ADDRESS,
      p2pv2Bootstrappers: [NODE.P2P_BOOTSTRAPPER],
    })
    expect(parsePipeline(String(spec.observationSource)).tasks[0].attributes.requestData).toContain(
      '"client": "tusd"',
    )
  })

  it('check prints the exact figure the job reports, at its feed decimals, and its juelsPerFeeCoin', async () => {
    const url = servers.attestation.url
    const run = await jobs(['check', 'att/job.toml', '--adapter', url])
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out.split('\n').at(-1)).toBe(
      "att/job.toml would report 1000523419870000000000000000 (1000523419.87 at the feed's 18 decimals), juelsPerFeeCoin 0.",
    )
    const named = await jobs([
      'check',
      join(work, 'att/job.toml'),
      '--adapter',
      `attestation=${url}`,
      '--json',
    ])
    expect(named.code).toBe(0)
    const report = JSON.parse(named.out) as {
      answer: {
        tasks: { task: string; type: string; value?: string }[]
        requests: { body: string; url: string }[]
      }
    }
    expect(report).toMatchObject({
      command: 'check',
      file: 'att/job.toml',
      job: { name: 'PoR attestation: attested reserves (OCR2 median)', chainId: '1', feedDecimals: 18 },
      bridges: { attestation: url },
      httpMaxSize: 32_768,
      reports: true,
      answer: { observation: '1000523419870000000000000000', rounds: 1, waiting: false },
      juelsPerFeeCoin: { observation: '0' },
    })
    expect(report.answer.tasks.map((t) => `${t.task} ${t.type}`)).toEqual([
      'reserves bridge',
      'parse jsonparse',
      'answer median',
    ])
    expect(report.answer.tasks[1].value).toBe('"1000523419870000000000000000"')
    // What the node sends the bridge: the request data as written, the job's id, the run's meta.
    const [sent] = report.answer.requests
    expect(sent.url).toBe(url)
    expect(JSON.parse(sent.body)).toEqual({
      data: { client: 'tusd', decimals: 18, field: 'totalReserve' },
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      meta: { latestAnswer: null, updatedAt: null },
    })

    const verbose = await jobs(['check', 'att/job.toml', '--adapter', url, '--verbose'])
    expect(verbose.out).toContain('observationSource (1 round):')
    expect(verbose.out).toContain(
      `  reserves → POST ${url} {"data":{"client":"tusd","decimals":18,"field":"totalReserve"}`,
    )
    expect(verbose.out).toMatch(/ {2}reserves \[bridge\] \{.*"result":"1000523419870000000000000000"/)
    expect(verbose.out).toContain('  parse [jsonparse] "1000523419870000000000000000"')
    expect(verbose.out).toContain('  answer [median] 1000523419870000000000000000')
    expect(verbose.out).toContain('  juels_per_fee_coin [sum] 0')
  })

  it('check says why the node would report nothing, with exit 1: an adapter down, an adapter error', async () => {
    const down = await deadUrl()
    const unreachable = await jobs(['check', 'att/job.toml', '--adapter', down])
    expect(unreachable.code).toBe(1)
    expect(unreachable.out).toContain(
      'att/job.toml would report nothing: observationSource: no observation: task reserves: error making http request',
    )

    await jobs([
      'fill',
      'attestation',
      '--out',
      'att-unknown',
      ...sets({ ...values, ATTESTATION_CLIENT: 'usdx' }),
    ])
    const refused = await jobs([
      'check',
      'att-unknown/job.toml',
      '--adapter',
      servers.attestation.url,
      '--verbose',
    ])
    expect(refused.code).toBe(1)
    expect(refused.out).toMatch(/reserves \[bridge\] failed: got error from .*\(status code 502\)/)
    expect(refused.out).toContain('  parse [jsonparse] failed:')
    expect(refused.out.split('\n').at(-1)).toMatch(
      /^att-unknown\/job.toml would report nothing: observationSource: no observation: task reserves: got error/,
    )
  })

  it('check refuses what is not a filled job, and an --adapter that is not the job’s bridge: exit 2', async () => {
    const url = servers.attestation.url
    expect(
      await jobs(['check', join(process.cwd(), 'jobs/attestation/job.toml'), '--adapter', url]),
    ).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /still holds <OCR2_AGGREGATOR_ADDRESS>, <OCR2_KEY_BUNDLE_ID>, .*: fill it in first/,
      ),
    })
    expect(await jobs(['check', 'att/job.toml', '--adapter', `gold-vault=${url}`])).toMatchObject({
      code: 2,
      err: 'check: --adapter gold-vault=' + url + ': the job calls bridge attestation, not gold-vault',
    })
    expect(await jobs(['check', 'att/job.toml', '--adapter', 'ftp://127.0.0.1:21'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('"ftp://127.0.0.1:21" is not an http:// or https:// URL'),
    })
    expect(await jobs(['check', 'nowhere/job.toml', '--adapter', url])).toMatchObject({
      code: 2,
      err: expect.stringContaining('cannot read'),
    })
    writeFileSync(
      join(work, 'broken.toml'),
      'type = "offchainreporting2"\nobservationSource = """\n a [type="bridge"\n"""\n',
    )
    expect(await jobs(['check', 'broken.toml', '--adapter', url])).toMatchObject({
      code: 2,
      err: expect.stringContaining('broken.toml is not a job spec the node takes'),
    })
    const job = readFileSync(join(work, 'att/job.toml'), 'utf8')
    // Edited by hand after fill: the node would refuse the job before it ever ran.
    writeFileSync(
      join(work, 'edited.toml'),
      job
        .replace(NODE.OCR2_AGGREGATOR_ADDRESS, NODE.OCR2_AGGREGATOR_ADDRESS.replace('8E05', '8e05'))
        .replace(NODE.P2P_BOOTSTRAPPER, `p2p_${NODE.P2P_BOOTSTRAPPER}`),
    )
    expect(await jobs(['check', 'edited.toml', '--adapter', url])).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /the node would refuse this job: contractID: 0x8e05\w+ fails its EIP-55 checksum .*; p2pv2Bootstrappers\[0\]: write the peer id without its p2p_ prefix/,
      ),
    })
    writeFileSync(
      join(work, 'slow.toml'),
      job.replace('maxTaskDuration = "10s"', 'maxTaskDuration = "10 seconds"'),
    )
    expect(await jobs(['check', 'slow.toml', '--adapter', url])).toMatchObject({
      code: 2,
      err: expect.stringContaining('maxTaskDuration "10 seconds" is not a duration the node takes'),
    })
  })

  it('check waits for an adapter with no value yet, and exits 3 when it still has none', async () => {
    // The auditor never answers: the adapter's first read never lands.
    const auditor = await startFaultProxy(await deadUrl(), () => 'hang')
    const { makeAdapter } = await loadAdapterModule('attestation')
    const adapter = await startAdapterServer(makeAdapter(), {
      ATTESTATION_API_URL: auditor.url,
      ATTESTATION_RETRIES: '0',
    })
    try {
      const run = await jobs(['check', 'att/job.toml', '--adapter', adapter.url, '--wait', '0'])
      expect(run.code).toBe(3)
      expect(run.out).toMatch(/would report nothing yet: an adapter still had no value after 1 round; .*504/)
    } finally {
      await adapter.close()
      await auditor.close()
    }
  })
})

describe('fill refuses, naming it, and writes nothing', () => {
  const valid = { ADAPTER_URL: 'http://127.0.0.1:8081', ...NODE, ATTESTATION_CLIENT: 'tusd' }
  const refusal = async (values: Record<string, string>, extra: string[] = []) => {
    const out = `refused-${Math.random().toString(36).slice(2)}`
    const run = await jobs(['fill', 'attestation', '--out', out, ...sets(values), ...extra])
    expect({ code: run.code, written: files(out) }).toEqual({ code: 2, written: [] })
    return run.err
  }

  it.each([
    [
      'a placeholder left out',
      { ...valid, TRANSMITTER_ADDRESS: undefined },
      'missing --set TRANSMITTER_ADDRESS=… (an EVM address',
    ],
    [
      'a placeholder the templates do not hold',
      { ...valid, VAULT_NAME: 'london' },
      "unknown placeholder VAULT_NAME: jobs/attestation's templates hold ADAPTER_URL, OCR2_AGGREGATOR_ADDRESS",
    ],
    [
      'an address failing its EIP-55 checksum',
      { ...valid, OCR2_AGGREGATOR_ADDRESS: '0x8e0549487EA897C877fe5aE528812B963F185731' },
      'OCR2_AGGREGATOR_ADDRESS: 0x8e0549487EA897C877fe5aE528812B963F185731 fails its EIP-55 checksum',
    ],
    [
      'an address too short',
      { ...valid, TRANSMITTER_ADDRESS: '0xC1fDc08819BBA8C562aD79Ba5C4d028a46418A1' },
      'TRANSMITTER_ADDRESS: "0xC1fDc08819BBA8C562aD79Ba5C4d028a46418A1" is not an EVM address',
    ],
    [
      'the zero address',
      { ...valid, OCR2_AGGREGATOR_ADDRESS: '0x0000000000000000000000000000000000000000' },
      'OCR2_AGGREGATOR_ADDRESS is the zero address',
    ],
    [
      'a URL of another scheme',
      { ...valid, ADAPTER_URL: 'ftp://127.0.0.1:8081' },
      'ADAPTER_URL: ftp://127.0.0.1:8081 is not an http:// or https:// URL',
    ],
    [
      'a URL that is not one',
      { ...valid, ADAPTER_URL: '127.0.0.1:8081' },
      'ADAPTER_URL: 127.0.0.1:8081 is not an http:// or https:// URL',
    ],
    [
      'a URL with credentials',
      { ...valid, ADAPTER_URL: 'http://user:pass@127.0.0.1:8081' },
      'ADAPTER_URL: http://user:pass@127.0.0.1:8081 holds credentials',
    ],
    [
      'a key bundle id with 0x',
      { ...valid, OCR2_KEY_BUNDLE_ID: `0x${NODE.OCR2_KEY_BUNDLE_ID}` },
      'OCR2_KEY_BUNDLE_ID: write it without 0x',
    ],
    [
      'a key bundle id too short',
      { ...valid, OCR2_KEY_BUNDLE_ID: NODE.OCR2_KEY_BUNDLE_ID.slice(2) },
      'is not 64 hex digits',
    ],
    [
      'a peer id with the key list’s prefix',
      { ...valid, P2P_BOOTSTRAPPER: `p2p_${NODE.P2P_BOOTSTRAPPER}` },
      'P2P_BOOTSTRAPPER: write the peer id without its p2p_ prefix',
    ],
    [
      'a peer id of another key type',
      { ...valid, P2P_BOOTSTRAPPER: 'QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ@1.2.3.4:6690' },
      'is not a libp2p Ed25519 peer id',
    ],
    [
      'a bootstrapper without a port',
      { ...valid, P2P_BOOTSTRAPPER: NODE.P2P_BOOTSTRAPPER.replace(':6690', '') },
      'P2P_BOOTSTRAPPER: bootstrap.example.net is not host:port',
    ],
    [
      'a bootstrapper without an address',
      { ...valid, P2P_BOOTSTRAPPER: NODE.P2P_BOOTSTRAPPER.split('@')[0] },
      'is not peerID@host:port',
    ],
    [
      'a client name that is a path',
      { ...valid, ATTESTATION_CLIENT: 'tusd/../admin' },
      'ATTESTATION_CLIENT: "tusd/../admin" is not a name',
    ],
    [
      'a quote, which would close the string it is written in',
      { ...valid, ADAPTER_URL: 'http://127.0.0.1:8081/a"b' },
      'ADAPTER_URL holds "\\""',
    ],
    [
      'a pipeline variable',
      { ...valid, ADAPTER_URL: 'http://127.0.0.1:8081/$(jb.name)' },
      'ADAPTER_URL holds "$"',
    ],
    ['an empty value', { ...valid, ADAPTER_URL: '' }, 'ADAPTER_URL is empty'],
  ])('%s', async (_what, values, message) => {
    const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >
    expect(await refusal(defined)).toContain(message)
  })

  it('every problem at once', async () => {
    const err = await refusal({ ...valid, TRANSMITTER_ADDRESS: '0x1', ADAPTER_URL: 'nope', VAULT_NAME: 'x' })
    expect(err.split('\n')).toEqual([
      'fill: nothing written:',
      expect.stringMatching(/^ {2}unknown placeholder VAULT_NAME/),
      '  ADAPTER_URL: nope is not an http:// or https:// URL',
      '  TRANSMITTER_ADDRESS: "0x1" is not an EVM address (0x and 40 hex digits)',
    ])
  })

  it('a --set that is not NAME=value, a placeholder given twice, an unknown folder, a bad --name or --chain-id', async () => {
    expect(await refusal(valid, ['--set', 'ATTESTATION_CLIENT'])).toContain('--set takes NAME=value')
    expect(await refusal(valid, ['--set', 'ATTESTATION_CLIENT=usdx'])).toContain(
      'ATTESTATION_CLIENT is given 2 times, but it is not an entry of a list',
    )
    expect(await refusal(valid, ['--chain-id', '0'])).toContain('--chain-id must be a chain id')
    expect(await refusal(valid, ['--chain-id', '9223372036854775808'])).toContain(
      '--chain-id must be a chain id',
    )
    expect(await refusal(valid, ['--chain-id', '1.5'])).toContain('--chain-id must be a chain id')
    expect(await refusal(valid, ['--name', 'PoR "tusd"'])).toContain('--name must be 1 to 256 characters')
    expect(await jobs(['fill', 'silver-vault', '--out', 'sv', ...sets(valid)])).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        'no templates for "silver-vault" in jobs/: there are attestation, btc-balance,',
      ),
    })
  })

  it('an output folder inside jobs/: the templates stay as they are', async () => {
    const errors: string[] = []
    const args = ['fill', 'attestation', '--out', 'jobs/attestation', '--force', ...sets(valid)]
    expect(await runCli(args, { out: () => undefined, err: (t) => errors.push(t) }, process.cwd())).toBe(2)
    expect(errors.join('\n')).toContain('is inside jobs/: write the filled files elsewhere')
    expect(readFileSync('jobs/attestation/job.toml', 'utf8')).toContain('<OCR2_AGGREGATOR_ADDRESS>')
  })

  it('files already there, unless --force', async () => {
    expect((await jobs(['fill', 'attestation', '--out', 'twice', ...sets(valid)])).code).toBe(0)
    writeFileSync(join(work, 'twice/job.toml'), 'mine')
    const again = await jobs(['fill', 'attestation', '--out', 'twice', ...sets(valid)])
    expect(again).toMatchObject({
      code: 2,
      err: expect.stringContaining('already exist: nothing written (--force replaces them)'),
    })
    expect(readFileSync(join(work, 'twice/job.toml'), 'utf8')).toBe('mine')
    expect((await jobs(['fill', 'attestation', '--out', 'twice', ...sets(valid), '--force'])).code).toBe(0)
    expect(readFileSync(join(work, 'twice/job.toml'), 'utf8')).toContain('contractID = "0x8E05')
    expect(files('twice')).toEqual(['bridge.json', 'job.toml'])
  })
})

describe('fill: names, chains, lists', () => {
  const btc = (addresses: string[]) => ({
    ADAPTER_URL: 'http://127.0.0.1:8083',
    ...NODE,
    ...Object.fromEntries(addresses.map((a, i) => [`CUSTODIAN_BTC_ADDRESS_${i + 1}`, a])),
  })
  const requestOf = (folder: string) => {
    const spec = parseToml(readFileSync(join(work, folder, 'job.toml'), 'utf8')) as Record<string, unknown>
    const data = parsePipeline(String(spec.observationSource)).tasks[0].attributes.requestData
    const request = JSON.parse(data.replace('$(jb.externalJobID)', '"id"')) as {
      data: { addresses?: unknown[]; minConfirmations?: number }
    }
    return { spec, data: request.data }
  }

  it('--name and --chain-id, checked as the node reads them; JSON output', async () => {
    const run = await jobs([
      'fill',
      'attestation',
      '--out',
      'named',
      '--json',
      '--name',
      'PoR TUSD reserves',
      '--chain-id',
      '8453',
      ...sets({ ADAPTER_URL: 'https://ea.example.net/attestation', ...NODE, ATTESTATION_CLIENT: 'tusd' }),
    ])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.out)).toMatchObject({
      command: 'fill',
      adapter: 'attestation',
      files: ['named/bridge.json', 'named/job.toml'],
      values: { ATTESTATION_CLIENT: ['tusd'], P2P_BOOTSTRAPPER: [NODE.P2P_BOOTSTRAPPER] },
      bridge: { name: 'attestation', url: 'https://ea.example.net/attestation' },
      job: { name: 'PoR TUSD reserves', chainId: '8453', feedDecimals: 18, bridges: ['attestation'] },
    })
    const { spec } = requestOf('named')
    expect(spec).toMatchObject({ name: 'PoR TUSD reserves', relayConfig: { chainID: 8453 } })
  })

  it('an address without its checksum is written checksummed; a bootstrap node per --set', async () => {
    const second = '12D3KooWDGN3RESGP7pWgHF3hCEwSECGa4qdMPGUMe5S78NR3PM5@10.0.0.2:6690/[::1]:6690'
    const run = await jobs([
      'fill',
      'attestation',
      '--out',
      'two-bootstrappers',
      ...sets({ ADAPTER_URL: 'http://127.0.0.1:8081', ...NODE, ATTESTATION_CLIENT: 'tusd' }),
      '--set',
      `P2P_BOOTSTRAPPER=${second}`,
      '--set',
      `TRANSMITTER_ADDRESS=${NODE.TRANSMITTER_ADDRESS.toLowerCase()}`,
    ])
    // TRANSMITTER_ADDRESS is not a list entry: given twice, it is refused.
    expect(run).toMatchObject({
      code: 2,
      err: expect.stringContaining('TRANSMITTER_ADDRESS is given 2 times, but it is not an entry of a list'),
    })
    const ok = await jobs([
      'fill',
      'attestation',
      '--out',
      'two-bootstrappers',
      ...sets({
        ADAPTER_URL: 'http://127.0.0.1:8081',
        ...NODE,
        ATTESTATION_CLIENT: 'tusd',
        TRANSMITTER_ADDRESS: NODE.TRANSMITTER_ADDRESS.toLowerCase(),
      }),
      '--set',
      `P2P_BOOTSTRAPPER=${second}`,
    ])
    expect(ok.code).toBe(0)
    const { spec } = requestOf('two-bootstrappers')
    expect(spec.p2pv2Bootstrappers).toEqual([NODE.P2P_BOOTSTRAPPER, second])
    expect(spec.transmitterID).toBe(NODE.TRANSMITTER_ADDRESS)
  })

  it('custodian addresses: as many entries as numbers given, and check sums exactly those', async () => {
    expect(
      (await jobs(['fill', 'btc-balance', '--out', 'btc3', ...sets(btc([RESERVE_1, RESERVE_2, RESERVE_3]))]))
        .code,
    ).toBe(0)
    const three = requestOf('btc3').data
    expect(three.addresses).toEqual(
      [RESERVE_1, RESERVE_2, RESERVE_3].map((address) => ({
        address,
        network: 'bitcoin',
        chainId: 'mainnet',
      })),
    )
    expect(three.minConfirmations).toBe(6)
    const checked = await jobs(['check', 'btc3/job.toml', '--adapter', servers['btc-balance'].url])
    expect(checked.out.split('\n').at(-1)).toBe(
      "btc3/job.toml would report 30050000000 (300.5 at the feed's 8 decimals), juelsPerFeeCoin 0.",
    )

    expect((await jobs(['fill', 'btc-balance', '--out', 'btc1', ...sets(btc([RESERVE_2]))])).code).toBe(0)
    expect(requestOf('btc1').data.addresses).toEqual([
      { address: RESERVE_2, network: 'bitcoin', chainId: 'mainnet' },
    ])
    expect((await jobs(['check', 'btc1/job.toml', '--adapter', servers['btc-balance'].url])).out).toContain(
      'would report 20000000000 (200 at',
    )
  })

  it('custodian addresses refused: one twice (in any spelling), a gap, a bad checksum, none', async () => {
    const refused = async (values: Record<string, string>) => {
      const run = await jobs(['fill', 'btc-balance', '--out', 'btc-refused', ...sets(values)])
      expect({ code: run.code, written: files('btc-refused') }).toEqual({ code: 2, written: [] })
      return run.err
    }
    expect(await refused(btc([RESERVE_1, RESERVE_2, RESERVE_1.toUpperCase()]))).toContain(
      `CUSTODIAN_BTC_ADDRESS: ${RESERVE_1} is given twice (each entry counts`,
    )
    const gap = btc([RESERVE_1, RESERVE_2, RESERVE_3])
    delete (gap as Record<string, string>).CUSTODIAN_BTC_ADDRESS_2
    expect(await refused(gap)).toContain(
      'CUSTODIAN_BTC_ADDRESS_2 is missing: CUSTODIAN_BTC_ADDRESS entries are numbered from 1 without a gap',
    )
    const typo = RESERVE_2.slice(0, -1) + (RESERVE_2.endsWith('q') ? 'p' : 'q')
    expect(await refused(btc([RESERVE_1, typo]))).toContain(
      `CUSTODIAN_BTC_ADDRESS_2: ${typo} is not a bitcoin mainnet address`,
    )
    expect(await refused(btc([]))).toContain('missing --set CUSTODIAN_BTC_ADDRESS_1=…')
    expect(await refused(btc(['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx']))).toContain(
      'is not a bitcoin mainnet address',
    )
  })

  it("an answer over the node's MaxSize reports nothing, as in the node; --max-size as the node is set", async () => {
    // 500 addresses: about 38 KB of answer, over the default 32768 bytes.
    const many = Array.from({ length: 500 }, (_, i) => seededAddress(`cli-many-${i}`))
    const all = [RESERVE_1, ...many]
    expect((await jobs(['fill', 'btc-balance', '--out', 'btc-many', ...sets(btc(all))])).code).toBe(0)
    const url = servers['btc-balance'].url
    const cut = await jobs(['check', 'btc-many/job.toml', '--adapter', url])
    expect(cut.code).toBe(1)
    expect(cut.out).toMatch(/would report nothing: observationSource: no observation: task parse: /)
    const raised = await jobs(['check', 'btc-many/job.toml', '--adapter', url, '--max-size', '1mb', '--json'])
    expect(raised.code).toBe(0)
    expect(JSON.parse(raised.out)).toMatchObject({
      httpMaxSize: 1_000_000,
      answer: { observation: '10000000000' },
    })
    expect(await jobs(['check', 'btc-many/job.toml', '--adapter', url, '--max-size', 'lots'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--max-size: bad filesize expression'),
    })
  })

  it('token-balance wallets: a list per chain, inside the request JSON, each address checked', async () => {
    const WETH = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'
    const [W1, W2, W3] = [NODE.OCR2_AGGREGATOR_ADDRESS, NODE.TRANSMITTER_ADDRESS, WETH]
    const base = { ADAPTER_URL: 'http://127.0.0.1:8086', ...NODE, RESERVE_TOKEN_ETHEREUM: WETH.toLowerCase() }
    const refused = await jobs([
      'fill',
      'token-balance',
      '--out',
      'tokens-bad',
      ...sets({ ...base, CUSTODIAN_WALLET_ETHEREUM_1: '0x1', CUSTODIAN_WALLET_ARBITRUM_1: 'lockbox' }),
    ])
    expect(refused.code).toBe(2)
    expect(refused.err).toContain('CUSTODIAN_WALLET_ETHEREUM_1: "0x1" is not an EVM address')
    expect(refused.err).toContain('CUSTODIAN_WALLET_ARBITRUM_1: "lockbox" is not an EVM address')
    expect(files('tokens-bad')).toEqual([])

    const filled = await jobs([
      'fill',
      'token-balance',
      '--out',
      'tokens',
      ...sets({
        ...base,
        CUSTODIAN_WALLET_ETHEREUM_1: W1,
        CUSTODIAN_WALLET_ETHEREUM_2: W2,
        CUSTODIAN_WALLET_ETHEREUM_3: W3,
        CUSTODIAN_WALLET_ARBITRUM_1: W2.toLowerCase(),
      }),
    ])
    expect(filled).toMatchObject({ code: 0, err: '' })
    const { data } = requestOf('tokens') as unknown as { data: { addresses: unknown[] } }
    expect(data.addresses).toEqual([
      { network: 'ethereum', contractAddress: WETH, wallets: [W1, W2, W3] },
      { network: 'arbitrum', wallets: [W2] },
    ])
  })

  it('the WBTC-style job: one bridge, the composite, reporting the bitcoin of the addresses listed on chain', async () => {
    const wbtc = await jobs([
      'fill',
      'proof-of-reserves',
      '--out',
      'wbtc',
      ...sets({
        ADAPTER_URL: 'http://127.0.0.1:8085',
        ...NODE,
        POR_ADDRESS_LIST_CONTRACT: listAddress.toLowerCase(),
      }),
    ])
    expect(wbtc).toMatchObject({ code: 0, err: '' })
    expect(wbtc.out).toContain(
      'it calls bridge proof-of-reserves, which must exist on the node before the job',
    )
    const checked = await jobs(['check', 'wbtc/job.toml', '--adapter', servers['proof-of-reserves'].url])
    // The addresses listed on chain: 100 + 0.5 BTC.
    expect(checked.out.split('\n').at(-1)).toBe(
      "wbtc/job.toml would report 10050000000 (100.5 at the feed's 8 decimals), juelsPerFeeCoin 0.",
    )
  })

  it("--job fills another of a folder's job specs, under its own name", async () => {
    const values = {
      ADAPTER_URL: 'http://127.0.0.1:8085',
      ...NODE,
      POR_ADDRESS_LIST_CONTRACT: listAddress,
      ATTESTATION_CLIENT: 'tusd',
      BTC_USD_FEED: '0xf4030086522a5beea4988f8ca5b36dbc97bee88c',
    }
    const filled = await jobs([
      'fill',
      'proof-of-reserves',
      '--job',
      'mixed.toml',
      '--out',
      'mixed',
      ...sets(values),
    ])
    expect(filled).toMatchObject({ code: 0, err: '' })
    expect(files('mixed')).toEqual(['bridge.json', 'mixed.toml'])
    const job = readFileSync(join(work, 'mixed/mixed.toml'), 'utf8')
    expect(job).toMatch(
      /^# Filled in by `npm run jobs -- fill proof-of-reserves --job mixed.toml` from jobs\/proof-of-reserves\/mixed.toml/,
    )
    // Written checksummed, where the template had the placeholder.
    expect(job).toContain('0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c')

    expect(
      await jobs(['fill', 'proof-of-reserves', '--job', 'nope.toml', '--out', 'nope', ...sets(values)]),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('--job nope.toml: jobs/proof-of-reserves has job.toml, mixed.toml'),
    })
    expect(
      await jobs([
        'fill',
        'por-address-list',
        '--out',
        'nope',
        ...sets({ ADAPTER_URL: 'http://127.0.0.1:8084' }),
      ]),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('--job job.toml: jobs/por-address-list has no job spec'),
    })
    expect(files('nope')).toEqual([])
  })

  it('a job of several bridges: its other bridges with --bridge-only, each bridge its --adapter', async () => {
    const bridgeOnly = await jobs([
      'fill',
      'btc-balance',
      '--bridge-only',
      '--out',
      'two/btc-balance',
      ...sets({ ADAPTER_URL: 'http://127.0.0.1:8083' }),
    ])
    expect(bridgeOnly).toMatchObject({ code: 0, err: '' })
    expect(files('two/btc-balance')).toEqual(['bridge.json'])
    // The two-bridge pipeline (por-address-list piped into btc-balance) in a filled job of the
    // operator's own: an edited job is checked as it stands.
    const filled = await jobs([
      'fill',
      'proof-of-reserves',
      '--out',
      'two/base',
      ...sets({ ADAPTER_URL: 'http://127.0.0.1:8085', ...NODE, POR_ADDRESS_LIST_CONTRACT: listAddress }),
    ])
    expect(filled.code).toBe(0)
    const base = readFileSync(join(work, 'two/base/job.toml'), 'utf8')
    // Its backslashes escaped once more: a TOML basic string reads each pair as one.
    const pipeline = TWO_BRIDGE_PIPELINE.replace('<POR_ADDRESS_LIST_CONTRACT>', listAddress).replaceAll(
      '\\',
      '\\\\',
    )
    writeFileSync(
      join(work, 'two/job.toml'),
      base.replace(/^observationSource = """[\s\S]*?^"""$/m, `observationSource = """${pipeline}"""`),
    )

    const job = 'two/job.toml'
    expect(await jobs(['check', job, '--adapter', servers['por-address-list'].url])).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        'the job calls bridges por-address-list, btc-balance: give --adapter <bridge>=<url> for each',
      ),
    })
    expect(
      await jobs(['check', job, '--adapter', `por-address-list=${servers['por-address-list'].url}`]),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('no --adapter for btc-balance (--adapter btc-balance=<url>)'),
    })
    const checked = await jobs([
      'check',
      job,
      '--adapter',
      `por-address-list=${servers['por-address-list'].url}`,
      '--adapter',
      `BTC-Balance=${servers['btc-balance'].url}`,
    ])
    // The addresses listed on chain: 100 + 0.5 BTC.
    expect(checked.out.split('\n').at(-1)).toBe(
      "two/job.toml would report 10050000000 (100.5 at the feed's 8 decimals), juelsPerFeeCoin 0.",
    )
  })
})

describe("the node's durations (maxTaskDuration)", () => {
  it('are read as Go reads them', () => {
    expect(goDurationMs('10s')).toBe(10_000)
    expect(goDurationMs('1m30s')).toBe(90_000)
    expect(goDurationMs('1.5h')).toBe(5_400_000)
    expect(goDurationMs('250ms')).toBe(250)
    expect(goDurationMs('0')).toBe(0)
    expect(goDurationMs('-1s')).toBe(-1_000)
    for (const refused of ['', '10', 's', '.s', '10 s', '1d', '10sec'])
      expect({ refused, ms: goDurationMs(refused) }).toEqual({ refused, ms: undefined })
  })
})
