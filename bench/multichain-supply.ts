/**
 * multichain-supply: RPC requests and wall time for 5 chains × 50 excluded holders.
 *
 *   npm run bench:multichain-supply
 *
 * Starts five `hardhat node` processes with distinct chain ids (one token per chain, with
 * decimals 0, 6, 8, 18 and 24, and 50 funded holders each), puts every chain behind a counting
 * loopback proxy, and times the adapter's read (`readSupply`, what the transport computes for
 * one request) in three set-ups: Multicall3 deployed (confirmations 0, then 6) and no Multicall3
 * (JSON-RPC batches). A naive reader, one eth_call per value, is measured alongside for scale.
 */
import type { ChildProcess } from 'node:child_process'
import { availableParallelism, cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { erc20Interface } from '#chain/abi'
import { deployDecimalsToken } from '#chain/contracts'
import { MULTICALL3_ADDRESS } from '#common/evm-rpc'
import { LOCAL_CHAINS, chainProvider, fundedSigner, startHardhatNode } from '#devkit/local-chain'
import { multicall3RuntimeCode } from '#devkit/multicall3'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { checkRequest } from '#adapters/multichain-supply/src/endpoint/supply-request'
import { readSupply } from '#adapters/multichain-supply/src/provider/supply'
import { median, p95 } from './stats'

const CHAINS = 5
const HOLDERS = 50
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50)
const DECIMALS = [0, 6, 8, 18, 24]

interface Chain {
  network: string
  chainId: number
  url: string
  process: ChildProcess
  provider: JsonRpcProvider
  proxy: FaultProxy
  token: string
  holders: string[]
}

async function setUpChain(i: number): Promise<Chain> {
  const chainId = 41001 + i
  // One network config, five chains: each node serves its own chain id.
  const { url, process: child } = await startHardhatNode(LOCAL_CHAINS[0].network, chainId, {
    overrideChainId: true,
  })
  const provider = chainProvider(url, chainId)
  const signer = await fundedSigner(provider)
  const token = await deployDecimalsToken(
    signer,
    `T${i}`,
    `T${i}`,
    DECIMALS[i],
    10n ** BigInt(DECIMALS[i] + 9),
  )
  const holders = Array.from({ length: HOLDERS }, () => Wallet.createRandom().address)
  const sent = []
  for (const [k, holder] of holders.entries()) {
    sent.push(await token.transfer(holder, 10n ** BigInt(DECIMALS[i]) * BigInt(k + 1)))
  }
  await Promise.all(sent.map((tx) => tx.wait()))
  const proxy = await startFaultProxy(url)
  return {
    network: `bench-${i}`,
    chainId,
    url,
    process: child,
    provider,
    proxy,
    token: token.target as string,
    holders,
  }
}

interface Row {
  setup: string
  requestsPerRead: number
  perChain: string
  median: number
  p95: number
  result: string
}

async function measure(chains: Chain[], setup: string, read: () => Promise<string>): Promise<Row> {
  await read() // warm-up (connections, JIT)
  const times: number[] = []
  const counts: number[] = []
  let result = ''
  for (let n = 0; n < ITERATIONS; n++) {
    const before = chains.map((c) => c.proxy.requests.length)
    const start = performance.now()
    result = await read()
    times.push(performance.now() - start)
    counts.push(chains.reduce((sum, c, i) => sum + c.proxy.requests.length - before[i], 0))
    if (counts[n] !== counts[0])
      throw new Error(`${setup}: request count varies (${counts[0]}, ${counts[n]})`)
  }
  const perChain = chains.map((c) => c.proxy.requests.length)
  return {
    setup,
    requestsPerRead: counts[0],
    perChain: `${counts[0] / chains.length}`,
    median: median(times),
    p95: p95(times),
    result: `${result} (${perChain.length} chains)`,
  }
}

/** One eth_call per value, all in parallel, at a block fetched first: what batching saves. */
async function naiveRead(chains: Chain[]): Promise<string> {
  const rpc = async (url: string, method: string, params: unknown[]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
    return ((await res.json()) as { result: string }).result
  }
  const totals = await Promise.all(
    chains.map(async (c) => {
      const block = await rpc(c.proxy.url, 'eth_blockNumber', [])
      const call = (data: string) => rpc(c.proxy.url, 'eth_call', [{ to: c.token, data }, block]).then(BigInt)
      const [, supply, ...balances] = await Promise.all([
        call(erc20Interface.encodeFunctionData('decimals')),
        call(erc20Interface.encodeFunctionData('totalSupply')),
        ...c.holders.map((h) => call(erc20Interface.encodeFunctionData('balanceOf', [h]))),
      ])
      return supply - balances.reduce((a, b) => a + b, 0n)
    }),
  )
  return totals.map(String).join('+')
}

async function main(): Promise<void> {
  console.log(`Starting ${CHAINS} hardhat nodes and deploying ${CHAINS} tokens × ${HOLDERS} holders…`)
  const chains = await Promise.all(Array.from({ length: CHAINS }, (_, i) => setUpChain(i)))
  try {
    const env: NodeJS.ProcessEnv = {}
    for (const c of chains) {
      env[`BENCH_${chains.indexOf(c)}_RPC_URL`] = c.proxy.url
      env[`BENCH_${chains.indexOf(c)}_RPC_CHAIN_ID`] = String(c.chainId)
    }
    const request = (confirmations: number) =>
      checkRequest(
        {
          tokens: chains.map((c) => ({ network: c.network, address: c.token })),
          exclude: chains.flatMap((c) => c.holders.map((address) => ({ network: c.network, address }))),
          confirmations,
          resultDecimals: 18,
        },
        1_000,
        env,
      )
    const adapterRead = (confirmations: number) => async () =>
      (await readSupply(request(confirmations), { timeoutMs: 10_000 })).result

    const setCode = (code: string) =>
      Promise.all(chains.map((c) => c.provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, code])))
    const rows: Row[] = []
    // Code set now shows from the next block on; mine past the deepest pinned block so that
    // every set-up reads the same state (these chains are the bench's own).
    const settle = () => Promise.all(chains.map((c) => c.provider.send('hardhat_mine', ['0x8'])))
    await setCode(multicall3RuntimeCode())
    await settle()
    rows.push(await measure(chains, 'Multicall3, confirmations 0', adapterRead(0)))
    rows.push(await measure(chains, 'Multicall3, confirmations 6', adapterRead(6)))
    await setCode('0x')
    await settle()
    rows.push(await measure(chains, 'JSON-RPC batch (no Multicall3), confirmations 0', adapterRead(0)))
    rows.push(
      await measure(chains, 'naive: one eth_call per value (not the adapter)', () => naiveRead(chains)),
    )

    console.log(
      `\n${CHAINS} chains × ${HOLDERS} excluded holders (${CHAINS * (HOLDERS + 2)} values), ${ITERATIONS} reads each, ` +
        `Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}\n`,
    )
    console.log('| set-up | RPC requests per read | per chain | median ms | p95 ms |')
    console.log('| --- | ---: | ---: | ---: | ---: |')
    for (const row of rows) {
      console.log(
        `| ${row.setup} | ${row.requestsPerRead} | ${row.perChain} | ${row.median.toFixed(1)} | ${row.p95.toFixed(1)} |`,
      )
    }
    const adapterResults = new Set(rows.slice(0, 3).map((r) => r.result))
    if (adapterResults.size !== 1) throw new Error(`set-ups disagree: ${[...adapterResults].join(' / ')}`)
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
