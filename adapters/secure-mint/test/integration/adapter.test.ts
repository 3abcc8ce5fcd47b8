import { Wallet, type Contract, type JsonRpcProvider, type NonceManager } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { deploy } from '#chain/artifacts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { deadUrl } from '#devkit/ports'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'
import { makeConfig, type Settings } from '../../src/config'
import { computeBudgets } from '../../src/provider/budgets'
import { askAdapter, custodyReserve } from './answer'

/**
 * Real ERC-20 deployments on the two local chains (Jest's global setup): the token is issued on
 * chain A (31337, read through Multicall3) and chain B (31338, without: a JSON-RPC batch); its
 * reserve is a reserve token in a custodian's wallet on chain A, read by the proof-of-reserves
 * composite's code (token-balance). No fixtures: the chains are the provider.
 */
const TOKEN = 'contracts/mocks/DecimalsToken.sol:DecimalsToken'
const E18 = 10n ** 18n

describe('secure-mint adapter', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let signerA: NonceManager
  let testAdapter: TestAdapter
  const custodian = Wallet.createRandom().address
  let reserveToken: Contract
  let tokenA: Contract
  let tokenB: Contract
  let tokenB6: Contract

  const ENV = {
    ALPHA_RPC_URL: '',
    ALPHA_RPC_CHAIN_ID: '31337',
    BETA_RPC_URL: '',
    BETA_RPC_CHAIN_ID: '31338',
    DEAD_RPC_URL: '',
    DEAD_RPC_CHAIN_ID: '31338',
    RPC_TIMEOUT_MS: '5000',
    BACKGROUND_EXECUTE_MS_HTTP: '50',
  }

  /** A request for the token on both chains, its reserve the custodian's reserve tokens. */
  const request = (change: Record<string, unknown> = {}) => ({
    token: 'USDX',
    decimals: 18,
    currency: 'USD',
    supplyChains: [
      { network: 'alpha', address: tokenA.target, share: 3 },
      { network: 'beta', address: tokenB.target, share: 1 },
    ],
    ...custodyReserve(reserveToken.target, custodian),
    ...change,
  })

  const ask = (data: Record<string, unknown>) => askAdapter(testAdapter, data)

  beforeAll(async () => {
    providerA = localProvider('A')
    providerB = localProvider('B')
    await ensureMulticall3(providerA)
    let signerB: NonceManager
    ;[signerA, signerB] = await Promise.all([fundedSigner(providerA), fundedSigner(providerB)])
    // Reserve 1,000,000; supply 600,000 on A and 150,000 on B.
    // The token first: blocks follow it on chain A, so a read a confirmation deep still finds it.
    tokenA = await deploy<Contract>(signerA, TOKEN, 'USDX', 'USDX', 18, 600_000n * E18)
    reserveToken = await deploy<Contract>(signerA, TOKEN, 'Reserve', 'RSV', 18, 2_000_000n * E18)
    await (await reserveToken.getFunction('transfer')(custodian, 1_000_000n * E18)).wait()
    ;[tokenB, tokenB6] = [
      await deploy<Contract>(signerB, TOKEN, 'USDX', 'USDX', 18, 150_000n * E18),
      await deploy<Contract>(signerB, TOKEN, 'USDX6', 'USDX6', 6, 1n),
    ]
    Object.assign(ENV, {
      ALPHA_RPC_URL: localChainUrl('A'),
      BETA_RPC_URL: localChainUrl('B'),
      DEAD_RPC_URL: await deadUrl(),
    })
    testAdapter = await startTestAdapter(makeAdapter(), ENV)
  })

  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    providerA.destroy()
    providerB.destroy()
  })

  it('answers per chain supply, pre-mint and mintable, the total and the block each was read at, exactly', async () => {
    const { status, json } = await ask(request())
    expect(status).toBe(200)
    // 1,000,000 − 750,000 = 250,000, split 3:1.
    const [a, b] = [187_500n * E18, 62_500n * E18]
    expect(json.result).toBe((a + b).toString())
    expect(json.data).toMatchObject({
      result: json.result,
      decimals: 18,
      token: 'USDX',
      currency: 'USD',
      overmint: false,
      reserve: (1_000_000n * E18).toString(),
      supply: (750_000n * E18).toString(),
      preMint: '0',
      mintable: json.result,
      chains: [
        {
          network: 'alpha',
          chainId: '31337',
          address: tokenA.target,
          readVia: 'multicall3',
          supply: (600_000n * E18).toString(),
          preMint: '0',
          share: 3,
          mintable: a.toString(),
        },
        {
          network: 'beta',
          chainId: '31338',
          address: tokenB.target,
          readVia: 'batch',
          supply: (150_000n * E18).toString(),
          preMint: '0',
          share: 1,
          mintable: b.toString(),
        },
      ],
      reserveInfo: { reserveAmount: (1_000_000n * E18).toString() },
    })
    // Each figure names its block by number and hash: the chain's own block at that height.
    for (const [i, provider] of [providerA, providerB].entries()) {
      const chain = json.data.chains[i]
      const block = await provider.getBlock(chain.blockNumber)
      expect([chain.blockHash, chain.blockTimestamp]).toEqual([block!.hash, block!.timestamp])
      expect(json.data.mintables[chain.chainId]).toEqual({
        mintable: chain.mintable,
        block: chain.blockNumber,
      })
      expect(json.data.latestBlocks[chain.chainId]).toBe(chain.blockNumber)
    }
    // The reserve's own reading, as the composite reports it.
    expect(json.data.reserves).toMatchObject({
      result: (1_000_000n * E18).toString(),
      decimals: 18,
      currency: 'USD',
    })
  })

  it('counts a pre-mint against the reserve, and reads each chain at its own confirmations depth', async () => {
    const head = await providerA.getBlockNumber()
    const { status, json } = await ask(
      request({
        supplyChains: [
          { network: 'alpha', address: tokenA.target, preMint: (50_000n * E18).toString(), confirmations: 1 },
          { network: 'beta', address: tokenB.target, share: 0 },
        ],
      }),
    )
    expect([status, json.errorMessage]).toEqual([200, undefined])
    expect(json.data).toMatchObject({
      overmint: false,
      preMint: (50_000n * E18).toString(),
      chains: [{ mintable: (200_000n * E18).toString() }, { mintable: '0' }],
    })
    expect(json.data.chains[0].blockNumber).toBeLessThan(head + 1)
    expect(json.data.chains[0].confirmations).toBe(1)
  })

  it('raises the over-mint flag when pre-mint plus supply exceed the reserve: every budget is 0', async () => {
    // A fat-finger mint on chain B: 300 trillion more units than the reserve can back.
    const fatFinger = await deploy<Contract>(
      await fundedSigner(providerB),
      TOKEN,
      'USDX',
      'USDX',
      18,
      300_000_000_000_000n * E18,
    )
    const { status, json } = await ask(
      request({
        supplyChains: [
          { network: 'alpha', address: tokenA.target },
          { network: 'beta', address: fatFinger.target },
        ],
      }),
    )
    expect(status).toBe(200)
    expect(json.result).toBe('0')
    expect(json.data).toMatchObject({
      overmint: true,
      mintable: '0',
      chains: [{ mintable: '0' }, { mintable: '0' }],
    })
    // A pre-mint alone tips it over too.
    const preMinted = await ask(
      request({
        supplyChains: [{ network: 'alpha', address: tokenA.target, preMint: (400_001n * E18).toString() }],
      }),
    )
    expect(preMinted.json.data).toMatchObject({ overmint: true, result: '0' })
  })

  it('refuses a chain whose decimals() is not the token decimals the request gives (502), never comparing at other decimals', async () => {
    const { status, json } = await ask(
      request({ supplyChains: [{ network: 'beta', address: tokenB6.target }] }),
    )
    expect(status).toBe(502)
    expect(json.errorMessage).toMatch(
      /beta: token 0x[0-9a-fA-F]{40} at block \d+: decimals\(\) is 6, not the token's decimals \(18\)/,
    )
  })

  it('gives no partial answer: a supply chain that cannot be read fails the whole answer (502 naming it)', async () => {
    const { status, json } = await ask(
      request({
        supplyChains: [
          { network: 'alpha', address: tokenA.target },
          { network: 'dead', address: tokenB.target },
        ],
      }),
    )
    expect(status).toBe(502)
    expect(json.errorMessage).toMatch(/^mintable budgets not reported, chains unread: dead: /)
    expect(json.data).toBeUndefined()
  })

  it('refuses a reserve in another currency than the token’s (400 naming `currency`)', async () => {
    const { status, json } = await ask(request({ currency: 'BTC' }))
    expect(status).toBe(400)
    expect(json.error?.message).toMatch(/^currency: the token is backed by BTC/)
  })

  it('computes the same budgets in process (computeBudgets)', async () => {
    const config = makeConfig()
    config.initialize()
    config.validate()
    const settings = config.settings as Settings
    const { figures } = await computeBudgets(request() as never, settings, undefined, {
      ...process.env,
      ...ENV,
    })
    const { json } = await ask(request())
    expect(figures.result).toBe(json.result)
    expect(figures.chains.map((c) => c.mintable)).toEqual(json.data.chains.map((c) => c.mintable))
  })
})
