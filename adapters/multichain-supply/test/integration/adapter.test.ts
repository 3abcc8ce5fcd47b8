import { Contract, Wallet, type JsonRpcProvider, type NonceManager } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { deploy } from '#chain/artifacts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { deadUrl } from '#devkit/ports'
import { ensureMulticall3 } from '#devkit/multicall3'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { makeAdapter } from '../../src'
import type { SupplyFigures } from '../../src/provider/supply'

/** The adapter's answer: a figure, a computed error, or a 400 from input validation. */
interface SupplyResponse {
  statusCode: number
  result?: string
  data: SupplyFigures
  errorMessage?: string
  error?: { message: string }
  timestamps?: unknown
}

/**
 * Real ERC-20 deployments on the two local chains (Jest's global setup): `alpha` is chain A
 * (31337, with Multicall3 at its canonical address), `beta` is chain B (31338, without: reads
 * go as a JSON-RPC batch). No fixtures: the chains are the provider.
 */
const TOKEN = 'contracts/mocks/DecimalsToken.sol:DecimalsToken'
const MISREPORTING = 'contracts/mocks/MisreportingToken.sol:MisreportingToken'
const BURN = '0x000000000000000000000000000000000000dEaD'

interface Deployed {
  address: string
  supply: bigint
  decimals: number
}

