/**
 * The composite against a mixed reserve: bitcoin at custodian addresses an issuer publishes in a
 * PoRAddressList on chain A (a loopback Esplora ledger), two stablecoins in custody wallets on
 * chains A and B, an auditor's attested cash (a loopback attestation API), gold in a vault (a
 * loopback bar list), bitcoin and gold converted to USD through Chainlink feeds
 * (MockV3Aggregator) on chains A and B. Chain A has Multicall3, chain B has not. Every figure is
 * known, so the total is checked to the last unit.
 */
import { jest } from '@jest/globals'
import { Wallet, type JsonRpcProvider } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { deployDecimalsToken, deployMockV3Aggregator, deployPoRAddressList } from '#chain/contracts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { serveAttestationApi, type Attestation } from '#devkit/simulators/attestation'
import { seededAddress } from '#devkit/bitcoin-address'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import type { ApiServer } from '#devkit/simulators/http-api'
import { LONDON_VAULT, serveVaultApi } from '#devkit/simulators/vault'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'
import type { ReserveFigures } from '../../src/provider/reserves'

interface ReserveResponse {
  statusCode: number
  result?: string
  data: ReserveFigures
  errorMessage?: string
  error?: { message: string }
  ripcord?: boolean
  timestamps?: { providerIndicatedTimeUnixMs?: number }
}

// Bitcoin: three custodians published on-chain, 6 confirmations deep; a fourth deposit too shallow.
const BTC = [seededAddress('por-1'), seededAddress('por-2'), seededAddress('por-3')]
const SATS = [150_000_000n, 25_000_000n, 1n]
const SHALLOW = 200_000_000n
// Stablecoins: a 6-decimal token on chain A in two wallets, an 18-decimal one on chain B in one.
const [W1, W2] = [Wallet.createRandom().address, Wallet.createRandom().address]
const A6 = [12_345_678_901n, 1n]
const B18 = 7n * 10n ** 17n + 3n
// Prices at 8 decimals: BTC 97,123.45678901 USD, XAU 2,345.67 USD.
const BTC_USD = 9_712_345_678_901n
const XAU_USD = 234_567_000_000n
// LONDON_VAULT: LBMA's sample bar (401.125 oz gross at 995.8: 399.440 fine) and a 999.9 bar: 799.400 fine oz.
const FINE_TROY_OUNCES_X1000 = 799_400n

/** The exact total in USD × 10^18, from the figures above. */
const EXPECTED =
  (SATS[0] + SATS[1] + SATS[2]) * BTC_USD * 100n + // sats/1e8 × price/1e8 × 1e18
  (A6[0] + A6[1]) * 10n ** 12n +
  B18 +
  100_052_341_987n * 10n ** 16n + // 1,000,523,419.87 attested
  FINE_TROY_OUNCES_X1000 * XAU_USD * 10n ** 7n // toz/1e3 × price/1e8 × 1e18

