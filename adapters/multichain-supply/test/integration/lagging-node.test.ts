/**
 * An RPC node stuck behind the chain, through the adapter: a `totalSupply()` as it stood at the
 * node's old head would understate the supply and hide a shortfall. A node stuck 10 mints back
 * is passed over for a URL at the head, and the answer says which block, and when, it read.
 */
import { Wallet, type JsonRpcProvider } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { deployDecimalsToken, type DecimalsToken } from '#chain/contracts'
import { askUntilComputed } from '#devkit/adapter-server'
import type { FaultProxy } from '#devkit/fault-proxy'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { startLaggingRpc } from '#devkit/rpc-proxy'
import { askTestAdapter, startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import type { SupplyFigures } from '../../src/provider/supply'
import { makeAdapter } from '../../src'

describe('multichain-supply behind an RPC node stuck 10 mints back', () => {
  let provider: JsonRpcProvider
  let token: DecimalsToken
  let stuck: FaultProxy
  let testAdapter: TestAdapter
  let lastMint: number

  beforeAll(async () => {
    provider = localProvider('A')
    await ensureMulticall3(provider)
    const signer = await fundedSigner(provider)
    token = await deployDecimalsToken(signer, 'S', 'S', 6, 1_000_000n)
    const stuckAt = (await token.deploymentTransaction()!.wait())!.blockNumber
    // 10 mints of 100,000: the supply doubles in blocks the stuck node never sees.
    const holder = Wallet.createRandom().address
    for (let i = 0; i < 10; i++) lastMint = (await (await token.mint(holder, 100_000n)).wait())!.blockNumber
    stuck = await startLaggingRpc(localChainUrl('A'), { stuckAt })
    testAdapter = await startTestAdapter(makeAdapter(), {
      BEHIND_RPC_URL: `${stuck.url},${localChainUrl('A')}`,
      BEHIND_RPC_CHAIN_ID: '31337',
      BACKGROUND_EXECUTE_MS_HTTP: '5',
    })
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    await stuck.close()
    provider.destroy()
  })

  it('passes the stuck node over: the supply at the head, with the block and its time', async () => {
    const { status, body } = await askUntilComputed(() =>
      askTestAdapter(testAdapter, {
        tokens: [{ network: 'behind', address: token.target }],
        resultDecimals: 6,
      }),
    )
    expect(status).toBe(200)
    expect(body?.result).toBe('2000000')
    const [chain] = (body?.data as unknown as SupplyFigures).chains
    expect(chain.blockNumber).toBeGreaterThanOrEqual(lastMint)
    expect(chain.blockTimestamp).toBe((await provider.getBlock(chain.blockNumber))!.timestamp)
    expect((body?.timestamps as { providerIndicatedTimeUnixMs: number }).providerIndicatedTimeUnixMs).toBe(
      chain.blockTimestamp * 1000,
    )
  })
})