describe('multichain-supply adapter', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let testAdapter: TestAdapter
  let dying: FaultProxy
  let flaky: FaultProxy
  const labels = new Map<string, string>()
  const tokens: Record<string, Deployed> = {}
  const holders: Record<string, string> = {}
  /** Balances given to excluded holders, by token label then holder label. */
  const held: Record<string, Record<string, bigint>> = {}

  const label = (address: string, name: string) => {
    labels.set(address.toLowerCase(), `<${name}>`)
    return address
  }

  async function deployToken(
    signer: NonceManager,
    name: string,
    decimals: number,
    supply: bigint,
    gifts: Record<string, bigint> = {},
    contract = TOKEN,
  ): Promise<Contract> {
    const token = await deploy<Contract>(signer, contract, name, name, decimals, supply)
    tokens[name] = { address: label(token.target as string, name), supply, decimals }
    held[name] = {}
    for (const [holder, amount] of Object.entries(gifts)) {
      await (
        await (token.connect(signer) as Contract).getFunction('transfer')(holders[holder], amount)
      ).wait()
      held[name][holder] = amount
    }
    return token
  }

  /** The response with what changes from run to run (addresses, blocks, ports, times) named. */
  function stable(json: SupplyResponse): unknown {
    let text = JSON.stringify({ ...json, timestamps: '<timestamps>' })
    for (const [address, name] of labels) text = text.replace(new RegExp(address, 'gi'), name)
    text = text
      .replace(/"blockNumber":\d+/g, '"blockNumber":"<block>"')
      .replace(/"blockTimestamp":\d+/g, '"blockTimestamp":"<time>"')
      .replace(/block \d+/g, 'block <n>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    return JSON.parse(text)
  }

  async function supply(data: Record<string, unknown>) {
    const response = await testAdapter.request(data)
    return { status: response.statusCode, json: response.json() as SupplyResponse }
  }

  const up = (value: bigint, divisor: bigint) => (value + divisor - 1n) / divisor

  beforeAll(async () => {
    providerA = localProvider('A')
    providerB = localProvider('B')
    await ensureMulticall3(providerA)
    const [signerA, signerB] = await Promise.all([fundedSigner(providerA), fundedSigner(providerB)])
    for (const name of ['lockbox', 'treasury', 'issuer']) {
      holders[name] = label(Wallet.createRandom().address, name)
    }
    label(BURN, 'burn')
    await Promise.all([
      (async () => {
        await deployToken(signerA, 'alpha18', 18, 10n ** 24n + 1n, { lockbox: 4n * 10n ** 23n, issuer: 7n })
        await deployToken(signerA, 'alpha24', 24, 3n * 10n ** 30n + 5n, { lockbox: 10n ** 30n })
        await deployToken(signerA, 'alpha0', 0, 1_000_001n, { treasury: 1n })
        await deployToken(signerA, 'alpha6', 6, 2_000_000_000_001n, { issuer: 500_000n })
        const misreporting = await deployToken(signerA, 'misreporting', 6, 1_000n, {}, MISREPORTING)
        await (
          await (misreporting.connect(signerA) as Contract).getFunction('setReportedBalance')(
            holders.lockbox,
            1_001n,
          )
        ).wait()
        await deployToken(signerA, 'decimals40', 40, 1n)
      })(),
      (async () => {
        await deployToken(signerB, 'beta6', 6, 2_500_000_123_456n, { treasury: 123_456n })
        await deployToken(signerB, 'beta0', 0, 42n, { treasury: 2n })
        await deployToken(signerB, 'beta18', 18, 5n * 10n ** 17n + 3n, { issuer: 10n ** 17n })
        await deployToken(signerB, 'beta24', 24, 10n ** 24n + 999_999n, {})
      })(),
    ])
    dying = await startFaultProxy(localChainUrl('A'), () => 'destroy')
    // Answers the first round trip of each request (the head), dies half-way through the read.
    flaky = await startFaultProxy(localChainUrl('B'), (i) =>
      i % 2 === 0 ? 'forward' : 'destroy-mid-response',
    )
    testAdapter = await startTestAdapter(makeAdapter(), {
      ALPHA_RPC_URL: localChainUrl('A'),
      ALPHA_RPC_CHAIN_ID: '31337',
      BETA_RPC_URL: localChainUrl('B'),
      BETA_RPC_CHAIN_ID: '31338',
      // Chain A's RPC, configured as chain B's id.
      WRONG_RPC_URL: localChainUrl('A'),
      WRONG_RPC_CHAIN_ID: '31338',
      // First URL dies mid-request; the second is chain A.
      FAILOVER_A_RPC_URL: `${dying.url},${localChainUrl('A')}`,
      FAILOVER_A_RPC_CHAIN_ID: '31337',
      FAILOVER_B_RPC_URL: `${flaky.url},${localChainUrl('B')}`,
      FAILOVER_B_RPC_CHAIN_ID: '31338',
      DEAD_RPC_URL: await deadUrl(),
      DEAD_RPC_CHAIN_ID: '31338',
      UNCONFIGURED_RPC_URL: undefined,
      RPC_TIMEOUT_MS: '5000',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
  })

  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    await Promise.all([dying.close(), flaky.close()])
    providerA.destroy()
    providerB.destroy()
  })

  it('sums 18 decimals on chain A and 6 decimals on chain B, less the excluded holders, exactly', async () => {
    const before = [await providerA.getBlockNumber(), await providerB.getBlockNumber()]
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha18.address },
        { network: 'beta', address: tokens.beta6.address },
      ],
      exclude: [
        { network: 'alpha', address: holders.lockbox },
        { network: 'alpha', address: BURN },
        { network: 'beta', address: holders.treasury.toLowerCase() },
      ],
    })
    expect(status).toBe(200)
    const alpha = tokens.alpha18.supply - held.alpha18.lockbox
    const beta = (tokens.beta6.supply - held.beta6.treasury) * 10n ** 12n
    expect(json.result).toBe((alpha + beta).toString())
    expect(json.data.result).toBe(json.result)
    expect(json.data.decimals).toBe(18)
    expect(json.data.chains).toMatchObject([
      {
        network: 'alpha',
        chainId: '31337',
        readVia: 'multicall3',
        decimals: 18,
        totalSupply: tokens.alpha18.supply.toString(),
        excluded: held.alpha18.lockbox.toString(),
        circulating: alpha.toString(),
      },
      {
        network: 'beta',
        chainId: '31338',
        readVia: 'batch',
        decimals: 6,
        totalSupply: tokens.beta6.supply.toString(),
        excluded: '123456',
      },
    ])
    // Each chain's block is the head at the time of the request (confirmations 0).
    const after = [await providerA.getBlockNumber(), await providerB.getBlockNumber()]
    json.data.chains.forEach((chain, i) => {
      expect(chain.blockNumber).toBeGreaterThanOrEqual(before[i])
      expect(chain.blockNumber).toBeLessThanOrEqual(after[i])
    })
    expect(stable(json)).toMatchSnapshot()
  })

  it('scales 24 decimals (chain A) down and 0 decimals (chain B) up, rounding the supply up', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha24.address },
        { network: 'beta', address: tokens.beta0.address },
      ],
      exclude: [
        { network: 'alpha', address: holders.lockbox },
        { network: 'beta', address: holders.treasury },
      ],
      resultDecimals: 18,
    })
    expect(status).toBe(200)
    // 2,000,000.000000000000000000000005 → 2,000,000.000000000000000001 (never understated).
    const alpha24 = tokens.alpha24.supply - held.alpha24.lockbox
    const expected = up(alpha24, 10n ** 6n) + 40n * 10n ** 18n
    expect(json.result).toBe(expected.toString())
    expect(json.result).toBe('2000040000000000000000001')
    expect(json.data.chains.map((c) => c.decimals)).toEqual([24, 0])
    expect(stable(json)).toMatchSnapshot()
  })

  it('reads 6 decimals on chain A and 18 on chain B into resultDecimals 0, rounding up once', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha6.address },
        { network: 'beta', address: tokens.beta18.address },
      ],
      exclude: [
        { network: 'alpha', address: holders.issuer },
        { network: 'beta', address: holders.issuer },
      ],
      resultDecimals: 0,
    })
    expect(status).toBe(200)
    const exact = (tokens.alpha6.supply - 500_000n) * 10n ** 12n + (tokens.beta18.supply - 10n ** 17n)
    // 1,999,999.500001 + 0.400000000000000003 = 1,999,999.900001000000000003 → 2,000,000
    expect(json.result).toBe(up(exact, 10n ** 18n).toString())
    expect(json.result).toBe('2000000')
    expect(json.data.decimals).toBe(0)
    expect(stable(json)).toMatchSnapshot()
  })

  it('reads 0 decimals on chain A and 24 on chain B into resultDecimals 8', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha0.address },
        { network: 'beta', address: tokens.beta24.address },
      ],
      exclude: [{ network: 'alpha', address: holders.treasury }],
      resultDecimals: 8,
    })
    expect(status).toBe(200)
    // 1,000,000 + 1.000000000000000000999999 → 1,000,001.00000001
    expect(json.result).toBe('100000100000001')
    expect(stable(json)).toMatchSnapshot()
  })

  it('reads at latest − confirmations on each chain', async () => {
    const before = [await providerA.getBlockNumber(), await providerB.getBlockNumber()]
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha18.address },
        { network: 'beta', address: tokens.beta6.address },
      ],
      confirmations: 2,
    })
    expect(status).toBe(200)
    const after = [await providerA.getBlockNumber(), await providerB.getBlockNumber()]
    expect(json.data.confirmations).toBe(2)
    json.data.chains.forEach((chain, i) => {
      expect(chain.blockNumber).toBeGreaterThanOrEqual(before[i] - 2)
      expect(chain.blockNumber).toBeLessThanOrEqual(after[i] - 2)
    })
  })

  it('refuses an RPC that reports another chain id: 502 naming the network', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha18.address },
        { network: 'wrong', address: tokens.beta6.address },
      ],
    })
    expect(status).toBe(502)
    expect(json.result).toBeUndefined()
    expect(json.errorMessage).toContain('wrong: no RPC could serve the head of the chain')
    expect(json.errorMessage).toContain('reports chain id 31337, expected 31338 (WRONG_RPC_CHAIN_ID)')
    expect(stable(json)).toMatchSnapshot()
  })

  it('fails over to the next URL when an RPC dies mid-request (before answering)', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'failover-a', address: tokens.alpha18.address },
        { network: 'beta', address: tokens.beta6.address },
      ],
      exclude: [{ network: 'failover-a', address: holders.lockbox }],
    })
    expect(status).toBe(200)
    expect(dying.requests.length).toBeGreaterThanOrEqual(1)
    expect(dying.forwarded).toBe(0)
    const alpha = tokens.alpha18.supply - held.alpha18.lockbox
    const beta = tokens.beta6.supply * 10n ** 12n
    expect(json.result).toBe((alpha + beta).toString())
  })

  it('fails over when an RPC dies half-way through its answer, reading at the block already pinned', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha18.address },
        { network: 'failover-b', address: tokens.beta6.address },
      ],
      exclude: [{ network: 'failover-b', address: holders.treasury }],
      confirmations: 1,
    })
    expect(status).toBe(200)
    expect(flaky.requests.length).toBeGreaterThanOrEqual(2)
    expect(json.data.chains[1]).toMatchObject({ network: 'failover-b', excluded: '123456', readVia: 'batch' })
    expect(json.result).toBe(
      (tokens.alpha18.supply + (tokens.beta6.supply - held.beta6.treasury) * 10n ** 12n).toString(),
    )
  })

  it('refuses an excluded balance above the supply (never a negative supply)', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.misreporting.address },
        { network: 'beta', address: tokens.beta6.address },
      ],
      exclude: [{ network: 'alpha', address: holders.lockbox }],
    })
    expect(status).toBe(502)
    expect(json.result).toBeUndefined()
    expect(json.errorMessage).toMatch(
      /alpha: token .* excluded balances \(1001\) exceed totalSupply\(\) \(1000\)/,
    )
    expect(stable(json)).toMatchSnapshot()
  })

  it('fails the whole request, naming the network, when one chain cannot be read', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.alpha18.address },
        { network: 'dead', address: tokens.beta6.address },
      ],
    })
    expect(status).toBe(502)
    expect(json.result).toBeUndefined()
    expect(json.data).toBeUndefined()
    expect(json.errorMessage).toMatch(/^supply not reported, chains unread: dead: no RPC could serve/)
    expect(json.errorMessage).toContain('DEAD_RPC_URL #1')
    expect(json.errorMessage).not.toMatch(/alpha:/)
  })

  it('refuses decimals() outside 0–36, and a token address without a contract', async () => {
    const { status, json } = await supply({
      tokens: [
        { network: 'alpha', address: tokens.decimals40.address },
        { network: 'beta', address: holders.issuer },
      ],
    })
    expect(status).toBe(502)
    expect(json.errorMessage).toMatch(/alpha: token .* decimals\(\) is 40, outside 0–36/)
    expect(json.errorMessage).toMatch(/beta: token .* decimals\(\) returned nothing: no ERC-20 contract/)
    expect(stable(json)).toMatchSnapshot()
  })

  it.each([
    [
      'an unconfigured network',
      { tokens: [{ network: 'unconfigured', address: BURN }] },
      'tokens[0].network: network "unconfigured" is not configured: set UNCONFIGURED_RPC_URL and UNCONFIGURED_RPC_CHAIN_ID',
    ],
    ['no token', { tokens: [] }, 'tokens: list at least one { network, address }'],
    [
      'two tokens on one network',
      {
        tokens: [
          { network: 'alpha', address: BURN },
          { network: 'ALPHA', address: BURN },
        ],
      },
      'tokens[1]: network "alpha" is listed twice (one token per chain)',
    ],
    [
      'two networks on one chain id',
      {
        tokens: [
          { network: 'alpha', address: BURN },
          { network: 'failover-a', address: BURN },
        ],
      },
      'tokens[1]: network "failover-a" has the chain id of "alpha" (31337): one token per chain',
    ],
    [
      'an excluded holder on a network without a token',
      { tokens: [{ network: 'alpha', address: BURN }], exclude: [{ network: 'beta', address: BURN }] },
      'exclude[0].network: "beta" is not one of the tokens\' networks',
    ],
    [
      'a holder excluded twice',
      {
        tokens: [{ network: 'alpha', address: BURN }],
        exclude: [
          { network: 'alpha', address: BURN },
          { network: 'alpha', address: BURN.toLowerCase() },
        ],
      },
      'exclude[1]: 0x000000000000000000000000000000000000dEaD is already excluded on "alpha"',
    ],
    [
      'a bad checksum',
      { tokens: [{ network: 'alpha', address: '0x000000000000000000000000000000000000dEAD' }] },
      'tokens[0].address: 0x000000000000000000000000000000000000dEAD fails its EIP-55 checksum (mixed case must be checksummed)',
    ],
    [
      'a non-address',
      { tokens: [{ network: 'alpha', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' }] },
      'tokens[0].address: "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh" is not an EVM address (0x and 40 hex digits)',
    ],
    [
      'fractional confirmations',
      { tokens: [{ network: 'alpha', address: BURN }], confirmations: 1.5 },
      'confirmations: must be a non-negative integer, got 1.5',
    ],
    [
      'resultDecimals above 36',
      { tokens: [{ network: 'alpha', address: BURN }], resultDecimals: 37 },
      'resultDecimals: must be an integer from 0 to 36, got 37',
    ],
  ])('answers 400 to %s, before reading any chain', async (_case, data, message) => {
    const { status, json } = await supply(data)
    expect(status).toBe(400)
    expect(json.error?.message).toBe(message)
  })
})