describe('proof-of-reserves adapter', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let testAdapter: TestAdapter
  const closers: (() => Promise<void>)[] = []
  const clients: Record<string, Attestation> = {
    usdx: { accountName: 'USDX', totalReserve: '1000523419.87', totalToken: '1000000000.00' },
  }
  const at: Record<string, string> = {}

  async function reserves(data: Record<string, unknown>) {
    const response = await testAdapter.request(data)
    return { status: response.statusCode, json: response.json() as ReserveResponse }
  }
  const messageOf = (json: ReserveResponse) => json.errorMessage ?? json.error?.message ?? ''

  /** The mixed reserve, in USD; `change` edits it. */
  const mixed = (change: (request: Record<string, unknown[]>) => void = () => undefined) => {
    const request: Record<string, unknown[]> = {
      addressLists: [
        {
          name: 'custodians',
          provider: 'por-address-list',
          contractAddress: at.list,
          contractAddressNetwork: 'alpha',
          network: 'bitcoin',
          chainId: 'mainnet',
        },
        {
          name: 'custody wallets',
          fixed: [
            { address: W1, network: 'alpha', chainId: '31337' },
            { address: W2, network: 'alpha', chainId: '31337' },
            { address: W1, network: 'beta', chainId: '31338' },
          ],
        },
      ],
      balanceSources: [
        { name: 'bitcoin', provider: 'btc-balance', minConfirmations: 6 },
        {
          name: 'stablecoins',
          provider: 'token-balance',
          addresses: [
            { network: 'alpha', contractAddress: at.a6 },
            { network: 'beta', contractAddress: at.b18 },
          ],
        },
        { name: 'auditor', provider: 'attestation', client: 'usdx' },
        { name: 'vault', provider: 'gold-vault', vault: 'london' },
      ],
      components: [
        {
          name: 'BTC in custody',
          currency: 'BTC',
          addressList: 'custodians',
          balanceSource: 'bitcoin',
          conversions: ['BTC/USD'],
        },
        {
          name: 'Stablecoins',
          currency: 'USD',
          addressList: 'custody wallets',
          balanceSource: 'stablecoins',
        },
        { name: 'Attested cash', currency: 'USD', balanceSource: 'auditor' },
        { name: 'Gold', currency: 'XAU', balanceSource: 'vault', conversions: ['XAU/USD'] },
      ],
      conversions: [
        { from: 'BTC', to: 'USD', network: 'alpha', address: at.btcUsd, maxAgeSeconds: 3_600 },
        { from: 'XAU', to: 'USD', network: 'beta', address: at.xauUsd },
      ],
    }
    change(request)
    return { ...request, resultDecimals: 18 }
  }

  beforeAll(async () => {
    const ledger = new EsploraSim()
    BTC.forEach((address, i) => ledger.fund(address, SATS[i]))
    ledger.mine(10)
    ledger.fund(BTC[1], SHALLOW)
    ledger.mine(2)
    const esplora = await serveEsplora(ledger)
    const auditor: ApiServer = await serveAttestationApi(clients)
    const vault = await serveVaultApi({ london: LONDON_VAULT })
    closers.push(esplora.close, auditor.close, vault.close)

    providerA = localProvider('A')
    providerB = localProvider('B')
    await ensureMulticall3(providerA)
    const [signerA, signerB] = await Promise.all([fundedSigner(providerA), fundedSigner(providerB)])
    const list = await deployPoRAddressList(signerA, await signerA.getAddress(), BTC)
    const a6 = await deployDecimalsToken(signerA, 'USD Coin', 'USDC', 6, 10n ** 15n)
    await (await a6.transfer(W1, A6[0])).wait()
    await (await a6.transfer(W2, A6[1])).wait()
    const b18 = await deployDecimalsToken(signerB, 'Dollar', 'USDB', 18, 10n ** 24n)
    await (await b18.transfer(W1, B18)).wait()
    const btcUsd = await deployMockV3Aggregator(signerA, 8, BTC_USD)
    const xauUsd = await deployMockV3Aggregator(signerB, 8, XAU_USD)
    const empty = await deployPoRAddressList(signerA, await signerA.getAddress(), [])
    const invalid = await deployPoRAddressList(signerA, await signerA.getAddress(), [
      BTC[0],
      'bc1qnotanaddress',
    ])
    const stale = await deployMockV3Aggregator(signerA, 8, BTC_USD)
    const block = await providerA.getBlock('latest')
    await (
      await stale.updateRoundData(
        7n,
        BTC_USD,
        BigInt(block!.timestamp - 7_200),
        BigInt(block!.timestamp - 7_200),
      )
    ).wait()
    Object.assign(at, {
      list: list.target,
      a6: a6.target,
      b18: b18.target,
      btcUsd: btcUsd.target,
      xauUsd: xauUsd.target,
      empty: empty.target,
      invalid: invalid.target,
      stale: stale.target,
    })

    testAdapter = await startTestAdapter(makeAdapter(), {
      ALPHA_RPC_URL: localChainUrl('A'),
      ALPHA_RPC_CHAIN_ID: '31337',
      BETA_RPC_URL: localChainUrl('B'),
      BETA_RPC_CHAIN_ID: '31338',
      // Chain A again, its head allowed an hour's age (a local chain mines on demand: no default).
      STALE_RPC_URL: localChainUrl('A'),
      STALE_RPC_CHAIN_ID: '31337',
      STALE_RPC_MAX_HEAD_AGE_SECONDS: '3600',
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
      ESPLORA_RETRIES: '0',
      ATTESTATION_API_URL: auditor.url,
      ATTESTATION_RETRIES: '0',
      ATTESTATION_SIGNER_ADDRESS: undefined,
      GOLD_VAULT_API_URL: vault.url,
      GOLD_VAULT_RETRIES: '0',
      RPC_TIMEOUT_MS: '5000',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
  })

  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    for (const close of closers) await close()
    providerA.destroy()
    providerB.destroy()
  })

  it('answers a mixed reserve exactly: bitcoin on an on-chain custodian list, tokens on two chains, an attested figure, gold, two conversions', async () => {
    const before = await providerA.getBlockNumber()
    const { status, json } = await reserves(mixed())
    expect([status, messageOf(json)]).toEqual([200, ''])
    expect(json.result).toBe(EXPECTED.toString())
    expect(json.data).toMatchObject({ result: EXPECTED.toString(), decimals: 18, currency: 'USD' })
    const [bitcoin, tokens, cash, gold] = json.data.components
    expect(bitcoin).toEqual({
      name: 'BTC in custody',
      balanceSource: 'bitcoin',
      provider: 'btc-balance',
      currency: 'USD',
      totalBalance: ((SATS[0] + SATS[1] + SATS[2]) * BTC_USD * 100n).toString(),
      originalCurrency: 'BTC',
      totalBalanceInOriginalCurrency: ((SATS[0] + SATS[1] + SATS[2]) * 10n ** 10n).toString(),
      addressCount: 3,
      addressList: {
        name: 'custodians',
        network: 'alpha',
        blockNumber: expect.any(Number),
        blockTimestamp: expect.any(Number),
      },
      // The ledger's tip is 16 (3 deposits, 10 blocks, a deposit, 2 blocks): 6 confirmations deep
      // is height 11, below the shallow deposit (block 14).
      height: 11,
    })
    expect(bitcoin.addressList!.blockNumber).toBeGreaterThanOrEqual(before)
    expect(tokens).toEqual({
      name: 'Stablecoins',
      balanceSource: 'stablecoins',
      provider: 'token-balance',
      currency: 'USD',
      totalBalance: ((A6[0] + A6[1]) * 10n ** 12n + B18).toString(),
      addressCount: 3,
      addressList: { name: 'custody wallets' },
      blocks: [
        expect.objectContaining({ network: 'alpha', chainId: '31337', readVia: 'multicall3' }),
        expect.objectContaining({ network: 'beta', chainId: '31338', readVia: 'batch' }),
      ],
    })
    expect(cash).toEqual({
      name: 'Attested cash',
      balanceSource: 'auditor',
      provider: 'attestation',
      currency: 'USD',
      totalBalance: (100_052_341_987n * 10n ** 16n).toString(),
      asOf: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    expect(gold).toMatchObject({
      name: 'Gold',
      provider: 'gold-vault',
      currency: 'USD',
      totalBalance: (FINE_TROY_OUNCES_X1000 * XAU_USD * 10n ** 7n).toString(),
      originalCurrency: 'XAU',
      totalBalanceInOriginalCurrency: (FINE_TROY_OUNCES_X1000 * 10n ** 15n).toString(),
    })
    expect(json.data.conversionRates).toEqual([
      expect.objectContaining({
        from: 'BTC',
        to: 'USD',
        rate: '97123.45678901',
        network: 'alpha',
        address: at.btcUsd,
      }),
      expect.objectContaining({
        from: 'XAU',
        to: 'USD',
        rate: '2345.67',
        network: 'beta',
        address: at.xauUsd,
      }),
    ])
    // The answer is the total: nothing per address.
    expect(JSON.stringify(json).length).toBeLessThan(4_000)
  })

  it('rounds down once, from the exact sum: the same reserve in BTC, through the inverse of BTC/USD', async () => {
    const { status, json } = await reserves(
      mixed((request) => {
        const components = request.components as { conversions?: string[] }[]
        components[0].conversions = []
        components[1].conversions = ['USD/BTC']
        components[2].conversions = ['USD/BTC']
        components[3].conversions = ['XAU/USD', 'USD/BTC']
      }),
    )
    expect([status, messageOf(json)]).toEqual([200, ''])
    // Everything in USD but the bitcoin, divided by the price, plus the bitcoin: × 10^18, floored.
    const usdX1e18 = EXPECTED - (SATS[0] + SATS[1] + SATS[2]) * BTC_USD * 100n
    const btcX1e18 = (SATS[0] + SATS[1] + SATS[2]) * 10n ** 10n
    const expected = btcX1e18 + (usdX1e18 * 10n ** 8n) / BTC_USD
    expect(json.result).toBe(expected.toString())
    expect(json.data.currency).toBe('BTC')
    // Each component's line is floored on its own: their sum may be below the total, never above.
    const lines = json.data.components.reduce((sum, c) => sum + BigInt(c.totalBalance), 0n)
    expect(lines <= expected && expected - lines < 4n).toBe(true)
  })

  it('refuses a stale conversion feed, naming it: 502, no figure', async () => {
    const { status, json } = await reserves(
      mixed((request) => {
        ;(request.conversions[0] as { address: string }).address = at.stale
      }),
    )
    expect([status, json.result]).toEqual([502, undefined])
    expect(messageOf(json)).toMatch(
      /^reserve not reported, components unread: BTC in custody: alpha: BTC\/USD feed 0x[0-9a-fA-F]{40} at block \d+: its answer was written \d+ s before the block, more than maxAgeSeconds \(3600\): the feed is stale$/,
    )
  })

  it('fails the whole reserve when one part cannot be read: never a component summed as zero', async () => {
    const { status, json } = await reserves(
      mixed((request) => {
        ;(request.balanceSources[2] as { client: string }).client = 'ghost'
      }),
    )
    expect([status, json.result]).toEqual([502, undefined])
    expect(messageOf(json)).toMatch(/^reserve not reported, components unread: Attested cash: client ghost: /)
  })

  it.each([
    ['holds no address', 'empty', /"custodians" \(.* at block \d+\) holds no address/],
    [
      'holds an address that is not one',
      'invalid',
      /address list "custodians" \(alpha at block \d+\): .*bc1qnotanaddress/,
    ],
  ])(
    'refuses a published list that %s: 502 (the provider’s state), not 400',
    async (_title, contract, message) => {
      const { status, json } = await reserves(
        mixed((request) => {
          ;(request.addressLists[0] as { contractAddress: string }).contractAddress = at[contract]
        }),
      )
      expect([status, json.result]).toEqual([502, undefined])
      expect(messageOf(json)).toMatch(message)
    },
  )

  it('refuses a part read from a head or tip that is not fresh: 502 naming it, never the old figure', async () => {
    // Four hours on: past the bitcoin tip's default max age (3 h) and network stale's max head
    // age (1 h, chain A behind it); within the attestation's and the bar list's (a day).
    const later = Date.now() + 4 * 3_600_000
    jest.spyOn(Date, 'now').mockReturnValue(later)
    try {
      const stale = await reserves(
        mixed((request) => {
          const [, wallets] = request.addressLists as { fixed: { network: string }[] }[]
          for (const wallet of wallets.fixed) wallet.network = 'stale'
          wallets.fixed.pop()
          ;(request.balanceSources[1] as { addresses: unknown[] }).addresses = [
            { network: 'stale', contractAddress: at.a6 },
          ]
        }),
      )
      expect([stale.status, stale.json.result]).toEqual([502, undefined])
      const message = messageOf(stale.json)
      expect(message).toMatch(/^reserve not reported, components unread: /)
      // The bitcoin, at a tip four hours old; the stablecoins, at a head an hour past its limit.
      expect(message).toMatch(
        /BTC in custody: .*tip.* old, more than BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS \(10800\)/,
      )
      expect(message).toMatch(
        /Stablecoins: .*stale: no RPC could serve the head of the chain .* old, more than STALE_RPC_MAX_HEAD_AGE_SECONDS \(3600\)/,
      )
      expect(message).not.toMatch(/Attested cash|Gold/)
    } finally {
      jest.restoreAllMocks()
    }
  })

  it('answers 503, withdrawing the figure, when the auditor raises the ripcord', async () => {
    clients.ripcorded = { ...clients.usdx, ripcord: true, ripcordDetails: ['reserves under review'] }
    const { status, json } = await reserves(
      mixed((request) => {
        ;(request.balanceSources[2] as { client: string }).client = 'ripcorded'
      }),
    )
    expect([status, json.result, json.ripcord]).toEqual([503, undefined, true])
    expect(messageOf(json)).toMatch(
      /Attested cash: client ripcorded: the auditor raised the ripcord \(reserves under review\)/,
    )
  })

  it.each([
    [
      'a component in another currency than the others',
      (r: Record<string, unknown[]>) => {
        ;(r.components[3] as { conversions: string[] }).conversions = []
      },
      /components\[3\]: in XAU after its conversions, where components\[0\] is in USD/,
    ],
    [
      "another provider's input",
      (r: Record<string, unknown[]>) => {
        ;(r.balanceSources[2] as Record<string, unknown>).vault = 'london'
      },
      /balanceSources\[2\]\.vault: not an input of attestation \(it takes client, field, chain, maxAgeSeconds\)/,
    ],
    [
      'a conversion no component uses',
      (r: Record<string, unknown[]>) => {
        r.conversions.push({ from: 'ETH', to: 'USD', network: 'alpha', address: at.btcUsd })
      },
      /conversions\[2\]: ETH\/USD is not used by any component/,
    ],
    [
      'a balance source that is not declared',
      (r: Record<string, unknown[]>) => {
        ;(r.components[2] as { balanceSource: string }).balanceSource = 'bank'
      },
      /components\[2\]\.balanceSource: "bank" is not a balance source's name/,
    ],
    [
      'a bitcoin source without an address list',
      (r: Record<string, unknown[]>) => {
        delete (r.components[0] as { addressList?: string }).addressList
        r.addressLists.shift()
      },
      /components\[0\]\.addressList: a btc-balance source reads the addresses of an address list/,
    ],
    [
      "a fixed wallet on a network no token entry reads (token-balance's own check)",
      (r: Record<string, unknown[]>) => {
        ;(r.addressLists[1] as { fixed: unknown[] }).fixed.push({
          address: W2,
          network: 'gamma',
          chainId: '1',
        })
      },
      /balanceSources\[1\] \(addressList "custody wallets"\): the list's address 3 .* is on network "gamma", which no entry without wallets reads/,
    ],
    [
      "a bad minConfirmations (btc-balance's own check)",
      (r: Record<string, unknown[]>) => {
        ;(r.balanceSources[0] as { minConfirmations: number }).minConfirmations = -1
      },
      /balanceSources\[0\]: minConfirmations must be an integer ≥ 0, got -1/,
    ],
  ])('refuses %s with a 400 naming the field', async (_title, change, message) => {
    const { status, json } = await reserves(mixed(change))
    expect([status, messageOf(json)]).toEqual([400, expect.stringMatching(message)])
  })
})
