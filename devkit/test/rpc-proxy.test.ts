import type { JsonRpcProvider } from 'ethers'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { relayEdited, startLaggingRpc } from '#devkit/rpc-proxy'

/** One JSON-RPC batch to `url`; its replies by id. */
async function batch(url: string, requests: { method: string; params: unknown[] }[]) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(requests.map((request, id) => ({ jsonrpc: '2.0', id, ...request }))),
  })
  const replies = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[]
  return requests.map((_, id) => replies.find((reply) => reply.id === id)!)
}

describe('a lagging JSON-RPC node', () => {
  let provider: JsonRpcProvider
  let account: string
  let node: FaultProxy | undefined

  beforeAll(async () => {
    provider = localProvider('A')
    const signer = await fundedSigner(provider)
    account = await signer.getAddress()
    // Three blocks, each moving the account's nonce: state that differs block by block.
    for (let i = 0; i < 3; i++) await (await signer.sendTransaction({ to: account, value: 0n })).wait()
  })
  afterEach(() => node?.close())
  afterAll(() => provider.destroy())

  it('stuck at a block: serves it as the head, its state as the latest, and no block above it', async () => {
    const head = await provider.getBlockNumber()
    const stuckAt = head - 2
    node = await startLaggingRpc(localChainUrl('A'), { stuckAt })
    const hex = (n: number) => `0x${n.toString(16)}`
    const [blockNumber, latest, nonce, above, callAbove] = await batch(node.url, [
      { method: 'eth_blockNumber', params: [] },
      { method: 'eth_getBlockByNumber', params: ['latest', false] },
      { method: 'eth_getTransactionCount', params: [account, 'latest'] },
      { method: 'eth_getBlockByNumber', params: [hex(head), false] },
      { method: 'eth_call', params: [{ to: account, data: '0x' }, hex(head)] },
    ])
    expect(blockNumber.result).toBe(hex(stuckAt))
    expect((latest.result as { number: string }).number).toBe(hex(stuckAt))
    expect(nonce.result).toBe(hex(await provider.getTransactionCount(account, stuckAt)))
    expect(above.result).toBeNull()
    expect(callAbove.error?.message).toBe('header not found')
  })

  it('stuck at a block: holds the blocks up to it by hash, and none above', async () => {
    const head = await provider.getBlockNumber()
    const stuckAt = head - 2
    node = await startLaggingRpc(localChainUrl('A'), { stuckAt })
    const [held, above] = await Promise.all([provider.getBlock(stuckAt), provider.getBlock(head)])
    const [heldBlock, aboveBlock, nonceAtHeld, callAbove] = await batch(node.url, [
      { method: 'eth_getBlockByHash', params: [held!.hash, false] },
      { method: 'eth_getBlockByHash', params: [above!.hash, false] },
      { method: 'eth_getTransactionCount', params: [account, { blockHash: held!.hash }] },
      { method: 'eth_call', params: [{ to: account, data: '0x' }, { blockHash: above!.hash }] },
    ])
    expect((heldBlock.result as { number: string }).number).toBe(`0x${stuckAt.toString(16)}`)
    expect(aboveBlock.result).toBeNull()
    expect(nonceAtHeld.result).toBe(
      `0x${(await provider.getTransactionCount(account, stuckAt)).toString(16)}`,
    )
    expect(callAbove.error?.message).toBe('header not found')
  })

  it('some blocks behind: follows the chain that far back', async () => {
    node = await startLaggingRpc(localChainUrl('A'), { behind: 2 })
    const before = await provider.getBlockNumber()
    const [blockNumber] = await batch(node.url, [{ method: 'eth_blockNumber', params: [] }])
    const after = await provider.getBlockNumber()
    // Other test files mine on the same chain: the head may move between the reads.
    const served = Number(BigInt(blockNumber.result as string))
    expect(served).toBeGreaterThanOrEqual(before - 2)
    expect(served).toBeLessThanOrEqual(after - 2)
  })

  it('relays a batch with the replies it is told to edit', async () => {
    node = await startFaultProxy(localChainUrl('A'), (_i, body) =>
      relayEdited(localChainUrl('A'), body, (request, reply) =>
        request.method === 'eth_blockNumber' ? { jsonrpc: '2.0', id: request.id, result: '0x0' } : reply,
      ),
    )
    const [chainId, blockNumber] = await batch(node.url, [
      { method: 'eth_chainId', params: [] },
      { method: 'eth_blockNumber', params: [] },
    ])
    expect([chainId.result, blockNumber.result]).toEqual(['0x7a69', '0x0'])
  })
})
