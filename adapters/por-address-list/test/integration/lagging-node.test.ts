/**
 * An RPC node stuck behind the chain, through the adapter: the list as it stood at the node's old
 * head is never answered as the list. A node stuck 10 blocks back, when the list had 100 of its
 * 250 addresses, is passed over for a URL at the head; alone, it is refused once its head is
 * older than the network's max head age.
 */
import { jest } from '@jest/globals'
import type { Contract, JsonRpcProvider } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { deploy } from '#chain/artifacts'
import { askUntilComputed } from '#devkit/adapter-server'
import type { FaultProxy } from '#devkit/fault-proxy'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { startLaggingRpc } from '#devkit/rpc-proxy'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/** The list's entries: the contract stores any distinct strings, and the adapter passes them through. */
const ALL = Array.from({ length: 250 }, (_, i) => `custodian-${i}`)

describe('por-address-list behind an RPC node stuck 10 blocks back', () => {
  let provider: JsonRpcProvider
  let list: Contract
  /** The block the stuck node serves as its head: the list then held its first 100 addresses. */
  let stuckAt: number
  let lastEdit: number
  let stuck: FaultProxy
  let testAdapter: TestAdapter

  const ask = (network: string) =>
    askUntilComputed(() =>
      askTestAdapter(testAdapter, {
        contractAddress: list.target,
        contractAddressNetwork: network,
        network: 'bitcoin',
        chainId: 'mainnet',
        batchSize: 100,
      }),
    )

  beforeAll(async () => {
    provider = localProvider('A')
    await ensureMulticall3(provider)
    const signer = await fundedSigner(provider)
    list = await deploy<Contract>(
      signer,
      'contracts/PoRAddressList.sol:PoRAddressList',
      await signer.getAddress(),
      ALL.slice(0, 100),
    )
    stuckAt = (await list.deploymentTransaction()!.wait())!.blockNumber
    // The other 150 addresses, 15 at a time: 10 blocks the stuck node never sees.
    for (let start = 100; start < 250; start += 15) {
      const added = await (await list.getFunction('addAddresses')(ALL.slice(start, start + 15))).wait()
      lastEdit = added.blockNumber
    }
    stuck = await startLaggingRpc(localChainUrl('A'), { stuckAt })
    testAdapter = await startTestAdapter(makeAdapter(), {
      // The stuck node first, then a node at the head.
      BEHIND_RPC_URL: `${stuck.url},${localChainUrl('A')}`,
      BEHIND_RPC_CHAIN_ID: '31337',
      // The stuck node alone, with a max head age (chain 31337 mines on demand: no default).
      ALONE_RPC_URL: stuck.url,
      ALONE_RPC_CHAIN_ID: '31337',
      ALONE_RPC_MAX_HEAD_AGE_SECONDS: '60',
      BACKGROUND_EXECUTE_MS_HTTP: '5',
    })
  })
  afterEach(() => jest.restoreAllMocks())
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    await stuck.close()
    provider.destroy()
  })

  it('passes the stuck node over for one at the head: the whole list, with its block and time', async () => {
    const { status, body } = await ask('behind')
    const data = body?.data as { result: { address: string }[]; blockNumber: number; blockTimestamp: number }
    expect(status).toBe(200)
    expect(data.result.map((a) => a.address)).toEqual(ALL)
    expect(data.blockNumber).toBeGreaterThanOrEqual(lastEdit)
    expect(data.blockTimestamp).toBe((await provider.getBlock(data.blockNumber))!.timestamp)
  })

  it('refuses the stuck node alone once its head is older than the max head age: 502, never the old list', async () => {
    const { timestamp } = (await provider.getBlock(stuckAt))!
    jest.spyOn(Date, 'now').mockReturnValue((timestamp + 61) * 1000)
    const { status, body } = await ask('alone')
    expect({ status, result: body?.result, data: body?.data }).toEqual({
      status: 502,
      result: undefined,
      data: undefined,
    })
    expect(body?.errorMessage).toMatch(
      new RegExp(
        `^alone: no RPC could serve the head of the chain \\(ALONE_RPC_URL #1 \\(127\\.0\\.0\\.1:\\d+\\): ` +
          `its head, block ${stuckAt} of [^,]+, is 61 s old, more than ALONE_RPC_MAX_HEAD_AGE_SECONDS \\(60\\)\\)$`,
      ),
    )
  })
})
