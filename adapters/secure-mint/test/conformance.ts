/**
 * What the conformance suite (test/conformance/) needs to know about secure-mint. The suite puts
 * one provider behind its proxy: everything is on local chain A (the token, and its reserve: a
 * fixed list of custodian wallets holding a reserve token, read by token-balance's code,
 * converted to USD through a Chainlink feed), so every read goes through it.
 */
import { Wallet } from 'ethers'
import { deployDecimalsToken, deployMockV3Aggregator } from '#chain/contracts'
import { defineConformance } from '#devkit/conformance'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'

const NETWORK = 'conformance'
const CHAIN_ID = String(LOCAL_CHAINS[0].chainId)
/** The reserve token held by the custodian, its price (2.5 USD at the feed's 8 decimals), the token's supply. */
const HELD = 4n * 10n ** 23n + 7n
const PRICE = 250_000_000n
const SUPPLY = 3n * 10n ** 23n

/** A request for `token`'s budget, its reserve the reserve token `held` in `custodian`'s wallet. */
const request = (token: unknown, held: unknown, feed: unknown, custodian: string) => ({
  token: 'Backed',
  decimals: 18,
  currency: 'USD',
  supplyChains: [{ network: NETWORK, address: token, confirmations: 0, preMint: '0', share: 1 }],
  addressLists: [
    { name: 'custodians', fixed: [{ address: custodian, network: NETWORK, chainId: CHAIN_ID }] },
  ],
  balanceSources: [
    { name: 'custody', provider: 'token-balance', addresses: [{ network: NETWORK, contractAddress: held }] },
  ],
  components: [
    {
      name: 'Reserve tokens',
      currency: 'RSV',
      addressList: 'custodians',
      balanceSource: 'custody',
      conversions: ['RSV/USD'],
    },
  ],
  conversions: [{ from: 'RSV', to: 'USD', network: NETWORK, address: feed }],
})

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    const chain = localProvider('A')
    const signer = await fundedSigner(chain)
    const custodian = Wallet.createRandom().address
    const token = await deployDecimalsToken(signer, 'Backed', 'BKD', 18, SUPPLY)
    const reserve = await deployDecimalsToken(signer, 'Reserve', 'RSV', 18, HELD)
    await (await reserve.transfer(custodian, HELD)).wait()
    const feed = await deployMockV3Aggregator(signer, 8, PRICE)
    // A reserve of 2^255 × 2.5 USD and no supply: a budget beyond the int256 of an on-chain answer.
    const unissued = await deployDecimalsToken(signer, 'Unissued', 'UNI', 18, 0n)
    const hoard = await deployDecimalsToken(signer, 'Hoard', 'HRD', 18, 2n ** 255n)
    return {
      url: localChainUrl('A'),
      sample: request(token.target, reserve.target, feed.target, custodian),
      expected: ((HELD * PRICE) / 10n ** 8n - SUPPLY).toString(),
      implausible: {
        sample: request(unissued.target, hoard.target, feed.target, await signer.getAddress()),
        value: ((2n ** 255n * PRICE) / 10n ** 8n).toString(),
      },
      close: async () => chain.destroy(),
    }
  },
  env: (url, timeoutMs) => ({
    CONFORMANCE_RPC_URL: url,
    CONFORMANCE_RPC_CHAIN_ID: CHAIN_ID,
    RPC_TIMEOUT_MS: String(timeoutMs),
  }),
  // `decimals` is not an output scale the request chooses: it must be the token's own (decimals()
  // on every chain), so the suite's "any decimals up to the maximum" does not apply to it.
  list: {
    field: 'supplyChains',
    limit: { setting: 'MAX_SUPPLY_CHAINS' },
    entry: (i) => ({ network: NETWORK, address: `0x${(i + 1).toString(16).padStart(40, '0')}` }),
  },
  // The supply, the reserve's tokens and the feed are all read over JSON-RPC: its cap.
  bodyCap: 'RPC_MAX_BODY_BYTES',
})
