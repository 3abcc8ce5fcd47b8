/**
 * ReserveGuard when things go wrong at once (issue 9): protected contracts that misbehave after they were
 * registered, many assets short together, a pause that keeps failing. Each case would leave short assets
 * unpaused on the guard before the fix; here every other asset is still paused.
 */
import { ZeroAddress, ZeroHash, type JsonRpcProvider } from 'ethers'
import {
  deployMockMisbehavingTarget,
  deployMockPausableAsset,
  deployMockReserveFeed,
  deployWETH9,
  type MockMisbehavingTarget,
} from '#chain/contracts'
import { eventsOf, mined } from '#chain/events'
import {
  FeedFailure,
  Operation,
  PauseMode,
  Reason,
  Role,
  TargetBehaviour,
  Verdict,
  assetConfig,
  decodePerformData,
  encodeCheckData,
  performDataSize,
  toResult,
} from '#chain/types'
import { localProvider } from '#devkit/local-chain'
import {
  PERFORM_GAS,
  TOKEN,
  actors,
  check,
  deployGuard,
  encodeTargets,
  logStruct,
  named,
  onChainOfItsOwn,
  protect,
  protectTarget,
  reconfigure,
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

/** A {@link protectTarget} asset paused the `pauseMode` way (every operation, or `pause()`). */
const misbehaving = (g: Guard, pauseMode: bigint) =>
  protectTarget(g, { pauseMode, operations: pauseMode === PauseMode.Operations ? Operation.All : 0n })

/** A guard with a misbehaving target (registry index 0, misbehaving as told) and a SecureMintToken after it. */
async function badBeside(pauseMode: bigint, behaviour: bigint, revertSize = 0n) {
  const g = await deployGuard(a)
  const bad = await misbehaving(g, pauseMode)
  const good = await protect(g)
  await mined(bad.target.setBehaviour(behaviour, revertSize))
  return { g, bad, good }
}

/** {@link badBeside} with both assets short, listed by the check in registry order. */
async function badThenGood(pauseMode: bigint, behaviour: bigint, revertSize = 0n) {
  const { g, bad, good } = await badBeside(pauseMode, behaviour, revertSize)
  await mined(bad.feed.setAnswer(1n))
  await mined(good.feed.setAnswer(1n))
  const { targets, performData } = await check(g.guard)
  expect(targets).toEqual([bad.address, good.target])
  return { g, bad, good, performData }
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
        const { g, bad, good } = await badThenGood(pauseMode, behaviour)

        // Views: the asset reads as short and not paused.
        expect(toResult(await g.guard.assetStatus(bad.address))).toMatchObject({
          verdict: Verdict.Short,
          reason: Reason.InsufficientReserves,
        })
        expect(await g.guard.isAssetPaused(bad.address)).toBe(false)
        // The check lists both (the unreadable one counts as not paused), in registry order.
        const { upkeepNeeded, targets, performData } = await check(g.guard)
        expect({ upkeepNeeded, targets }).toEqual({ upkeepNeeded: true, targets: [bad.address, good.target] })
        const answerUpdated = await logStruct(a.provider, await mined(good.feed.setAnswer(2n)))
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
        expect(await good.token.pausedOperations()).toBe(good.config.operations)
      },
    )

    it.each(undecodable)(
      '%s: a guardian pauses the others by hand, and is told this one did not pause',
      async (_name, behaviour) => {
        const { g, bad, good } = await badBeside(pauseMode, behaviour)
        await mined(g.asGuardian.pauseAsset(good.target))
        expect(await good.token.pausedOperations()).toBe(good.config.operations)
        // A guardian is told the bad target did not pause.
        expect(
          await revertOf(g.asGuardian.pauseAsset.staticCall(bad.address), g.guard, 'PauseNotInForce'),
        ).toEqual([bad.address])
      },
    )
    it.each(undecodable)(
      '%s: a hold is not lifted while the guard cannot see what is paused',
      async (_name, behaviour) => {
        const g = await deployGuard(a)
        const bad = await misbehaving(g, pauseMode)
        await mined(g.asGuardian.pauseAsset(bad.address))
        await mined(bad.target.setBehaviour(behaviour, 0n))
        // Refused, not taken for "nothing paused": the guard keeps its hold and its record of its pauses.
        expect(
          await revertOf(
            g.asGuardian.liftGuardianPause.staticCall(bad.address),
            g.guard,
            'PauseStateUnreadable',
          ),
        ).toEqual([bad.address, pauseMode])
        expect([...(await g.guard.pauseHolds(bad.address))].slice(0, 2)).toEqual([false, true])
        // Once the target answers again, the hold lifts and the guard undoes its pause.
        await mined(bad.target.setBehaviour(TargetBehaviour.Normal, 0n))
        await mined(g.asGuardian.liftGuardianPause(bad.address))
        expect(await bad.target.paused()).toBe(false)
        expect(await bad.target.pausedOperations()).toBe(0n)
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
  describe.each(modes)('%s mode', (_mode, pauseMode) => {
    it('a pause() that burns its gas costs a bounded amount; the assets after it are paused', async () => {
      const { g, bad, good, performData } = await badThenGood(pauseMode, TargetBehaviour.BurnGas)
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      // Out of gas: no revert data.
      expect(pauseFailures(g, receipt)).toEqual([[bad.address, Reason.InsufficientReserves, '0x']])
      expect(named(eventsOf(receipt, g.guard).filter((e) => e.name === 'AssetPaused'))).toEqual([
        ['AssetPaused', good.target, Reason.InsufficientReserves, 1n, 100n * TOKEN],
      ])
      expect(await good.token.pausedOperations()).toBe(good.config.operations)
      // What the burning target took is capped: far below the upkeep's gas limit.
      expect(receipt.gasUsed).toBeLessThan(400_000n)
    })

    it('a pause() reverting with 300 kB of data does not run the upkeep out of gas', async () => {
      const { g, bad, good, performData } = await badThenGood(pauseMode, TargetBehaviour.HugeRevert, 300_000n)
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      // 100,000 gas cannot even pay for the memory of such a revert: it fails out of gas, without data.
      expect(pauseFailures(g, receipt)).toEqual([[bad.address, Reason.InsufficientReserves, '0x']])
      expect(await good.token.pausedOperations()).toBe(good.config.operations)
    })

    it('keeps the first 256 bytes of a long revert', async () => {
      const { g, bad, performData } = await badThenGood(pauseMode, TargetBehaviour.HugeRevert, 40_000n)
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      // What the target reverts with when called directly: 40,000 bytes, of which the guard keeps 256.
      const data =
        pauseMode === PauseMode.Operations
          ? bad.target.interface.encodeFunctionData('pauseOperations', [Operation.All])
          : bad.target.interface.encodeFunctionData('pause')
      const direct = await revertData(provider.call({ to: bad.address, data }))
      expect(direct.length).toBe(2 + 2 * 40_000)
      expect(pauseFailures(g, receipt)).toEqual([
        [bad.address, Reason.InsufficientReserves, direct.slice(0, 2 + 2 * 256)],
      ])
    })
  })
})

