import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

/** The simulated chains the test suite runs, as named in hardhat.config.ts. */
export const LOCAL_CHAINS = [
  { network: 'localA', chainId: 31337, env: 'LOCAL_CHAIN_A_URL' },
  { network: 'localB', chainId: 31338, env: 'LOCAL_CHAIN_B_URL' },
] as const

export interface RunningChain {
  url: string
  chainId: number
  process: ChildProcess
}

/** Asks the OS for a port nobody is listening on. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
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

/**
 * Starts `hardhat node` for one configured network on a free loopback port and resolves once
 * it answers JSON-RPC with the expected chain id.
 */
export async function startHardhatNode(
  network: string,
  chainId: number,
  timeoutMs = 60_000,
): Promise<RunningChain> {
  const port = await freePort()
  // Run Hardhat's CLI with the Node running Jest (Node 24 from devDependencies), whatever `node` is on PATH.
  const hardhatCli = resolve('node_modules/hardhat/dist/src/cli.js')
  const child = spawn(
    process.execPath,
    [hardhatCli, 'node', '--network', network, '--hostname', '127.0.0.1', '--port', String(port)],
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
