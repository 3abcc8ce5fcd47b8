/**
 * A WBTC-style reserve, 1,000 custodian addresses published in a PoRAddressList, replayed with
 * the node's bridge body limit, `[JobPipeline.HTTPRequest] MaxSize`:
 *
 * - through the composite (jobs/proof-of-reserves/job.toml, one bridge): the list is read in
 *   process and the answer is the total alone, a few hundred bytes: the job reports the exact
 *   total within the node's default limit;
 * - piped through two bridges (por-address-list → btc-balance, TWO_BRIDGE_PIPELINE in ./jobs.ts, kept
 *   only to show why the job moved): the address list travels through the node, at about 100
 *   bytes an address far beyond the default 32,768 bytes; the node cuts it there and the job
 *   reports nothing. Raised on the node, the same pipeline reports the exact total.
 *
 * The adapters are their real HTTP servers, behind the bridges jobs/ defines, reading a
 * PoRAddressList on local chain A and a loopback Esplora ledger.
 */
import { deployPoRAddressList } from '#chain/contracts'
import { loadAdapterModule } from '#devkit/adapters'
import { startAdapterServer } from '#devkit/adapter-server'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import {
  DEFAULT_HTTP_MAX_SIZE,
  ObservationError,
  nodeFileSize,
  observation,
  ocr2Vars,
  parsePipeline,
  type Pipeline,
} from '#devkit/pipeline'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { seededAddress } from '#devkit/bitcoin-address'
import { TWO_BRIDGE_PIPELINE, fillPlaceholders, jobFolders, readJobSpec, replayRounds } from './jobs'

const ADDRESS_COUNT = 1_000
const addresses = Array.from({ length: ADDRESS_COUNT }, (_, i) => seededAddress(`custodian-${i}`))
/** Address i holds 100,000 + i satoshis, all deep enough for the job's 6 confirmations. */
const TOTAL = addresses.reduce((sum, _, i) => sum + 100_000n + BigInt(i), 0n)

const closers: (() => Promise<void>)[] = []
const bridgeTable = new Map<string, string>()
let twoBridges: Pipeline
let composite: Pipeline

beforeAll(async () => {
  const ledger = new EsploraSim()
  addresses.forEach((address, i) => ledger.fund(address, 100_000n + BigInt(i)))
  ledger.mine(10)
  const esplora = await serveEsplora(ledger)
  closers.push(esplora.close)

  const chain = localProvider('A')
  closers.push(async () => chain.destroy())
  const signer = await fundedSigner(chain)
  const list = await deployPoRAddressList(signer, await signer.getAddress(), [])
  for (let i = 0; i < ADDRESS_COUNT; i += 100) {
    await (await list.addAddresses(addresses.slice(i, i + 100))).wait()
  }

  const env: Record<string, Record<string, string>> = {
    'por-address-list': {
      ETHEREUM_RPC_URL: localChainUrl('A'),
      ETHEREUM_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
    },
    'btc-balance': { BITCOIN_MAINNET_ESPLORA_URL: esplora.url, ESPLORA_RETRIES: '0' },
    'proof-of-reserves': {
      ETHEREUM_RPC_URL: localChainUrl('A'),
      ETHEREUM_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
      ESPLORA_RETRIES: '0',
    },
  }
  for (const folder of jobFolders().filter((f) => Object.hasOwn(env, f.adapter))) {
    const { makeAdapter } = await loadAdapterModule(folder.adapter)
    const server = await startAdapterServer(makeAdapter(), {
      ...env[folder.adapter],
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
    closers.push(server.close)
    const bridge = JSON.parse(fillPlaceholders(folder.bridgeText, { '<ADAPTER_URL>': server.url })) as {
      name: string
      url: string
    }
    bridgeTable.set(bridge.name, bridge.url)
  }

  const contract = { '<POR_ADDRESS_LIST_CONTRACT>': String(list.target) }
  twoBridges = parsePipeline(fillPlaceholders(TWO_BRIDGE_PIPELINE, contract))
  const job = readJobSpec('jobs/proof-of-reserves/job.toml')
  composite = parsePipeline(fillPlaceholders(String(job.spec.observationSource), contract))
}, 180_000)

afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

const replay = (pipeline: Pipeline, httpMaxSize?: number) =>
  replayRounds(pipeline, {
    vars: ocr2Vars({ externalJobID: '5d1c9a7e-0f3b-4c2d-9e8a-7b6c5d4e3f2a' }),
    bridgeUrl: (name) => bridgeTable.get(name),
    httpMaxSize,
  })

it("reports the exact total through the composite job with the node's default limit: one bridge, a small answer", async () => {
  const { run, sent } = await replay(composite)
  expect(observation(composite, run)).toBe(TOTAL)
  expect(sent.map((s) => s.bridge)).toEqual(['proof-of-reserves'])
  const bytes = Buffer.byteLength(String(run.results.get('reserves')?.value))
  expect(bytes).toBeLessThan(2_000)
}, 120_000)

it("fails through two bridges with the node's default limit: the address list is cut at 32,768 bytes and jsonparse fails on it", async () => {
  const { run, sent } = await replay(twoBridges)
  expect(() => observation(twoBridges, run)).toThrow(ObservationError)
  // The bridge task itself succeeds, with the answer cut silently.
  const list = run.results.get('list')!
  expect(list.error).toBeUndefined()
  expect(Buffer.byteLength(String(list.value))).toBe(DEFAULT_HTTP_MAX_SIZE)
  expect(run.results.get('addresses')?.error?.message).toMatch(/data is not JSON: unexpected EOF/)
  // btc-balance is never asked.
  expect(sent.map((s) => s.bridge)).toEqual(['por-address-list'])
}, 120_000)

it("reports the exact total through two bridges once the node's MaxSize is raised to '1mb': both answers are over 32,768 bytes", async () => {
  const { run, sent } = await replay(twoBridges, nodeFileSize('1mb'))
  expect(observation(twoBridges, run)).toBe(TOTAL)
  expect(sent.map((s) => s.bridge)).toEqual(['por-address-list', 'btc-balance'])
  for (const task of ['list', 'balance']) {
    const bytes = Buffer.byteLength(String(run.results.get(task)?.value))
    expect({ task, over: bytes > DEFAULT_HTTP_MAX_SIZE, under: bytes < 1_000_000 }).toEqual({
      task,
      over: true,
      under: true,
    })
  }
}, 120_000)
