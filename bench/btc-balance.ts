/**
 * btc-balance fetch benchmark: a loopback Esplora-compatible server (its own process, so it
 * does not share the adapter's event loop) answering every request after a fixed injected
 * latency, read by the adapter's own code path (ProviderClient + EsploraApi + readReserves),
 * for 1,000 and 10,000 addresses.
 *
 *   npm run bench:btc-balance            (latency 20 ms, concurrency 64)
 *   BENCH_LATENCY_MS=50 BENCH_CONCURRENCY=32 npm run bench:btc-balance
 *
 * Compares the measured wall time with the ideal (requests ÷ concurrency × latency) and with
 * reading one address at a time (concurrency 1). Finally sends 10,000 addresses through the
 * real adapter over HTTP, the way a node's bridge does, and reports the time to the first 200.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { ProviderClient } from '#common/provider-client'
import { EsploraApi } from '#adapters/btc-balance/src/provider/esplora'
import { readReserves } from '#adapters/btc-balance/src/provider/reserves'
import { tipFreshness } from '#adapters/btc-balance/src/config/index'
import { benchAddresses, benchTotal } from './btc-addresses'
import { freePort } from '#devkit/ports'

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64)
const SIZES = [1_000, 10_000]

/** Starts the simulated Esplora server for `count` addresses in a child process. */
async function startServer(
  count: number,
): Promise<{ url: string; child: ChildProcess; requests: () => Promise<number> }> {
  const child = fork(
    new URL('./esplora-server.ts', import.meta.url).pathname,
    [String(count), String(LATENCY_MS)],
    {
      execArgv: ['--no-deprecation', '--import', 'tsx'],
    },
  )
  const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))))
  const requests = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => resolve(Number(m)))
      child.send('count')
    })
  return { url, child, requests }
}

async function timeRead(url: string, addresses: string[], concurrency: number) {
  const client = new ProviderClient({
    urls: [url],
    timeoutMs: 30_000,
    retries: 2,
    backoffMs: 100,
    concurrency,
    requestsPerSecond: 0,
    label: 'BENCH',
  })
  const started = performance.now()
  const reserves = await readReserves(new EsploraApi(client), addresses, 6, tipFreshness('mainnet'))
  return { ms: performance.now() - started, total: reserves.total }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  console.log(`Esplora latency ${LATENCY_MS} ms per request, concurrency ${CONCURRENCY}\n`)
  console.log('| addresses | requests | ideal | measured | measured ÷ ideal | one at a time |')
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const size of SIZES) {
    const addresses = benchAddresses(size)
    const expected = benchTotal(size)
    const server = await startServer(size)
    const parallel = await timeRead(server.url, addresses, CONCURRENCY)
    const requests = await server.requests()
    const sequential = await timeRead(server.url, addresses, 1)
    server.child.kill()
    if (parallel.total !== expected || sequential.total !== expected) throw new Error('wrong total')
    const ideal = Math.ceil(requests / CONCURRENCY) * LATENCY_MS
    console.log(
      `| ${size.toLocaleString('en')} | ${requests.toLocaleString('en')} | ${fmt(ideal)} | ${fmt(parallel.ms)} | ${(parallel.ms / ideal).toFixed(2)} | ${fmt(sequential.ms)} |`,
    )
  }
  await endToEnd()
}

/** 10,000 addresses through the adapter's HTTP server, polled the way a node retries a 504. */
async function endToEnd(): Promise<void> {
  const addresses = benchAddresses(10_000)
  const expected = benchTotal(10_000)
  const served = await startServer(10_000)
  const port = await freePort()
  Object.assign(process.env, {
    EA_PORT: String(port),
    METRICS_ENABLED: 'false',
    LOG_LEVEL: 'error',
    BITCOIN_MAINNET_ESPLORA_URL: served.url,
    ESPLORA_CONCURRENCY: String(CONCURRENCY),
  })
  const { expose } = await import('@chainlink/external-adapter-framework')
  const { makeAdapter } = await import('#adapters/btc-balance/src/index')
  const server = await expose(makeAdapter())
  const body = JSON.stringify({
    data: { addresses: addresses.map((address) => ({ address, network: 'bitcoin', chainId: 'mainnet' })) },
  })
  const started = performance.now()
  let attempts = 0
  for (;;) {
    attempts++
    const res = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    const json = (await res.json()) as { result?: string }
    if (res.status === 200) {
      if (json.result !== expected.toString()) throw new Error(`wrong total ${json.result}`)
      break
    }
    if (res.status !== 504 || attempts > 60)
      throw new Error(`adapter answered ${res.status}: ${JSON.stringify(json)}`)
  }
  console.log(
    `\nEnd to end: 10,000 addresses (${(body.length / 1024 / 1024).toFixed(2)} MiB request) answered 200 with the exact total ` +
      `${fmt(performance.now() - started)} after the first POST (${attempts} POSTs: the framework answers 504 until the ` +
      `background read lands in its cache).`,
  )
  await server?.close()
  served.child.kill()
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
