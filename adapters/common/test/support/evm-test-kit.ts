/**
 * Test kit for the EVM adapters (tests and bench): Multicall3 at its canonical address on a
 * local chain, and a loopback JSON-RPC proxy that counts requests and can misbehave on cue.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import type { JsonRpcProvider, NonceManager } from 'ethers'
import { fundedSigner } from '../../../../test/helpers/chain'
import { MULTICALL3_ADDRESS } from '../../evm-rpc'

/** Runtime bytecode of contracts/mocks/MinimalMulticall3.sol (compiled by `hardhat build`). */
export function multicall3RuntimeCode(): string {
  const file = resolve('artifacts/contracts/mocks/MinimalMulticall3.sol/MinimalMulticall3.json')
  return (JSON.parse(readFileSync(file, 'utf8')) as { deployedBytecode: string }).deployedBytecode
}

/**
 * Puts the Multicall3-compatible mock at the canonical address, unless it is already there.
 * Idempotent: test files run in parallel on shared chains and may all call it.
 *
 * `hardhat_setCode` takes effect from the next block: a read pinned `depth` blocks back sees the
 * code only once `depth` more blocks have been mined. With `depth` > 0, blocks are mined (by
 * zero-value transfers from a fresh funded account, as any test does) until it does.
 */
export async function ensureMulticall3(provider: JsonRpcProvider, depth = 0): Promise<void> {
  const code = multicall3RuntimeCode()
  const current = (await provider.send('eth_getCode', [MULTICALL3_ADDRESS, 'latest'])) as string
  if (current.toLowerCase() !== code.toLowerCase()) {
    await provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, code])
  }
  let signer: NonceManager | undefined
  for (;;) {
    const latest = await provider.getBlockNumber()
    const tag = `0x${Math.max(0, latest - depth).toString(16)}`
    const then = (await provider.send('eth_getCode', [MULTICALL3_ADDRESS, tag])) as string
    if (then.toLowerCase() === code.toLowerCase()) return
    signer ??= await fundedSigner(provider)
    await (await signer.sendTransaction({ to: await signer.getAddress(), value: 0n })).wait()
  }
}

/**
 * What the proxy does with one request:
 * - `forward`: relay it to the target and relay the answer;
 * - `destroy`: read the request, then destroy the socket without answering (an RPC dying mid-request);
 * - `destroy-mid-response`: relay it, send the headers and half of the answer, then destroy the socket;
 * - `{ status, body }`: answer this instead.
 */
export type ProxyAction = 'forward' | 'destroy' | 'destroy-mid-response' | { status: number; body: string }

export interface RpcProxy {
  url: string
  /** Every request body received, in order (a JSON-RPC batch is one request). */
  readonly requests: string[]
  /** Requests relayed to the target. */
  forwarded: number
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts a loopback proxy to a JSON-RPC URL; `decide` picks the action for each request (0-based). */
export async function startRpcProxy(
  target: string,
  decide: (index: number, body: string) => ProxyAction | Promise<ProxyAction> = () => 'forward',
): Promise<RpcProxy> {
  const requests: string[] = []
  const proxy: RpcProxy = {
    url: '',
    requests,
    forwarded: 0,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
  const relay = async (body: string): Promise<{ status: number; text: string }> => {
    proxy.forwarded++
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return { status: res.status, text: await res.text() }
  }
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const index = requests.length
      requests.push(body)
      const action = await decide(index, body)
      if (action === 'destroy') {
        req.socket.destroy()
        return
      }
      if (action === 'forward' || action === 'destroy-mid-response') {
        const { status, text } = await relay(body)
        const bytes = Buffer.from(text, 'utf8')
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length })
        if (action === 'forward') {
          res.end(bytes)
        } else {
          res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy())
        }
        return
      }
      res.writeHead(action.status, { 'content-type': 'application/json' })
      res.end(action.body)
    })().catch(() => req.socket.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}

/** A URL nobody listens on: a loopback port opened and closed again. */
export async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((done) => server.close(() => done()))
  return `http://127.0.0.1:${port}`
}
