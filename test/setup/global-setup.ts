import { LOCAL_CHAINS, localChainsWanted, startHardhatNode, type RunningChain } from '#devkit/local-chain'

declare global {
  var __LOCAL_CHAINS__: RunningChain[] | undefined
}

/**
 * Starts the local chains once for the whole run, unless `LOCAL_CHAINS=off` (`npm run
 * test:adapter` for an adapter whose tests need no chain). Their URLs reach the test workers
 * through the environment (workers are forked after global setup and inherit it).
 */
export default async function globalSetup(): Promise<void> {
  if (!localChainsWanted()) return
  const running = await Promise.all(LOCAL_CHAINS.map((c) => startHardhatNode(c.network, c.chainId)))
  globalThis.__LOCAL_CHAINS__ = running
  LOCAL_CHAINS.forEach((c, i) => {
    process.env[c.env] = running[i].url
  })
}