describe('ReserveGuard: a pause that keeps failing backs off', () => {
  it('after a failure the asset is left alone, while another asset short now is paused at once', async () => {
    const g = await deployGuard(a)
    const refusing = await protect(g, { pauser: false })
    const other = await protect(g)
    await mined(refusing.feed.setAnswer(1n))
    expect((await check(g.guard)).targets).toEqual([refusing.target])

    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([refusing.target]), PERFORM_GAS))
    const block = await provider.getBlock(receipt.blockNumber)
    const retryAfter = BigInt(block!.timestamp) + 60n
    const events = eventsOf(receipt, g.guard)
    expect(events.map((e) => e.name)).toEqual(['AssetPauseFailed', 'AssetPauseBackoff'])
    expect(events[1].args).toEqual([refusing.target, 1n, retryAfter])
    expect([...(await g.guard.pauseBackoff(refusing.target))]).toEqual([1n, retryAfter])

    // Not listed again every block: no upkeep at all while it is the only short asset.
    expect(await check(g.guard)).toMatchObject({ upkeepNeeded: false, targets: [] })
    // Another asset going short is listed and paused at once.
    await mined(other.feed.setAnswer(1n))
    const { targets, performData } = await check(g.guard)
    expect(targets).toEqual([other.target])
    const paused = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
    expect(named(eventsOf(paused, g.guard))).toEqual([
      ['AssetPaused', other.target, Reason.InsufficientReserves, 1n, 100n * TOKEN],
    ])
    // performUpkeep re-checks the backoff: a list naming the asset anyway does nothing.
    const forged = await mined(g.asForwarder.performUpkeep(encodeTargets([refusing.target]), PERFORM_GAS))
    expect(eventsOf(forged, g.guard)).toEqual([])
  })

  it('a guardian clears the backoff once the cause is fixed, and the next upkeep pauses', async () => {
    const g = await deployGuard(a)
    const refusing = await protect(g, { pauser: false })
    await mined(refusing.feed.setAnswer(1n))
    expect(
      await revertOf(g.asGuardian.clearPauseBackoff.staticCall(refusing.target), g.guard, 'NoPauseBackoff'),
    ).toEqual([refusing.target])
    await mined(g.asForwarder.performUpkeep(encodeTargets([refusing.target]), PERFORM_GAS))
    expect((await check(g.guard)).upkeepNeeded).toBe(false)

    await mined(refusing.token.grantRole(Role.PAUSER, g.address))
    const [account, role] = await revertOf(
      g.asStranger.clearPauseBackoff.staticCall(refusing.target),
      g.guard,
      'AccessControlUnauthorizedAccount',
    )
    expect([account, role]).toEqual([await a.stranger.getAddress(), Role.GUARDIAN])
    const cleared = await mined(g.asGuardian.clearPauseBackoff(refusing.target))
    expect(named(eventsOf(cleared, g.guard))).toEqual([
      ['AssetPauseBackoffCleared', refusing.target, await a.guardian.getAddress()],
    ])
    const { targets, performData } = await check(g.guard)
    expect(targets).toEqual([refusing.target])
    await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
    expect(await refusing.token.pausedOperations()).toBe(refusing.config.operations)
    expect([...(await g.guard.pauseBackoff(refusing.target))]).toEqual([0n, 0n])
  })
})

