/**
 * token-balance against real ERC-20 deployments on the two local chains of the Jest harness:
 * `alpha` is chain A (31337, with Multicall3 at its canonical address), `beta` is chain B (31338,
 * without: reads go as a JSON-RPC batch, native balances as eth_getBalance). No fixtures: the
 * chains are the provider.
 */
import { Wallet, type JsonRpcProvider } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { deployDecimalsToken, deployMisreportingToken } from '#chain/contracts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { deadUrl } from '#devkit/ports'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'
import type { BalanceFigures } from '../../src/provider/balances'

interface BalanceResponse {
  statusCode: number
  result?: string
  data: BalanceFigures
  errorMessage?: string
  error?: { message: string }
  timestamps?: { providerIndicatedTimeUnixMs?: number }
}

const wallets = Array.from({ length: 4 }, () => Wallet.createRandom().address)
const [W0, W1, W2, W3] = wallets

describe('token-balance adapter', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let testAdapter: TestAdapter
  let counter: FaultProxy
  const token: Record<string, string> = {}

  async function balances(data: Record<string, unknown>) {
    const response = await testAdapter.request(data)
    return { status: response.statusCode, json: response.json() as BalanceResponse }
  }
  const messageOf = (json: BalanceResponse) => json.errorMessage ?? json.error?.message ?? ''

  beforeAll(async () => {
    providerA = localProvider('A')
    providerB = localProvider('B')
    await ensureMulticall3(providerA)
    const [signerA, signerB] = await Promise.all([fundedSigner(providerA), fundedSigner(providerB)])
    const alpha6 = await deployDecimalsToken(signerA, 'A6', 'A6', 6, 10n ** 15n)
    await (await alpha6.transfer(W0, 1_500_000n)).wait()
    await (await alpha6.transfer(W1, 250_001n)).wait()
    const alpha24 = await deployDecimalsToken(signerA, 'A24', 'A24', 24, 10n ** 30n)
    await (await alpha24.transfer(W0, 3n * 10n ** 24n + 999_999n)).wait()
    const beta18 = await deployDecimalsToken(signerB, 'B18', 'B18', 18, 10n ** 24n)
    await (await beta18.transfer(W2, 7n * 10n ** 17n + 5n)).wait()
    const misreporting = await deployMisreportingToken(signerA, 'M', 'M', 6, 1_000n)
    await (await misreporting.setReportedBalance(W3, 1_001n)).wait()
    // Native coin: 2.5 ETH on chain A, 0.125 + 1 wei on chain B.
    await (await signerA.sendTransaction({ to: W1, value: 25n * 10n ** 17n })).wait()
    await (await signerB.sendTransaction({ to: W2, value: 125n * 10n ** 15n + 1n })).wait()
    Object.assign(token, {
      alpha6: alpha6.target,
      alpha24: alpha24.target,
      beta18: beta18.target,
      misreporting: misreporting.target,
    })
    counter = await startFaultProxy(localChainUrl('A'))
    testAdapter = await startTestAdapter(makeAdapter(), {
      ALPHA_RPC_URL: localChainUrl('A'),
      ALPHA_RPC_CHAIN_ID: '31337',
      BETA_RPC_URL: localChainUrl('B'),
      BETA_RPC_CHAIN_ID: '31338',
      COUNTED_RPC_URL: counter.url,
      COUNTED_RPC_CHAIN_ID: '31337',
      MAINNET_RPC_URL: localChainUrl('A'),
      MAINNET_RPC_CHAIN_ID: '31337',
      DEAD_RPC_URL: await deadUrl(),
      DEAD_RPC_CHAIN_ID: '31338',
      RPC_TIMEOUT_MS: '5000',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
  })

  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    await counter.close()
    providerA.destroy()
    providerB.destroy()
  })

  it('sums ERC-20 and native balances on two chains exactly, each chain at one block, rounding down once', async () => {
    const { status, json } = await balances({
      addresses: [
        { network: 'alpha', contractAddress: token.alpha6, wallets: [W0, W1.toLowerCase()] },
        { network: 'alpha', wallets: [W1] },
        { network: 'beta', chainId: '31338', contractAddress: token.beta18, wallets: [W2] },
        { network: 'beta', wallets: [W2] },
        { network: 'alpha', contractAddress: token.alpha24, wallets: [W0] },
      ],
      resultDecimals: 8,
    })
    expect([status, messageOf(json)]).toEqual([200, ''])
    // 1.750001 + 2.5 + 0.700000000000000005 + 0.125000000000000001 + 3.000000000000000000999999
    // = 8.075001000000000006999999 → 8.07500100 (never overstated).
    expect(json.result).toBe('807500100')
    expect(json.data).toMatchObject({ result: '807500100', decimals: 8, confirmations: 0 })
    expect(json.data.chains.map((c) => [c.network, c.chainId, c.readVia])).toEqual([
      ['alpha', '31337', 'multicall3'],
      ['beta', '31338', 'batch'],
    ])
    expect(json.data.wallets).toEqual([
      { network: 'alpha', contractAddress: token.alpha6, walletAddress: W0, balance: '1500000', decimals: 6 },
      { network: 'alpha', contractAddress: token.alpha6, walletAddress: W1, balance: '250001', decimals: 6 },
      {
        network: 'alpha',
        contractAddress: null,
        walletAddress: W1,
        balance: (25n * 10n ** 17n).toString(),
        decimals: 18,
      },
      {
        network: 'alpha',
        contractAddress: token.alpha24,
        walletAddress: W0,
        balance: (3n * 10n ** 24n + 999_999n).toString(),
        decimals: 24,
      },
      {
        network: 'beta',
        contractAddress: token.beta18,
        walletAddress: W2,
        balance: (7n * 10n ** 17n + 5n).toString(),
        decimals: 18,
      },
      {
        network: 'beta',
        contractAddress: null,
        walletAddress: W2,
        balance: (125n * 10n ** 15n + 1n).toString(),
        decimals: 18,
      },
    ])
    // The figure is as old as the oldest block read.
    const oldest = Math.min(...json.data.chains.map((c) => c.blockTimestamp))
    expect(json.timestamps?.providerIndicatedTimeUnixMs).toBe(oldest * 1000)
  })

  it('reads a chain in one round trip with Multicall3 at confirmations 0, two at a depth, for any number of wallets', async () => {
    const many = Array.from({ length: 200 }, (_, i) => (i === 0 ? W0 : Wallet.createRandom().address))
    for (const [confirmations, trips] of [
      [0, 1],
      [2, 2],
    ]) {
      const asked = counter.requests.length
      const { status, json } = await balances({
        addresses: [
          { network: 'counted', contractAddress: token.alpha6, wallets: many },
          { network: 'counted', wallets: many.slice(0, 10) },
        ],
        confirmations,
        resultDecimals: 6,
      })
      expect([status, messageOf(json)]).toEqual([200, ''])
      expect(json.result).toBe('1500000')
      expect(counter.requests.length - asked).toBe(trips)
    }
  })

  it.each([
    [
      'a chain id other than the network’s',
      () => ({ addresses: [{ network: 'alpha', chainId: '1', wallets: [W0] }] }),
      /addresses\[0\]\.chainId: 1 is not the chain id of network "alpha" \(ALPHA_RPC_CHAIN_ID is 31337\)/,
    ],
    [
      'a wallet listed twice for one token on one chain',
      () => ({
        addresses: [
          { network: 'alpha', contractAddress: token.alpha6, wallets: [W0] },
          { network: 'ALPHA', contractAddress: token.alpha6.toLowerCase(), wallets: [W0.toLowerCase()] },
        ],
      }),
      /addresses\[1\]\.wallets\[0\]: .* is listed twice for 0x[0-9a-fA-F]{40} on "alpha": it would count twice/,
    ],
    [
      'two network names for one chain',
      () => ({
        addresses: [
          { network: 'alpha', wallets: [W0] },
          { network: 'mainnet', wallets: [W1] },
        ],
      }),
      /addresses\[1\]\.network: "mainnet" has the chain id of "alpha" \(31337\)/,
    ],
    [
      'no wallet',
      () => ({ addresses: [{ network: 'alpha', wallets: [] }] }),
      /addresses\[0\]\.wallets: list at least one/,
    ],
    [
      'a badly checksummed wallet',
      () => ({ addresses: [{ network: 'alpha', wallets: ['0xBC10f2E862ED4502144c7d632a3459F49DFCDB5e'] }] }),
      /addresses\[0\]\.wallets\[0\]: .* fails its EIP-55 checksum/,
    ],
    [
      'a network not configured',
      () => ({ addresses: [{ network: 'gamma', wallets: [W0] }] }),
      /addresses\[0\]\.network: network "gamma" is not configured: set GAMMA_RPC_URL/,
    ],
  ] as [string, () => Record<string, unknown>, RegExp][])(
    'refuses %s with a 400 naming the field',
    async (_title, data, message) => {
      const { status, json } = await balances(data())
      expect([status, messageOf(json)]).toEqual([400, expect.stringMatching(message)])
    },
  )

  it('refuses a token whose wallets hold more than its supply: 502, no figure', async () => {
    const { status, json } = await balances({
      addresses: [{ network: 'alpha', contractAddress: token.misreporting, wallets: [W3] }],
    })
    expect([status, json.result]).toEqual([502, undefined])
    expect(messageOf(json)).toMatch(/add up to 1001, more than totalSupply\(\) \(1000\)/)
  })

  it('fails the whole figure when one chain cannot be read, naming it: never a partial sum', async () => {
    const { status, json } = await balances({
      addresses: [
        { network: 'alpha', wallets: [W1] },
        { network: 'dead', wallets: [W2] },
      ],
    })
    expect([status, json.result]).toEqual([502, undefined])
    expect(messageOf(json)).toMatch(/^balances not reported, chains unread: dead: no RPC could serve/)
  })
})
