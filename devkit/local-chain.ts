/**
 * Local chains: `hardhat node` started as a child process (Hardhat 3 cannot be imported inside
 * Jest), and ethers providers and funded signers for them.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { JsonRpcProvider, Network, NonceManager, Wallet, parseEther } from 'ethers'
import { freePort } from './ports'

/** The simulated chains the test suite runs, as named in hardhat.config.ts, and the variable holding each URL. */
export const LOCAL_CHAINS = [
  { network: 'localA', chainId: 31337, env: 'LOCAL_CHAIN_A_URL' },
  { network: 'localB', chainId: 31338, env: 'LOCAL_CHAIN_B_URL' },
] as const

export interface RunningChain {
  url: string
  chainId: number
  process: ChildProcess
}

async function rpcChainId(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    })
    const body = (await res.json()) as { result?: string }
    return body.result ? Number(BigInt(body.result)) : undefined
  } catch {
    return undefined
  }
}

export interface HardhatNodeOptions {
  /** How long to wait for the node to answer (default 60 s). */
  timeoutMs?: number
  /**
   * Serve `chainId` whatever the network's configured id (`--chain-id`): one network config then
   * gives as many chains with distinct ids as needed (the supply bench runs five).
   */
  overrideChainId?: boolean
}

/**
 * Starts `hardhat node` for one configured network on a free loopback port and resolves once
 * it answers JSON-RPC with the expected chain id.
 */
export async function startHardhatNode(
  network: string,
  chainId: number,
  { timeoutMs = 60_000, overrideChainId = false }: HardhatNodeOptions = {},
): Promise<RunningChain> {
  const port = await freePort()
  // Run Hardhat's CLI with the Node running Jest (Node 24 from devDependencies), whatever `node` is on PATH.
  const hardhatCli = resolve('node_modules/hardhat/dist/src/cli.js')
  const chainIdFlag = overrideChainId ? ['--chain-id', String(chainId)] : []
  const child = spawn(
    process.execPath,
    [
      hardhatCli,
      'node',
      '--network',
      network,
      ...chainIdFlag,
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: false,
    },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`hardhat node (${network}) exited with ${child.exitCode}: ${stderr}`)
    }
    const reported = await rpcChainId(url)
    if (reported === chainId) return { url, chainId, process: child }
    if (reported !== undefined) {
      child.kill()
      throw new Error(`hardhat node (${network}) reports chain id ${reported}, expected ${chainId}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  child.kill()
  throw new Error(`hardhat node (${network}) did not answer within ${timeoutMs} ms: ${stderr}`)
}

export type LocalChainName = 'A' | 'B'

/** Whether Jest's global setup starts the local chains: unless `LOCAL_CHAINS=off`. */
export function localChainsWanted(): boolean {
  return process.env.LOCAL_CHAINS !== 'off'
}

/** JSON-RPC URL of a local chain started by the Jest global setup. */
export function localChainUrl(name: LocalChainName = 'A'): string {
  const url = process.env[`LOCAL_CHAIN_${name}_URL`]
  if (url) return url
  throw new Error(
    localChainsWanted()
      ? `LOCAL_CHAIN_${name}_URL is not set: run the tests through Jest (npm test)`
      : `this test needs the local chains, and LOCAL_CHAINS=off left them unstarted: run it with npm test`,
  )
}

/**
 * A provider for a local chain, tuned for many small requests: a static network (no chain-id
 * lookup per request), no response cache, and no JSON-RPC batching (ethers otherwise holds each
 * request back to batch it), which makes a transaction about four times faster.
 */
export function chainProvider(url: string, chainId: number | bigint): JsonRpcProvider {
  const provider = new JsonRpcProvider(url, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    batchMaxCount: 1,
  })
  provider.pollingInterval = 20
  return provider
}

/** {@link chainProvider} for a local chain started by the Jest global setup. */
export function localProvider(name: LocalChainName = 'A'): JsonRpcProvider {
  const { chainId } = LOCAL_CHAINS.find((c) => c.env === `LOCAL_CHAIN_${name}_URL`)!
  return chainProvider(localChainUrl(name), chainId)
}

/**
 * A fresh random account with 1,000 ETH. Test files run in parallel against the same chains;
 * giving each its own accounts keeps their nonces from colliding.
 */
export async function fundedSigner(provider: JsonRpcProvider): Promise<NonceManager> {
  const wallet = Wallet.createRandom().connect(provider)
  await provider.send('hardhat_setBalance', [wallet.address, '0x' + parseEther('1000').toString(16)])
  return new NonceManager(wallet)
}