describe('ReserveGuard: the backoff over time (on a chain of its own, whose clock the test moves)', () => {
  const ownChain = onChainOfItsOwn()
  let own: Actors

  beforeAll(() => {
    own = ownChain()
  })

  it('retries after 1 minute, then 2, 4, … doubling up to a day, and never in between', async () => {
    const g = await deployGuard(own)
    const refusing = await protect(g, { pauser: false, config: { heartbeat: 30 * 86_400 } })
    await mined(refusing.feed.setAnswer(1n))
    const forced = encodeTargets([refusing.target])
    const performAt = async (timestamp: bigint) => {
      await own.provider.send('evm_setNextBlockTimestamp', [Number(timestamp)])
      return eventsOf(await mined(g.asForwarder.performUpkeep(forced, PERFORM_GAS)), g.guard)
    }
    let now = BigInt((await own.provider.getBlock('latest'))!.timestamp) + 1n
    const delays: bigint[] = []
    for (let failure = 1n; failure <= 14n; failure++) {
      const events = await performAt(now)
      expect(events.map((e) => e.name)).toEqual(['AssetPauseFailed', 'AssetPauseBackoff'])
      const [, failures, retryAfter] = events[1].args as [string, bigint, bigint]
      expect(failures).toBe(failure)
      delays.push(retryAfter - now)
      // One second early: nothing is tried.
      expect(await performAt(retryAfter - 1n)).toEqual([])
      now = retryAfter
    }
    const minute = 60n
    expect(delays).toEqual([
      ...[1n, 2n, 4n, 8n, 16n, 32n, 64n, 128n, 256n, 512n, 1_024n].map((m) => m * minute),
      86_400n,
      86_400n,
      86_400n,
    ])
    // Updating the asset's configuration forgets the failures.
    await reconfigure(g, refusing.target, refusing.config)
    expect([...(await g.guard.pauseBackoff(refusing.target))]).toEqual([0n, 0n])
  }, 120_000)
})

