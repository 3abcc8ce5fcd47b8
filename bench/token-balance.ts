/**
 * token-balance: RPC round trips per chain, and the time to read 1,000 custodian wallets against
 * the ideal.
 *
 *   npm run bench:token-balance
 *
 * Starts two `hardhat node` processes (chain ids 41101 and 41102), an 18-decimal token on each
 * and 1,000 wallets (one in ten holding it and the native coin), puts every chain behind a
 * counting loopback proxy, and times the adapter's read (`readBalances`, what the transport
 * computes for one request) in several set-ups. The ideal is the floor of a one-round-trip read:
 * the same `aggregate3` call, sent once straight to the node (no chain id, head or freshness
 * check, no decoding). A naive reader, one `eth_call` per wallet, is measured for scale.
 */
import { Wallet } from 'ethers'
import { erc20Interface } from '#chain/abi'
import { deployDecimalsToken } from '#chain/contracts'
import { MULTICALL3_ADDRESS, encodeAggregate3 } from '#common/evm-rpc'
import { checkRequest } from '#adapters/token-balance/src/endpoint/evm-request'
import { readBalances } from '#adapters/token-balance/src/provider/balances'
import {
  benchEnv,
  measure,
  printRows,
  rpc,
  settle,
  startBenchChain,
  stopBenchChains,
  type BenchChain,
  type SetUp,
} from './evm-rounds'

const WALLETS = 1_000

/** Deploys a token on `chain` and gives every tenth wallet (k + 1) tokens and (k + 1) wei. */
async function fundWallets(chain: BenchChain, wallets: string[]): Promise<string> {
  const token = await deployDecimalsToken(chain.signer, 'T', 'T', 18, 10n ** 30n)
  const sent = []
  for (const [k, wallet] of wallets.entries()) {
    if (k % 10 !== 0) continue
    sent.push(await token.transfer(wallet, 10n ** 18n * BigInt(k + 1)))
    sent.push(await chain.signer.sendTransaction({ to: wallet, value: BigInt(k + 1) }))
  }
  await Promise.all(sent.map((tx) => tx.wait()))
  return token.target as string
}

const balanceOf = (wallet: string) => erc20Interface.encodeFunctionData('balanceOf', [wallet])

async function main(): Promise<void> {
  const wallets = Array.from({ length: WALLETS }, () => Wallet.createRandom().address)
  console.log(`Starting 2 hardhat nodes, funding ${WALLETS / 10} of ${WALLETS} wallets on each…`)
  const chains = await Promise.all([0, 1].map((i) => startBenchChain(i, 41101)))
  const [first] = chains
  try {
    const tokens = await Promise.all(chains.map((c) => fundWallets(c, wallets)))
    // Past the deepest block pinned below (6): every set-up reads the same state.
    await settle(chains)
    const env = benchEnv(chains)
    const read =
      (addresses: { network: string; contractAddress?: string; wallets: string[] }[], confirmations = 0) =>
      async () =>
        (
          await readBalances(
            checkRequest({ addresses, confirmations, resultDecimals: 18 }, WALLETS * 2, env),
            { timeoutMs: 30_000, maxBodyBytes: 64 * 1024 ** 2 },
          )
        ).result
    const tokenOn = (i: number, list = wallets) => ({
      network: chains[i].network,
      contractAddress: tokens[i],
      wallets: list,
    })
    // Funded wallets k = 0, 10, 20, …: each holds (k + 1) tokens.
    const held = wallets.reduce((sum, _, k) => (k % 10 === 0 ? sum + BigInt(k + 1) : sum), 0n)
    const expected = (held * 10n ** 18n).toString()
    const half = WALLETS / 2

    // The ideal: one aggregate3 of the same calls, straight to the node, at latest.
    const aggregate = encodeAggregate3([
      { to: tokens[0], data: erc20Interface.encodeFunctionData('decimals') },
      { to: tokens[0], data: erc20Interface.encodeFunctionData('totalSupply') },
      ...wallets.map((w) => ({ to: tokens[0], data: balanceOf(w) })),
    ])
    const ideal: SetUp = {
      name: 'ideal: the same aggregate3 call, sent once (not the adapter)',
      chains: [first],
      read: async () =>
        String(
          (await rpc(first.proxy.url, 'eth_call', [{ to: MULTICALL3_ADDRESS, data: aggregate }, 'latest']))
            .length,
        ),
    }
    const rows = await measure([
      {
        name: `ERC-20, ${WALLETS} wallets, Multicall3, confirmations 0`,
        chains: [first],
        read: read([tokenOn(0)]),
        expected,
      },
      {
        name: `ERC-20, ${WALLETS} wallets, Multicall3, confirmations 6`,
        chains: [first],
        read: read([tokenOn(0)], 6),
        expected,
      },
      {
        name: `native coin, ${WALLETS} wallets, Multicall3, confirmations 0`,
        chains: [first],
        read: read([{ network: first.network, wallets }]),
        expected: held.toString(),
      },
      {
        name: `ERC-20, ${half} wallets on each of 2 chains, Multicall3, confirmations 0`,
        chains,
        read: read([tokenOn(0, wallets.slice(0, half)), tokenOn(1, wallets.slice(half))]),
        expected,
      },
      ideal,
    ])
    await first.provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, '0x'])
    await settle([first], 1)
    rows.push(
      ...(await measure([
        {
          name: `ERC-20, ${WALLETS} wallets, JSON-RPC batch (no Multicall3), confirmations 0`,
          chains: [first],
          read: read([tokenOn(0)]),
          expected,
        },
        {
          name: 'naive: one eth_call per wallet (not the adapter)',
          chains: [first],
          read: async () => {
            const block = await rpc(first.proxy.url, 'eth_blockNumber', [])
            const balances = await Promise.all(
              wallets.map((w) =>
                rpc(first.proxy.url, 'eth_call', [{ to: tokens[0], data: balanceOf(w) }, block]),
              ),
            )
            return balances.reduce((sum, b) => sum + BigInt(b), 0n).toString()
          },
          expected,
        },
      ])),
    )
    printRows(rows, ideal.name)
  } finally {
    await stopBenchChains(chains)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
