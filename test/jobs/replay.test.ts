/**
 * Every job in jobs/ replayed as a node would run it: each adapter's real HTTP server
 * (startAdapterServer) behind the bridge jobs/<adapter>/bridge.json defines, pointed at loopback
 * providers (an Esplora ledger, an auditor's API, a vault's bar lists) and at the two local
 * chains (a PoRAddressList, ERC-20s on two chains); each job's pipelines run by
 * devkit/pipeline.ts with the variables of an OCR2 run, sending the bridge requests a node sends
 * (`{ id, data, meta }`). Each job must report the exact integer its figures give, at the
 * decimals its feed is declared with, and every request it sends must be one its adapter takes.
 *
 * An adapter not configured here by hand (one just made by `npm run new:adapter`) is replayed
 * against the provider of its conformance declaration: the job's placeholder
 * `<ADAPTER_NAME_INPUT>` takes the declaration's sample value for `input`, and the job must report
 * the declaration's expected figure.
 */
import { Wallet } from 'ethers'
import { deployDecimalsToken, deployMockV3Aggregator, deployPoRAddressList } from '#chain/contracts'
import { join } from 'node:path'
import { ADAPTERS_DIR, loadAdapterModule } from '#devkit/adapters'
import type { ConformanceDeclaration } from '#devkit/conformance'
import { nameForms } from '#devkit/new-adapter'
import { startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { observation, observe, ocr2Vars, parsePipeline, type Pipeline } from '#devkit/pipeline'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import type { ApiServer } from '#devkit/simulators/http-api'
import { LONDON_VAULT, serveVaultApi } from '#devkit/simulators/vault'
import { seededAddress } from '#devkit/bitcoin-address'
import { checkRequestData, fillPlaceholders, jobFolders, placeholdersIn, replayRounds } from './jobs'

const folders = jobFolders()
const jobs = folders.flatMap((folder) => folder.jobs)

const RESERVE_1 = seededAddress('reserve-1') // 100 BTC, deep
const RESERVE_2 = seededAddress('reserve-2') // 200 BTC deep, + 50 BTC with 3 confirmations
const RESERVE_3 = seededAddress('reserve-3') // 0.5 BTC, deep: listed on-chain only

// Chain A's token: 18 decimals, part of it in a lockbox; chain B's: 6 decimals.
const SUPPLY_A = 10n ** 24n + 7n
const LOCKED_A = 4n * 10n ** 23n
const SUPPLY_B = 2_500_000_123_456n
// Custody wallets: the reserve token on chain A (18 decimals), ether on chain B.
const CUSTODY_1 = Wallet.createRandom().address
const CUSTODY_2 = Wallet.createRandom().address
const HELD_1 = 1_234n * 10n ** 18n + 5n
const HELD_2 = 7n * 10n ** 17n
const NATIVE_1 = 3n * 10n ** 18n + 1n
// The attested reserve × 10^18, and a USD token's supply on each chain (18 decimals on both).
const ATTESTED = 1_000_523_419_870_000_000_000_000_000n
const MINTED_A = 600_000_000n * 10n ** 18n + 3n
const MINTED_B = 250_000_000n * 10n ** 18n
/** BTC/USD at 8 decimals, the price feed on chain A. */
const BTC_USD = 9_712_345_678_901n

/** What each job must report, from the figures above (and, once set up, from conformance declarations). */
const EXPECTED: Record<string, bigint> = {
  // 100 + 200 BTC at 6 confirmations, in satoshis (the 50 BTC with 3 do not count).
  'jobs/btc-balance/job.toml': 30_000_000_000n,
  // The three addresses listed on-chain: 100 + 200 + 0.5 BTC, in satoshis.
  'jobs/proof-of-reserves/job.toml': 30_050_000_000n,
  // 300.5 BTC at 97,123.45678901 USD, plus 1,000,523,419.87 attested, × 10^18.
  'jobs/proof-of-reserves/mixed.toml': 30_050_000_000n * BTC_USD * 100n + 100_052_341_987n * 10n ** 16n,
  // 1,000,523,419.87 attested × 10^18.
  'jobs/attestation/job.toml': 1_000_523_419_870_000_000_000_000_000n,
  // 399.440 + 399.960 fine troy ounces × 10^8.
  'jobs/gold-vault/job.toml': 79_940_000_000n,
  // (10^24 + 7 − 4×10^23) on chain A at 18 decimals + 2,500,000.123456 on chain B, at 18 decimals.
  'jobs/multichain-supply/job.toml': SUPPLY_A - LOCKED_A + SUPPLY_B * 10n ** 12n,
  // The token in two custody wallets on chain A, ether in one on chain B, all at 18 decimals.
  'jobs/token-balance/job.toml': HELD_1 + HELD_2 + NATIVE_1,
  // 1,000,523,419.87 attested × 10^18, less both chains' supply, split in two halves (rounded down).
  'jobs/secure-mint/job.toml': ((ATTESTED - MINTED_A - MINTED_B) / 2n) * 2n,
}

/** The adapters whose providers, placeholder values and figures are set up here by hand. */
const HAND_CONFIGURED = [
  'btc-balance',
  'por-address-list',
  'attestation',
  'gold-vault',
  'multichain-supply',
  'token-balance',
  'proof-of-reserves',
  'secure-mint',
]

/**
 * Adapter `name`'s conformance provider, started: its placeholders' values (`<NAME_INPUT>`: the
 * sample's `input`) and its job's expected figure recorded; returns the settings pointing at it.
 */
async function fromConformance(name: string): Promise<Record<string, string | undefined>> {
  const path = join(ADAPTERS_DIR, name, 'test', 'conformance.ts')
  const { conformance } = (await import(path)) as { conformance: ConformanceDeclaration }
  const provider = await conformance.provider()
  if (provider.close) closers.push(provider.close)
  for (const [input, value] of Object.entries(provider.sample)) {
    placeholderValues[`<${nameForms(name).constant}_${nameForms(input).constant}>`] = String(value)
  }
  if (typeof provider.expected !== 'string') throw new Error(`${name}: a job reports a number, not a list`)
  for (const job of jobs.filter((j) => j.path.startsWith(`jobs/${name}/`))) {
    EXPECTED[job.path] = BigInt(provider.expected)
  }
  return conformance.env(provider.url, 10_000)
}

const EXTERNAL_JOB_ID = '7f3c2a1e-9b4d-4c8e-a6f5-0d1e2f3a4b5c'
/** This node's last observation, as the node sends it back in `meta`. */
const LAST = { latestAnswer: 29_999_000_000n, updatedAt: 1_763_700_000n }

const closers: (() => Promise<void>)[] = []
const servers = new Map<string, AdapterServer>()
/** The node's bridges table: name → URL, from jobs/<adapter>/bridge.json with the adapter's URL filled in. */
const bridgeTable = new Map<string, string>()
let placeholderValues: Record<string, string>

beforeAll(async () => {
  // Each adapter's settings, as its operator would give them, against loopback providers and local chains.
  const env: Record<string, Record<string, string | undefined>> = {}
  placeholderValues = {}
  if (folders.some((folder) => HAND_CONFIGURED.includes(folder.adapter))) {
    const ledger = new EsploraSim()
    ledger.fund(RESERVE_1, 10_000_000_000n)
    ledger.fund(RESERVE_2, 20_000_000_000n)
    ledger.fund(RESERVE_3, 50_000_000n)
    ledger.mine(10)
    ledger.fund(RESERVE_2, 5_000_000_000n)
    ledger.mine(2)
    const esplora = await serveEsplora(ledger)
    closers.push(esplora.close)

    const auditor: ApiServer = await serveAttestationApi({
      usdx: { accountName: 'USDX', totalReserve: '1000523419.87', totalToken: '1000000000.00' },
    })
    closers.push(auditor.close)
    const custodianApi = await serveVaultApi({ london: LONDON_VAULT })
    closers.push(custodianApi.close)

    const chainA = localProvider('A')
    const chainB = localProvider('B')
    closers.push(async () => {
      chainA.destroy()
      chainB.destroy()
    })
    const signerA = await fundedSigner(chainA)
    const signerB = await fundedSigner(chainB)
    const list = await deployPoRAddressList(signerA, await signerA.getAddress(), [
      RESERVE_1,
      RESERVE_2,
      RESERVE_3,
    ])
    const tokenA = await deployDecimalsToken(signerA, 'Wrapped', 'WRP', 18, SUPPLY_A)
    const tokenB = await deployDecimalsToken(signerB, 'Wrapped', 'WRP', 6, SUPPLY_B)
    const lockbox = Wallet.createRandom().address
    await (await tokenA.transfer(lockbox, LOCKED_A)).wait()
    const reserveToken = await deployDecimalsToken(signerA, 'Wrapped Ether', 'WETH', 18, 10n ** 24n)
    await (await reserveToken.transfer(CUSTODY_1, HELD_1)).wait()
    await (await reserveToken.transfer(CUSTODY_2, HELD_2)).wait()
    await (await signerB.sendTransaction({ to: CUSTODY_1, value: NATIVE_1 })).wait()
    const usdxA = await deployDecimalsToken(signerA, 'USDX', 'USDX', 18, MINTED_A)
    const usdxB = await deployDecimalsToken(signerB, 'USDX', 'USDX', 18, MINTED_B)
    // The job reads two blocks below each head: blocks on top of both tokens.
    for (const signer of [signerA, signerA, signerB, signerB]) {
      await (await signer.sendTransaction({ to: Wallet.createRandom().address, value: 1n })).wait()
    }
    const btcUsd = await deployMockV3Aggregator(signerA, 8, BTC_USD)

    Object.assign(placeholderValues, {
      '<CUSTODIAN_BTC_ADDRESS_1>': RESERVE_1,
      '<CUSTODIAN_BTC_ADDRESS_2>': RESERVE_2,
      '<POR_ADDRESS_LIST_CONTRACT>': String(list.target),
      '<ATTESTATION_CLIENT>': 'usdx',
      '<VAULT_NAME>': 'london',
      '<TOKEN_ADDRESS_ETHEREUM>': String(tokenA.target),
      '<TOKEN_ADDRESS_ARBITRUM>': String(tokenB.target),
      '<EXCLUDED_HOLDER_ETHEREUM>': lockbox,
      '<RESERVE_TOKEN_ETHEREUM>': String(reserveToken.target),
      '<CUSTODIAN_WALLET_ETHEREUM_1>': CUSTODY_1,
      '<CUSTODIAN_WALLET_ETHEREUM_2>': CUSTODY_2,
      '<CUSTODIAN_WALLET_ARBITRUM_1>': CUSTODY_1,
      '<BTC_USD_FEED>': String(btcUsd.target),
      '<SECURE_MINT_TOKEN_ETHEREUM>': String(usdxA.target),
      '<SECURE_MINT_TOKEN_ARBITRUM>': String(usdxB.target),
      '<SECURE_MINT_AUDITOR_CLIENT>': 'usdx',
    })

    // Each adapter's settings, as its operator would give them ("ethereum" and "arbitrum" are the
    // network names the jobs use), against the loopback providers and local chains.
    const [a, b] = LOCAL_CHAINS
    Object.assign(env, {
      'btc-balance': { BITCOIN_MAINNET_ESPLORA_URL: esplora.url, ESPLORA_RETRIES: '0' },
      attestation: {
        ATTESTATION_API_URL: auditor.url,
        ATTESTATION_RETRIES: '0',
        ATTESTATION_SIGNER_ADDRESS: undefined,
      },
      'gold-vault': { GOLD_VAULT_API_URL: custodianApi.url, GOLD_VAULT_RETRIES: '0' },
      'por-address-list': { ETHEREUM_RPC_URL: localChainUrl('A'), ETHEREUM_RPC_CHAIN_ID: String(a.chainId) },
      'multichain-supply': {
        ETHEREUM_RPC_URL: localChainUrl('A'),
        ETHEREUM_RPC_CHAIN_ID: String(a.chainId),
        ARBITRUM_RPC_URL: localChainUrl('B'),
        ARBITRUM_RPC_CHAIN_ID: String(b.chainId),
      },
      'token-balance': {
        ETHEREUM_RPC_URL: localChainUrl('A'),
        ETHEREUM_RPC_CHAIN_ID: String(a.chainId),
        ARBITRUM_RPC_URL: localChainUrl('B'),
        ARBITRUM_RPC_CHAIN_ID: String(b.chainId),
      },
      'proof-of-reserves': {
        ETHEREUM_RPC_URL: localChainUrl('A'),
        ETHEREUM_RPC_CHAIN_ID: String(a.chainId),
        BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
        ESPLORA_RETRIES: '0',
        ATTESTATION_API_URL: auditor.url,
        ATTESTATION_RETRIES: '0',
        ATTESTATION_SIGNER_ADDRESS: undefined,
      },
      'secure-mint': {
        ETHEREUM_RPC_URL: localChainUrl('A'),
        ETHEREUM_RPC_CHAIN_ID: String(a.chainId),
        ARBITRUM_RPC_URL: localChainUrl('B'),
        ARBITRUM_RPC_CHAIN_ID: String(b.chainId),
        ATTESTATION_API_URL: auditor.url,
        ATTESTATION_RETRIES: '0',
        ATTESTATION_SIGNER_ADDRESS: undefined,
      },
    })
  }
  for (const folder of folders.filter((f) => !HAND_CONFIGURED.includes(f.adapter))) {
    env[folder.adapter] = await fromConformance(folder.adapter)
  }
  for (const folder of folders) {
    const { makeAdapter } = await loadAdapterModule(folder.adapter)
    const server = await startAdapterServer(makeAdapter(), {
      ...env[folder.adapter],
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
    servers.set(folder.adapter, server)
    closers.push(server.close)
    const bridge = JSON.parse(fillPlaceholders(folder.bridgeText, { '<ADAPTER_URL>': server.url })) as {
      name: string
      url: string
    }
    bridgeTable.set(bridge.name.toLowerCase(), bridge.url)
  }
})

afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

/** A job's pipeline replayed with the variables of an OCR2 run and the bridges above. */
const replay = (pipeline: Pipeline) =>
  replayRounds(pipeline, {
    vars: ocr2Vars({ externalJobID: EXTERNAL_JOB_ID, ...LAST }),
    bridgeUrl: (name) => bridgeTable.get(name),
  })

it('has an expected figure for every job in jobs/', () => {
  expect(jobs.map((j) => j.path).sort()).toEqual(Object.keys(EXPECTED).sort())
})

describe.each(jobs.map((job) => ({ path: job.path, job })))('$path', ({ job }) => {
  it('reports the exact integer its figures give, at its feed decimals, from requests its adapters take', async () => {
    const source = fillPlaceholders(String(job.spec.observationSource), placeholderValues)
    expect(placeholdersIn(source)).toEqual([])
    const pipeline = parsePipeline(source)
    const { run, sent } = await replay(pipeline)

    expect(observation(pipeline, run)).toBe(EXPECTED[job.path])

    // What the node sent each bridge: the request data as written, with the run's meta.
    const bridgeTasks = pipeline.tasks.filter((t) => t.type === 'bridge')
    expect(sent.map((s) => s.task)).toEqual(bridgeTasks.map((t) => t.id))
    for (const request of sent) {
      const body = JSON.parse(request.body) as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual(['data', 'id', 'meta'])
      expect(body.id).toBe(EXTERNAL_JOB_ID)
      expect(body.meta).toEqual({
        latestAnswer: Number(LAST.latestAnswer),
        updatedAt: Number(LAST.updatedAt),
      })
      expect({
        task: request.task,
        problems: await checkRequestData(request.bridge, body.data as never),
      }).toEqual({
        task: request.task,
        problems: [],
      })
    }

    // The figure is the last adapter's own result, unscaled, at the decimals the feed is deployed with.
    const last = run.results.get(bridgeTasks.at(-1)!.id)!
    const answer = JSON.parse(String(last.value)) as {
      result: string
      data: { result: string; decimals: number }
    }
    expect(answer.data.decimals).toBe(job.feedDecimals)
    expect(BigInt(answer.data.result)).toBe(EXPECTED[job.path])
  })

  it('reports juelsPerFeeCoin 0', async () => {
    expect(
      await observe(job.juelsPerFeeCoinSource, {
        vars: ocr2Vars({ externalJobID: EXTERNAL_JOB_ID }),
        bridgeUrl: () => undefined,
      }),
    ).toBe(0n)
  })
})
