/**
 * ReserveGuard when things go wrong at once (issue 9): protected contracts that misbehave after they were
 * registered, many assets short together, a pause that keeps failing. Each case would leave short assets
 * unpaused on the guard before the fix; here every other asset is still paused.
 */
import type { JsonRpcProvider } from 'ethers'
import {
  deployMockMisbehavingTarget,
  deployMockPausableAsset,
  deployMockReserveFeed,
  deployWETH9,
  type MockMisbehavingTarget,
  type MockReserveFeed,
} from '#chain/contracts'
import { eventsOf, mined } from '#chain/events'
import { Operation, PauseMode, Reason, TargetBehaviour, assetConfig, toResult, Verdict } from '#chain/types'
import { localProvider } from '#devkit/local-chain'
import {
  PERFORM_GAS,
  TOKEN,
  actors,
  check,
  deployGuard,
  named,
  protect,
  type Actors,
  type Guard,
} from './guard-fixture'
import { deployToken, revertOf } from './helpers'

let provider: JsonRpcProvider
let a: Actors

beforeAll(async () => {
  provider = localProvider()
  a = await actors(provider)
})

afterAll(() => provider.destroy())

const modes = [
  ['Operations', PauseMode.Operations],
  ['Pausable', PauseMode.Pausable],
] as const

interface Misbehaving {
  target: MockMisbehavingTarget
  address: string
  feed: MockReserveFeed
}

/**
 * A MockMisbehavingTarget with 100 tokens of supply and its own feed, registered while it behaves, paused
 * the `pauseMode` way.
 */
async function misbehaving(g: Guard, pauseMode: bigint): Promise<Misbehaving> {
  const target = await deployMockMisbehavingTarget(a.admin, 100n * TOKEN)
  const feed = await deployMockReserveFeed(a.admin, 8, 100n * TOKEN)
  const address = await target.getAddress()
  const config = assetConfig({
    reserveFeed: await feed.getAddress(),
    supplySource: address,
    pauseMode,
    operations: pauseMode === PauseMode.Operations ? Operation.All : 0n,
  })
  await mined(g.guard.addAsset(address, config))
  return { target, address, feed }
}

/** The revert data of a call that must revert. */
async function revertData(call: Promise<unknown>): Promise<string> {
  try {
    await call
  } catch (error) {
    const data = (error as { data?: string }).data
    if (typeof data === 'string') return data
    throw error
  }
  throw new Error('expected a revert')
}

/** The AssetPauseFailed events of a receipt, as `[target, reason, error]`. */
function pauseFailures(g: Guard, receipt: Awaited<ReturnType<typeof mined>>) {
  return eventsOf(receipt, g.guard)
    .filter((e) => e.name === 'AssetPauseFailed')
    .map((e) => e.args.slice(0, 3))
}

describe('ReserveGuard: a target whose pause state cannot be decoded', () => {
  const undecodable = [
    ['a non-reverting fallback (no data)', TargetBehaviour.SilentFallback],
    ['a value out of range (0x1ff, 2)', TargetBehaviour.Undecodable],
    ['a read that burns its gas', TargetBehaviour.BurnGasInViews],
  ] as const

  describe.each(modes)('%s mode', (_mode, pauseMode) => {
    it.each(undecodable)(
      '%s neither jams the check, the views nor the pause of the other assets',
      async (_name, behaviour) => {
        const g = await deployGuard(a)
        const bad = await misbehaving(g, pauseMode)
        const good = await protect(g)
        await mined(bad.target.setBehaviour(behaviour, 0n))
        await mined(bad.feed.setAnswer(1n))
        await mined(good.feed.setAnswer(1n))

        // Views: the asset reads as short and not paused.
        expect(toResult(await g.guard.assetStatus(bad.address))).toMatchObject({
          verdict: Verdict.Short,
          reason: Reason.InsufficientReserves,
        })
        expect(await g.guard.isAssetPaused(bad.address)).toBe(false)
        // The check lists both (the unreadable one counts as not paused), in registry order.
        const { upkeepNeeded, targets, performData } = await check(g.guard)
        expect({ upkeepNeeded, targets }).toEqual({ upkeepNeeded: true, targets: [bad.address, good.target] })
        const log = await mined(good.feed.setAnswer(2n))
        const answerUpdated = {
          index: 0n,
          timestamp: 0n,
          txHash: log.hash,
          blockNumber: BigInt(log.blockNumber),
          blockHash: log.blockHash,
          source: log.logs[0].address,
          topics: [...log.logs[0].topics],
          data: log.logs[0].data,
        }
        expect((await g.guard.checkLog(answerUpdated, '0x'))[0]).toBe(true)

        const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
        expect(named(eventsOf(receipt, g.guard).filter((e) => e.name === 'AssetPaused'))).toEqual([
          ['AssetPaused', good.target, Reason.InsufficientReserves, 2n, 100n * TOKEN],
        ])
        // The pause of the bad target does not show: reported, never claimed.
        const [[target, reason, error]] = pauseFailures(g, receipt)
        expect([target, reason]).toEqual([bad.address, Reason.InsufficientReserves])
        expect(g.guard.interface.parseError(error as string)?.args).toEqual([bad.address])
        expect(g.guard.interface.parseError(error as string)?.name).toBe('PauseNotInForce')
        expect(await good.token.pausedOperations()).toBe(Operation.All)
      },
    )

    it.each(undecodable)(
      '%s: a guardian pauses the others by hand, and is told this one did not pause',
      async (_name, behaviour) => {
        const g = await deployGuard(a)
        const bad = await misbehaving(g, pauseMode)
        const good = await protect(g)
        await mined(bad.target.setBehaviour(behaviour, 0n))
        await mined(g.asGuardian.pauseAsset(good.target))
        expect(await good.token.pausedOperations()).toBe(Operation.All)
        // A guardian is told the bad target did not pause.
        expect(
          await revertOf(g.asGuardian.pauseAsset.staticCall(bad.address), g.guard, 'PauseNotInForce'),
        ).toEqual([bad.address])
      },
    )
  })

  it('addAsset refuses a target that does not answer the pause interface its mode declares', async () => {
    const g = await deployGuard(a)
    const feed = await deployMockReserveFeed(a.admin, 8, 100n * TOKEN)
    const weth = await deployWETH9(a.admin)
    const pausable = await deployMockPausableAsset(a.admin, 8, a.adminAddress)
    const secureMint = await deployToken(a.admin, a.adminAddress, feed)
    const silent = await deployMockMisbehavingTarget(a.admin, 1n)
    await mined(silent.setBehaviour(TargetBehaviour.SilentFallback, 0n))
    const wide = await deployMockMisbehavingTarget(a.admin, 1n)
    await mined(wide.setBehaviour(TargetBehaviour.Undecodable, 0n))
    const refused: [string, bigint][] = [
      // WETH9's fallback deposits: under a static call its event makes it revert.
      [await weth.getAddress(), PauseMode.Pausable],
      [await weth.getAddress(), PauseMode.Operations],
      [await feed.getAddress(), PauseMode.Pausable],
      [await silent.getAddress(), PauseMode.Pausable],
      [await silent.getAddress(), PauseMode.Operations],
      [await wide.getAddress(), PauseMode.Pausable],
      [await wide.getAddress(), PauseMode.Operations],
      // Each mode against a contract that only has the other interface.
      [await pausable.getAddress(), PauseMode.Operations],
      [await secureMint.getAddress(), PauseMode.Pausable],
    ]
    for (const [target, pauseMode] of refused) {
      const config = assetConfig({
        reserveFeed: await feed.getAddress(),
        supplySource: await feed.getAddress(),
        pauseMode,
        operations: pauseMode === PauseMode.Operations ? Operation.All : 0n,
      })
      expect(
        await revertOf(g.guard.addAsset.staticCall(target, config), g.guard, 'PauseStateUnreadable'),
      ).toEqual([target, pauseMode])
    }
  })
})

