/**
 * What the conformance suite (test/conformance/) needs to know about proof-of-reserves. The suite
 * puts one provider behind its proxy: the sample's parts are all on local chain A (a fixed list of
 * custodian wallets holding a dollar token, and a token converted through a Chainlink feed, both
 * read by token-balance's code), so every one of them goes through it. Its first component has
 * the shape of the README's first one (the suite compares them).
 */
import { Wallet } from 'ethers'
import { deployDecimalsToken, deployMockV3Aggregator } from '#chain/contracts'
import { defineConformance } from '#devkit/conformance'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { MAX_RESULT_DECIMALS } from '../src/endpoint/reserves-request'

const NETWORK = 'conformance'
const CHAIN_ID = String(LOCAL_CHAINS[0].chainId)
const HELD = [4n * 10n ** 23n + 7n, 123_456n]
/** Dollars held by the same wallets, at the dollar token's 6 decimals. */
const DOLLARS = [1_000_000_000_001n, 250_000n]
/** The token's price: 2.5 USD, at the feed's 8 decimals. */
const PRICE = 250_000_000n

/** A request for the dollars and the tokens held by `wallets`, the tokens in USD through the feed. */
const request = (dollar: unknown, token: unknown, feed: unknown, wallets: string[]) => ({
  addressLists: [
    {
      name: 'custodians',
      fixed: wallets.map((address) => ({ address, network: NETWORK, chainId: CHAIN_ID })),
    },
  ],
  balanceSources: [
    {
      name: 'dollars',
      provider: 'token-balance',
      addresses: [{ network: NETWORK, contractAddress: dollar }],
    },
    { name: 'tokens', provider: 'token-balance', addresses: [{ network: NETWORK, contractAddress: token }] },
  ],
  components: [
    { name: 'Dollars in custody', currency: 'USD', addressList: 'custodians', balanceSource: 'dollars' },
    {
      name: 'Tokens in custody',
      currency: 'CNF',
      addressList: 'custodians',
      balanceSource: 'tokens',
      conversions: ['CNF/USD'],
    },
  ],
  conversions: [{ from: 'CNF', to: 'USD', network: NETWORK, address: feed }],
  resultDecimals: 18,
})

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    const chain = localProvider('A')
    const signer = await fundedSigner(chain)
    const token = await deployDecimalsToken(signer, 'Conformance', 'CNF', 18, 10n ** 24n)
    const wallets = [Wallet.createRandom().address, Wallet.createRandom().address]
    const dollar = await deployDecimalsToken(signer, 'Conformance Dollar', 'CUSD', 6, 10n ** 18n)
    for (const [i, wallet] of wallets.entries()) {
      await (await token.transfer(wallet, HELD[i])).wait()
      await (await dollar.transfer(wallet, DOLLARS[i])).wait()
    }
    const feed = await deployMockV3Aggregator(signer, 8, PRICE)
    // One wallet holding 2^255 units: 2^255 × 2.5 USD, beyond the int256 of an on-chain answer.
    const inflated = await deployDecimalsToken(signer, 'Inflated', 'INF', 18, 2n ** 255n)
    return {
      url: localChainUrl('A'),
      sample: request(dollar.target, token.target, feed.target, wallets),
      expected: (
        (DOLLARS[0] + DOLLARS[1]) * 10n ** 12n +
        ((HELD[0] + HELD[1]) * PRICE) / 10n ** 8n
      ).toString(),
      implausible: {
        sample: request(dollar.target, inflated.target, feed.target, [await signer.getAddress()]),
        value: (
          (2n ** 255n * PRICE) / 10n ** 8n +
          (10n ** 18n - DOLLARS[0] - DOLLARS[1]) * 10n ** 12n
        ).toString(),
      },
      close: async () => chain.destroy(),
    }
  },
  env: (url, timeoutMs) => ({
    CONFORMANCE_RPC_URL: url,
    CONFORMANCE_RPC_CHAIN_ID: CHAIN_ID,
    RPC_TIMEOUT_MS: String(timeoutMs),
  }),
  decimals: { field: 'resultDecimals', max: MAX_RESULT_DECIMALS },
  list: {
    field: 'components',
    limit: { setting: 'MAX_COMPONENTS' },
    entry: (i) => ({ name: `part ${i}`, currency: 'USD', balanceSource: 'tokens' }),
  },
  bodyCap: 'RPC_MAX_BODY_BYTES',
})
