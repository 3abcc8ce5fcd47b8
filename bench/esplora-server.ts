/**
 * Child process of bench/btc-balance.ts: serves a simulated custodian of `count` addresses over
 * Esplora's API with an injected latency, on its own CPU core, and prints its URL.
 *   node --import tsx bench/esplora-server.ts <count> <latencyMs>
 */
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { benchAddresses } from './btc-addresses'

const [count, latencyMs] = process.argv.slice(2).map(Number)
const sim = new EsploraSim()
for (const [i, address] of benchAddresses(count).entries())
  sim.send([], [{ address, value: 100_000n + BigInt(i) }])
sim.confirm(...sim.txs.keys())
sim.mine(10)
const served = await serveEsplora(sim, { latencyMs })
process.on('message', (message) => {
  if (message === 'count') process.send?.(served.requests.length)
  if (message === 'reset') served.requests.length = 0
})
process.send?.(served.url)