describe('ReserveGuard: a target whose pause() misbehaves', () => {
  /** A misbehaving target (registry index 0) and a SecureMintToken after it (index 1), both short. */
  async function badThenGood(pauseMode: bigint, behaviour: bigint, revertSize = 0n) {
    const g = await deployGuard(a)
    const bad = await misbehaving(g, pauseMode)
    const good = await protect(g)
    await mined(bad.target.setBehaviour(behaviour, revertSize))
    await mined(bad.feed.setAnswer(1n))
    await mined(good.feed.setAnswer(1n))
    const { targets, performData } = await check(g.guard)
    expect(targets).toEqual([bad.address, good.target])
    return { g, bad, good, performData }
  }

  describe.each(modes)('%s mode', (_mode, pauseMode) => {
    it('a pause() that burns its gas costs a bounded amount; the assets after it are paused', async () => {
      const { g, bad, good, performData } = await badThenGood(pauseMode, TargetBehaviour.BurnGas)
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      // Out of gas: no revert data.
      expect(pauseFailures(g, receipt)).toEqual([[bad.address, Reason.InsufficientReserves, '0x']])
      expect(named(eventsOf(receipt, g.guard).filter((e) => e.name === 'AssetPaused'))).toEqual([
        ['AssetPaused', good.target, Reason.InsufficientReserves, 1n, 100n * TOKEN],
      ])
      expect(await good.token.pausedOperations()).toBe(Operation.All)
      // What the burning target took is capped: far below the upkeep's gas limit.
      expect(receipt.gasUsed).toBeLessThan(400_000n)
    })

    it('a pause() reverting with 300 kB of data does not run the upkeep out of gas', async () => {
      const { g, bad, good, performData } = await badThenGood(pauseMode, TargetBehaviour.HugeRevert, 300_000n)
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      // 100,000 gas cannot even pay for the memory of such a revert: it fails out of gas, without data.
      expect(pauseFailures(g, receipt)).toEqual([[bad.address, Reason.InsufficientReserves, '0x']])
      expect(await good.token.pausedOperations()).toBe(Operation.All)
    })

    it('keeps the first 256 bytes of a long revert', async () => {
      const { g, bad, performData } = await badThenGood(pauseMode, TargetBehaviour.HugeRevert, 40_000n)
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      // What the target reverts with when called directly: 40,000 bytes, of which the guard keeps 256.
      const selector = pauseMode === PauseMode.Operations ? 'pauseOperations' : 'pause'
      const args = pauseMode === PauseMode.Operations ? [Operation.All] : []
      const direct = await revertData(
        provider.call({ to: bad.address, data: bad.target.interface.encodeFunctionData(selector, args) }),
      )
      expect(direct.length).toBe(2 + 2 * 40_000)
      expect(pauseFailures(g, receipt)).toEqual([
        [bad.address, Reason.InsufficientReserves, direct.slice(0, 2 + 2 * 256)],
      ])
    })
  })
})
