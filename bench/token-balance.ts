/**
 * token-balance: RPC round trips per chain, and the time to read 1,000 custodian wallets against
 * the ideal.
 *
 *   npm run bench:token-balance
 *
 * Starts two `hardhat node` processes (chain ids 41101 and 41102), an 18-decimal token on each
 * and 1,000 wallets holding it and the native coin on the first, puts every chain behind a
 * counting loopback proxy, and times the adapter's read (`readBalances`, what the transport
 * computes for one request) in several set-ups. The ideal is the floor of a one-round-trip read:
 * the same `aggregate3` call, sent once straight to the node (no chain id, head or freshness
 * check, no decoding). A naive reader, one `eth_call` per wallet, is measured for scale.
 */
import type { ChildProcess } from 'node:child_process'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { erc20Interface } from '#chain/abi'
import { deployDecimalsToken } from '#chain/contracts'
import { MULTICALL3_ADDRESS, encodeAggregate3 } from '#common/evm-rpc'
import { LOCAL_CHAINS, chainProvider, fundedSigner, startHardhatNode } from '#devkit/local-chain'
import { multicall3RuntimeCode } from '#devkit/multicall3'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { checkRequest } from '#adapters/token-balance/src/endpoint/evm-request'
import { readBalances } from '#adapters/token-balance/src/provider/balances'
import { median, p95 } from './stats'

const WALLETS = 1_000
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30)

interface Chain {
  network: string
  chainId: number
  process: ChildProcess
  provider: JsonRpcProvider
  proxy: FaultProxy
  token: string
}

async function setUpChain(i: number, wallets: string[]): Promise<Chain> {
  const chainId = 41101 + i
  const { url, process: child } = await startHardhatNode(LOCAL_CHAINS[0].network, chainId, {
    overrideChainId: true,
  })
  const provider = chainProvider(url, chainId)
  const signer = await fundedSigner(provider)
  const token = await deployDecimalsToken(signer, `T${i}`, `T${i}`, 18, 10n ** 30n)
  const sent = []
  // Every tenth wallet holds the token and the native coin; the others hold nothing (a balance
  // read costs the same either way).
  for (const [k, wallet] of wallets.entries()) {
    if (k % 10 !== 0) continue
    sent.push(await token.transfer(wallet, 10n ** 18n * BigInt(k + 1)))
    sent.push(await signer.sendTransaction({ to: wallet, value: BigInt(k + 1) }))
  }
  await Promise.all(sent.map((tx) => tx.wait()))
  await provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, multicall3RuntimeCode()])
  // Past the deepest block pinned below (6): every set-up reads the same state.
  await provider.send('hardhat_mine', ['0x8'])
  const proxy = await startFaultProxy(url)
  return { network: `bench-${i}`, chainId, process: child, provider, proxy, token: token.target as string }
}

interface Row {
  setup: string
  requestsPerRead: number
  perChain: number
  median: number
  p95: number
  /** Reads that failed and were read again. */
  failed: number
}

/** One set-up: what it reads, on which chains, and the figure it must read. */
interface SetUp {
  name: string
  chains: Chain[]
  read: () => Promise<string>
  expected?: string
}

/**
 * Times each set-up's read ITERATIONS times, in rounds (each set-up once per round, in turn, so
 * that all of them run under the same load on a shared machine), counting the RPC requests each
 * read sends. A read that fails is read again and counted apart: under load, Hardhat's node can
 * close a keep-alive connection a request is already on (its 5 s idle timer fires first when its
 * event loop stalls), and an RPC client fails over, or fails, on that, as on any dropped
 * connection.
 */
async function measure(setUps: SetUp[]): Promise<Row[]> {
  const state = setUps.map(() => ({ times: [] as number[], counts: [] as number[], failed: 0 }))
  const once = async (setUp: SetUp, i: number): Promise<void> => {
    for (;;) {
      const before = setUp.chains.map((c) => c.proxy.requests.length)
      const start = performance.now()
      let result: string
      try {
        result = await setUp.read()
      } catch (error) {
        if (++state[i].failed > 3) throw new Error(`${setUp.name}: ${(error as Error).message}`)
        continue
      }
      state[i].times.push(performance.now() - start)
      state[i].counts.push(setUp.chains.reduce((sum, c, k) => sum + c.proxy.requests.length - before[k], 0))
      if (setUp.expected !== undefined && result !== setUp.expected) {
        throw new Error(`${setUp.name}: read ${result}, expected ${setUp.expected}`)
      }
      return
    }
  }
  // Warm-up (connections, JIT), not counted.
  for (const [i, setUp] of setUps.entries()) await once(setUp, i)
  for (const s of state) Object.assign(s, { times: [], counts: [], failed: 0 })
  for (let n = 0; n < ITERATIONS; n++) {
    for (const [i, setUp] of setUps.entries()) await once(setUp, i)
  }
  return setUps.map((setUp, i) => {
    const { times, counts, failed } = state[i]
    if (new Set(counts).size !== 1)
      throw new Error(`${setUp.name}: request count varies (${counts.join(', ')})`)
    return {
      setup: setUp.name,
      requestsPerRead: counts[0],
      perChain: counts[0] / setUp.chains.length,
      median: median(times),
      p95: p95(times),
      failed,
    }
  })
}