describe('ReserveGuard: many assets short at once', () => {
  /** Ethereum's and Arbitrum's Automation registries refuse performData above this many bytes. */
  const MAX_PERFORM_DATA_SIZE = 2_000

  /**
   * A guard with `count` assets that all read the same feed, as when every feed goes stale at once under
   * FailClosed: one feed failing makes them all short together.
   */
  async function sharedFeedGuard(count: number) {
    const g = await deployGuard(a)
    const feed = await deployMockReserveFeed(a.admin, 8, 100n * TOKEN)
    const targets: MockMisbehavingTarget[] = []
    for (let i = 0; i < count; i++) {
      const target = await deployMockMisbehavingTarget(a.admin, 100n * TOKEN)
      const address = await target.getAddress()
      await mined(
        g.guard.addAsset(
          address,
          assetConfig({ reserveFeed: await feed.getAddress(), supplySource: address }),
        ),
      )
      targets.push(target)
    }
    return { g, feed, targets, addresses: await Promise.all(targets.map((t) => t.getAddress())) }
  }

  it('64 assets short together: each check stays within 2,000 bytes, and a few upkeeps pause them all', async () => {
    const { g, feed, targets, addresses } = await sharedFeedGuard(64)
    await mined(feed.setFailure(FeedFailure.Revert))
    const maxEntries = await g.guard.DEFAULT_MAX_ENTRIES()
    let upkeeps = 0
    const pausedInOrder: string[] = []
    for (;;) {
      const { upkeepNeeded, targets: listed, performData } = await check(g.guard)
      if (!upkeepNeeded) break
      expect((performData.length - 2) / 2).toBeLessThanOrEqual(performDataSize(maxEntries))
      expect((performData.length - 2) / 2).toBeLessThanOrEqual(MAX_PERFORM_DATA_SIZE)
      expect(listed.length).toBeLessThanOrEqual(Number(maxEntries))
      const receipt = await mined(g.asForwarder.performUpkeep(performData, { gasLimit: 5_000_000 }))
      const paused = eventsOf(receipt, g.guard).filter((e) => e.name === 'AssetPaused')
      pausedInOrder.push(...paused.map((e) => e.args[0] as string))
      upkeeps++
      expect(upkeeps).toBeLessThanOrEqual(4)
    }
    expect(upkeeps).toBe(4)
    expect(pausedInOrder).toEqual(addresses)
    // The builder's default: mint and redeem.
    for (const target of targets)
      expect(await target.pausedOperations()).toBe(Operation.Mint | Operation.Redeem)
  }, 180_000)

  it('checkData bounds a check to fewer entries, for a registry with a smaller limit', async () => {
    const { g, feed, addresses } = await sharedFeedGuard(12)
    await mined(feed.setFailure(FeedFailure.Revert))
    const five = encodeCheckData(5)
    const first = await check(g.guard, five)
    expect(first.targets).toEqual(addresses.slice(0, 5))
    expect((first.performData.length - 2) / 2).toBe(performDataSize(5))
    await mined(g.asForwarder.performUpkeep(first.performData, PERFORM_GAS))
    expect((await check(g.guard, five)).targets).toEqual(addresses.slice(5, 10))
    // The log trigger takes the same checkData.
    const log = await logStruct(a.provider, await mined(feed.setRound(1n, 0n)))
    const [, logPerformData] = (await g.guard.checkLog(log, encodeCheckData(3))) as [boolean, string]
    expect(decodePerformData(logPerformData).map((e) => e.target)).toEqual(addresses.slice(5, 8))
    // Empty checkData: the default bound, here more than the 7 assets left.
    expect((await check(g.guard)).targets).toEqual(addresses.slice(5))
  }, 60_000)

  it('refuses checkData it cannot read, in checkUpkeep and checkLog alike', async () => {
    const { g } = await sharedFeedGuard(1)
    const max = await g.guard.MAX_ENTRIES()
    const anyLog = {
      index: 0n,
      timestamp: 0n,
      txHash: ZeroHash,
      blockNumber: 0n,
      blockHash: ZeroHash,
      source: ZeroAddress,
      topics: [],
      data: '0x',
    }
    for (const checkData of [
      encodeCheckData(0),
      encodeCheckData(max + 1n),
      '0x01',
      encodeCheckData(1) + '00',
    ]) {
      expect(await revertOf(g.guard.checkUpkeep(checkData), g.guard, 'InvalidCheckData')).toEqual([checkData])
      expect(await revertOf(g.guard.checkLog(anyLog, checkData), g.guard, 'InvalidCheckData')).toEqual([
        checkData,
      ])
    }
    expect((await check(g.guard, encodeCheckData(max))).upkeepNeeded).toBe(false)
  })
})
