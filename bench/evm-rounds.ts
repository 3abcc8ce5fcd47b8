/**
 * What the EVM reserve benches share: local chains behind counting proxies, and set-ups timed in
 * interleaved rounds, each read's RPC requests counted, printed as a table against an ideal.
 */
import type { ChildProcess } from 'node:child_process'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { JsonRpcProvider, NonceManager } from 'ethers'
import { MULTICALL3_ADDRESS } from '#common/evm-rpc'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { LOCAL_CHAINS, chainProvider, fundedSigner, startHardhatNode } from '#devkit/local-chain'
import { multicall3RuntimeCode } from '#devkit/multicall3'
import { median, p95 } from './stats'

export const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30)

/** A `hardhat node` of the bench's own, behind a proxy counting the requests sent to it. */
export interface BenchChain {
  /** The network name requests give it (`bench-0`), and the settings naming its RPC. */
  network: string
  chainId: number
  process: ChildProcess
  provider: JsonRpcProvider
  signer: NonceManager
  proxy: FaultProxy
}

/** Starts chain `i` (chain id `firstChainId + i`) with Multicall3 at its canonical address. */
export async function startBenchChain(i: number, firstChainId: number): Promise<BenchChain> {
  const chainId = firstChainId + i
  const { url, process: child } = await startHardhatNode(LOCAL_CHAINS[0].network, chainId, {
    overrideChainId: true,
  })
  const provider = chainProvider(url, chainId)
  await provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, multicall3RuntimeCode()])
  const signer = await fundedSigner(provider)
  const proxy = await startFaultProxy(url)
  return { network: `bench-${i}`, chainId, process: child, provider, signer, proxy }
}

/** The settings an adapter reads `chains` with, through their proxies. */
export function benchEnv(chains: BenchChain[]): NodeJS.ProcessEnv {
  return Object.fromEntries(
    chains.flatMap((c) => {
      const prefix = c.network.toUpperCase().replace(/-/g, '_')
      return [
        [`${prefix}_RPC_URL`, c.proxy.url],
        [`${prefix}_RPC_CHAIN_ID`, String(c.chainId)],
      ]
    }),
  )
}

/** Mines `count` blocks on each chain: reads pinned that deep see the state set up. */
export async function settle(chains: BenchChain[], count = 8): Promise<void> {
  await Promise.all(chains.map((c) => c.provider.send('hardhat_mine', [`0x${count.toString(16)}`])))
}

export async function stopBenchChains(chains: BenchChain[]): Promise<void> {
  for (const c of chains) {
    c.provider.destroy()
    await c.proxy.close()
    c.process.kill('SIGTERM')
  }
}

/** One JSON-RPC request straight to `url`, its result. */
export async function rpc(url: string, method: string, params: unknown[]): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return ((await response.json()) as { result: string }).result
}

/** One set-up: what it reads, on which chains, and the figure it must read. */
export interface SetUp {
  name: string
  chains: BenchChain[]
  read: () => Promise<string>
  expected?: string
}

export interface Row {
  setup: string
  /** RPC requests per read, in all and per chain. */
  requestsPerRead: number
  perChain: number[]
  median: number
  p95: number
  /** Reads that failed and were read again. */
  failed: number
}

/**
 * Times each set-up's read ITERATIONS times, in rounds (each set-up once per round, in turn, so
 * that all of them run under the same load on a shared machine), counting the RPC requests each
 * read sends to each chain. A read that fails is read again and counted apart: under load,
 * Hardhat's node can close a keep-alive connection a request is already on (its 5 s idle timer
 * fires first when its event loop stalls), and an RPC client fails over, or fails, on that, as on
 * any dropped connection.
 */
export async function measure(setUps: SetUp[]): Promise<Row[]> {
  const state = setUps.map(() => ({ times: [] as number[], counts: [] as string[], failed: 0 }))
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
      state[i].counts.push(setUp.chains.map((c, k) => c.proxy.requests.length - before[k]).join(','))
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
      throw new Error(`${setUp.name}: request counts vary (${counts.join(' / ')})`)
    const perChain = counts[0].split(',').map(Number)
    return {
      setup: setUp.name,
      requestsPerRead: perChain.reduce((a, b) => a + b, 0),
      perChain,
      median: median(times),
      p95: p95(times),
      failed,
    }
  })
}

/** Prints the rows as a markdown table, each median against the `ideal` row's. */
export function printRows(rows: Row[], ideal: string): void {
  const idealMedian = rows.find((r) => r.setup === ideal)!.median
  console.log(
    `\n${ITERATIONS} rounds (each set-up once a round, in turn), Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}\n`,
  )
  console.log('| set-up | RPC requests per read | per chain | median ms | p95 ms | median ÷ ideal |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const row of rows) {
    console.log(
      `| ${row.setup} | ${row.requestsPerRead} | ${row.perChain.join(' + ')} | ${row.median.toFixed(0)} | ${row.p95.toFixed(0)} | ${(row.median / idealMedian).toFixed(2)} |`,
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
}