async function rpc(url: string, method: string, params: unknown[]): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return ((await response.json()) as { result: string }).result
}

const balanceOf = (wallet: string) => erc20Interface.encodeFunctionData('balanceOf', [wallet])

async function main(): Promise<void> {
  const wallets = Array.from({ length: WALLETS }, () => Wallet.createRandom().address)
  console.log(`Starting 2 hardhat nodes, funding ${WALLETS / 10} of ${WALLETS} wallets on each…`)
  const chains = await Promise.all([0, 1].map((i) => setUpChain(i, wallets)))
  const [first] = chains
  try {
    const env: NodeJS.ProcessEnv = {}
    for (const c of chains) {
      env[`${c.network.toUpperCase().replace('-', '_')}_RPC_URL`] = c.proxy.url
      env[`${c.network.toUpperCase().replace('-', '_')}_RPC_CHAIN_ID`] = String(c.chainId)
    }
    const read =
      (addresses: { network: string; contractAddress?: string; wallets: string[] }[], confirmations = 0) =>
      async () =>
        (
          await readBalances(
            checkRequest({ addresses, confirmations, resultDecimals: 18 }, WALLETS * 2, env),
            { timeoutMs: 30_000, maxBodyBytes: 64 * 1024 ** 2 },
          )
        ).result
    const tokenOn = (c: Chain, list = wallets) => ({
      network: c.network,
      contractAddress: c.token,
      wallets: list,
    })
    // Funded wallets k = 0, 10, 20, …: each holds (k + 1) tokens.
    const oneChainTotal = wallets.reduce((sum, _, k) => (k % 10 === 0 ? sum + BigInt(k + 1) : sum), 0n)
    const tokens = (oneChainTotal * 10n ** 18n).toString()

    // The ideal: one aggregate3 of the same calls, straight to the node, at latest.
    const aggregate = encodeAggregate3([
      { to: first.token, data: erc20Interface.encodeFunctionData('decimals') },
      { to: first.token, data: erc20Interface.encodeFunctionData('totalSupply') },
      ...wallets.map((w) => ({ to: first.token, data: balanceOf(w) })),
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
        read: read([tokenOn(first)]),
        expected: tokens,
      },
      {
        name: `ERC-20, ${WALLETS} wallets, Multicall3, confirmations 6`,
        chains: [first],
        read: read([tokenOn(first)], 6),
        expected: tokens,
      },
      {
        name: `native coin, ${WALLETS} wallets, Multicall3, confirmations 0`,
        chains: [first],
        read: read([{ network: first.network, wallets }]),
        expected: oneChainTotal.toString(),
      },
      {
        name: `ERC-20, ${WALLETS / 2} wallets on each of 2 chains, Multicall3, confirmations 0`,
        chains,
        read: read(
          chains.map((c, i) => tokenOn(c, wallets.slice(i * (WALLETS / 2), (i + 1) * (WALLETS / 2)))),
        ),
      },
      ideal,
    ])
    await first.provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, '0x'])
    await first.provider.send('hardhat_mine', ['0x1'])
    rows.push(
      ...(await measure([
        {
          name: `ERC-20, ${WALLETS} wallets, JSON-RPC batch (no Multicall3), confirmations 0`,
          chains: [first],
          read: read([tokenOn(first)]),
          expected: tokens,
        },
        {
          name: 'naive: one eth_call per wallet (not the adapter)',
          chains: [first],
          read: async () => {
            const block = await rpc(first.proxy.url, 'eth_blockNumber', [])
            const balances = await Promise.all(
              wallets.map((w) =>
                rpc(first.proxy.url, 'eth_call', [{ to: first.token, data: balanceOf(w) }, block]),
              ),
            )
            return balances.reduce((sum, b) => sum + BigInt(b), 0n).toString()
          },
          expected: tokens,
        },
      ])),
    )

    const idealMedian = rows.find((r) => r.setup === ideal.name)!.median
    console.log(
      `\n${ITERATIONS} rounds (each set-up once a round, in turn), Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}\n`,
    )
    console.log('| set-up | RPC requests per read | per chain | median ms | p95 ms | median ÷ ideal |')
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
    for (const row of rows) {
      console.log(
        `| ${row.setup} | ${row.requestsPerRead} | ${row.perChain} | ${row.median.toFixed(0)} | ${row.p95.toFixed(0)} | ${(row.median / idealMedian).toFixed(2)} |`,
      )
    }
    const failed = rows.filter((row) => row.failed > 0)
    if (failed.length > 0) {
      console.log(
        `\nRead again after a dropped connection: ${failed.map((row) => `${row.failed} in "${row.setup}"`).join(', ')}`,
      )
    }
    console.log(
      `Load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    )
  } finally {
    for (const c of chains) {
      c.provider.destroy()
      await c.proxy.close()
      c.process.kill('SIGTERM')
    }
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
