/**
 * proof-of-reserves: RPC round trips per chain of a composite reserve, and its time against the
 * ideal, for 1,000 EVM custodian wallets published in a PoRAddressList.
 *
 *   npm run bench:proof-of-reserves
 *
 * Starts two `hardhat node` processes (chain ids 41201 and 41202), each behind a counting
 * loopback proxy. Chain 0 holds a PoRAddressList publishing 1,000 wallets and a token one in ten
 * of them holds; chain 1, a Chainlink feed (MockV3Aggregator) pricing the token in USD. The
 * composite's read (`ReserveReader.read`, what its transport computes for one request) reads the
 * list whole, then the wallets' balances, then converts them: the list and the balances depend on
 * each other, the feed is read meanwhile. The ideal is the floor of that: the list's one
 * `aggregate3` call, then the balances' one, straight to the node, nothing checked or decoded.
 */
import { Wallet } from 'ethers'
import { aggregatorV3Interface, erc20Interface, porAddressListInterface } from '#chain/abi'
import { deployDecimalsToken, deployMockV3Aggregator, deployPoRAddressList } from '#chain/contracts'
import { MULTICALL3_ADDRESS, encodeAggregate3 } from '#common/evm-rpc'
import { makeConfig } from '#adapters/proof-of-reserves/src/config/index'
import { checkRequest } from '#adapters/proof-of-reserves/src/endpoint/reserves-request'
import type { ReservesRequestParams } from '#adapters/proof-of-reserves/src/endpoint/reserves'
import { ReserveReader } from '#adapters/proof-of-reserves/src/provider/reserves'
import { benchEnv, measure, printRows, rpc, settle, startBenchChain, stopBenchChains } from './evm-rounds'

const WALLETS = 1_000
/** The token's price: 2.5 USD, at the feed's 8 decimals. */
const PRICE = 250_000_000n

async function main(): Promise<void> {
  const wallets = Array.from({ length: WALLETS }, () => Wallet.createRandom().address)
  console.log(`Starting 2 hardhat nodes, publishing ${WALLETS} wallets, funding ${WALLETS / 10} of them…`)
  const chains = await Promise.all([0, 1].map((i) => startBenchChain(i, 41201)))
  const [home, prices] = chains
  try {
    const signer = home.signer
    const token = await deployDecimalsToken(signer, 'T', 'T', 18, 10n ** 30n)
    const sent = []
    for (const [k, wallet] of wallets.entries()) {
      if (k % 10 === 0) sent.push(await token.transfer(wallet, 10n ** 18n * BigInt(k + 1)))
    }
    await Promise.all(sent.map((tx) => tx.wait()))
    const list = await deployPoRAddressList(signer, await signer.getAddress(), [])
    for (let i = 0; i < WALLETS; i += 100) await (await list.addAddresses(wallets.slice(i, i + 100))).wait()
    const feed = await deployMockV3Aggregator(prices.signer, 8, PRICE)
    await settle(chains)

    Object.assign(process.env, benchEnv(chains), {
      RPC_TIMEOUT_MS: '30000',
      RPC_MAX_BODY_BYTES: String(64 * 1024 ** 2),
    })
    const config = makeConfig()
    config.initialize()
    const { settings } = config
    const reader = new ReserveReader()
    const request = (batchSize: number) =>
      ({
        addressLists: [
          {
            name: 'custody wallets',
            provider: 'por-address-list',
            contractAddress: String(list.target),
            contractAddressNetwork: home.network,
            network: home.network,
            chainId: String(home.chainId),
            batchSize,
            confirmations: 0,
            fixed: [],
          },
        ],
        balanceSources: [
          {
            name: 'tokens',
            provider: 'token-balance',
            addresses: [{ network: home.network, contractAddress: String(token.target), wallets: [] }],
          },
        ],
        components: [
          {
            name: 'Tokens in custody',
            currency: 'TKN',
            addressList: 'custody wallets',
            balanceSource: 'tokens',
            conversions: ['TKN/USD'],
          },
        ],
        conversions: [{ from: 'TKN', to: 'USD', network: prices.network, address: String(feed.target) }],
        resultDecimals: 18,
      }) as unknown as ReservesRequestParams
    const read = (batchSize: number) => async () =>
      (await reader.read(checkRequest(request(batchSize), settings), settings)).figures.result
    const held = wallets.reduce((sum, _, k) => (k % 10 === 0 ? sum + BigInt(k + 1) : sum), 0n)
    const expected = ((held * 10n ** 18n * PRICE) / 10n ** 8n).toString()

    // The ideal: the list in one aggregate3, then the balances in another; the feed meanwhile.
    const listCall = encodeAggregate3([
      {
        to: String(list.target),
        data: porAddressListInterface.encodeFunctionData('getPoRAddressListLength'),
      },
      {
        to: String(list.target),
        data: porAddressListInterface.encodeFunctionData('getPoRAddressList', [0, WALLETS - 1]),
      },
    ])
    const balancesCall = encodeAggregate3([
      { to: String(token.target), data: erc20Interface.encodeFunctionData('decimals') },
      ...wallets.map((w) => ({
        to: String(token.target),
        data: erc20Interface.encodeFunctionData('balanceOf', [w]),
      })),
    ])
    const call = (url: string, data: string) =>
      rpc(url, 'eth_call', [{ to: MULTICALL3_ADDRESS, data }, 'latest'])
    const ideal =
      'ideal: the list, then the balances, one aggregate3 each; the feed meanwhile (not the adapter)'
    const rows = await measure([
      {
        name: `composite: ${WALLETS} wallets from a PoRAddressList (batchSize ${WALLETS}), converted through a feed on another chain`,
        chains,
        read: read(WALLETS),
        expected,
      },
      {
        name: `composite: the same, the list in batches of 100`,
        chains,
        read: read(100),
        expected,
      },
      {
        name: ideal,
        chains,
        read: async () => {
          const [listed, price] = await Promise.all([
            call(home.proxy.url, listCall).then(() => call(home.proxy.url, balancesCall)),
            rpc(prices.proxy.url, 'eth_call', [
              { to: String(feed.target), data: aggregatorV3Interface.encodeFunctionData('latestRoundData') },
              'latest',
            ]),
          ])
          return String(listed.length + price.length)
        },
      },
    ])
    printRows(rows, ideal)
  } finally {
    await stopBenchChains(chains)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
