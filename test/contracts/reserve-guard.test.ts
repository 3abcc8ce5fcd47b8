import { AbiCoder, Wallet, ZeroAddress, ZeroHash, id, type JsonRpcProvider, type Signer } from 'ethers'
import {
  ARTIFACT,
  deployMockMisbehavingTarget,
  deployMockPausableAsset,
  deployMockReserveFeed,
  deployPausableStablecoin,
  type MockPausableAsset,
  type MockReserveFeed,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import { eventsOf, mined } from '#chain/events'
import {
  ASSET_CONFIG_FIELDS,
  FeedFailure,
  Operation,
  PauseMode,
  Reason,
  Role,
  StalePolicy,
  SupplyKind,
  Verdict,
  Hold,
  DEFAULT_PAUSE_GAS,
  MarginMode,
  NO_MARGIN,
  assetConfig,
  marginFromBps,
  toResult,
  type AssetConfig,
} from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import {
  HEARTBEAT,
  PERFORM_GAS,
  TOKEN,
  actors,
  check as checkTargets,
  deployGuard as deployGuardFor,
  encodeTargets,
  logStruct,
  named,
  onChainOfItsOwn,
  protect,
  protectTarget,
  reconfigure,
  unregister,
  type Actors,
  type Asset,
  type AssetOptions,
  type Guard,
} from './guard-fixture'
import { deployToken, latestTimestamp, revertOf, setTokenRules, simulateDeploy, unit } from './helpers'

const coder = AbiCoder.defaultAbiCoder()
/** What the assetConfig builder pauses by default: mint and redeem (burning stays open). */
const DEFAULT_OPERATIONS = Operation.Mint | Operation.Redeem

let provider: JsonRpcProvider
let a: Actors
let admin: Signer
let guardian: Signer
let unpauser: Signer
let stranger: Signer
let adminAddress: string

beforeAll(async () => {
  provider = localProvider()
  a = await actors(provider)
  ;({ admin, guardian, unpauser, stranger, adminAddress } = a)
})

afterAll(() => provider.destroy())

/** A guard administered by `admin`, with the forwarder, guardian and unpauser roles granted. */
const deployGuard = () => deployGuardFor(a)

/** checkUpkeep's answer, with the targets decoded (see the fixture). */
async function check(guard: ReserveGuard): Promise<{ upkeepNeeded: boolean; targets: string[] }> {
  const { upkeepNeeded, targets } = await checkTargets(guard)
  return { upkeepNeeded, targets }
}

describe('ReserveGuard: roles and the forwarder check', () => {
  let g: Guard

  beforeAll(async () => {
    g = await deployGuard()
  })

  it('refuses a zero admin', async () => {
    expect(
      await revertOf(simulateDeploy(admin, ARTIFACT.ReserveGuard, ZeroAddress, 0), g.guard, 'InvalidAdmin'),
    ).toEqual([])
  })

  it('names its roles and gives the deployer only the admin role', async () => {
    expect(await g.guard.FORWARDER_ROLE()).toBe(id('FORWARDER_ROLE'))
    expect(await g.guard.GUARDIAN_ROLE()).toBe(id('GUARDIAN_ROLE'))
    expect(await g.guard.UNPAUSER_ROLE()).toBe(id('UNPAUSER_ROLE'))
    expect(await g.guard.hasRole(await g.guard.DEFAULT_ADMIN_ROLE(), adminAddress)).toBe(true)
    for (const role of ['FORWARDER_ROLE', 'GUARDIAN_ROLE', 'UNPAUSER_ROLE']) {
      expect(await g.guard.hasRole(id(role), adminAddress)).toBe(false)
    }
  })

  it('lets only forwarders perform, as granted and revoked by the admin', async () => {
    const strangerAddress = await stranger.getAddress()
    const data = encodeTargets([])
    expect(
      await revertOf(
        g.asStranger.performUpkeep.staticCall(data),
        g.guard,
        'AccessControlUnauthorizedAccount',
      ),
    ).toEqual([strangerAddress, Role.FORWARDER])
    // Not even the admin or the guardian.
    for (const as of [g.guard, g.asGuardian]) {
      await revertOf(as.performUpkeep.staticCall(data), g.guard, 'AccessControlUnauthorizedAccount')
    }
    await g.asForwarder.performUpkeep.staticCall(data)
    // A second upkeep (say the log trigger) has its own forwarder.
    const receipt = await mined(g.guard.grantRole(Role.FORWARDER, strangerAddress))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['RoleGranted', Role.FORWARDER, strangerAddress, adminAddress],
    ])
    await g.asStranger.performUpkeep.staticCall(data)
    await mined(g.guard.revokeRole(Role.FORWARDER, strangerAddress))
    await revertOf(g.asStranger.performUpkeep.staticCall(data), g.guard, 'AccessControlUnauthorizedAccount')
  })

  it('keeps the registry to the admin, manual pause to guardians and unpause to unpausers', async () => {
    const a = await protect(g)
    const strangerAddress = await stranger.getAddress()
    const adminRole = await g.guard.DEFAULT_ADMIN_ROLE()
    const denied: [Promise<unknown>, string][] = [
      [g.asStranger.addAsset.staticCall(Wallet.createRandom().address, a.config), adminRole],
      [g.asStranger.scheduleAssetUpdate.staticCall(a.target, a.config), adminRole],
      [g.asStranger.updateAsset.staticCall(a.target, a.config), adminRole],
      [g.asStranger.scheduleAssetRemoval.staticCall(a.target), adminRole],
      [g.asStranger.removeAsset.staticCall(a.target), adminRole],
      [g.asGuardian.removeAsset.staticCall(a.target), adminRole],
      [g.asStranger.cancelAssetChange.staticCall(a.target), adminRole],
      [g.asStranger.pauseAsset.staticCall(a.target), Role.GUARDIAN],
      [g.guard.pauseAsset.staticCall(a.target), Role.GUARDIAN],
      [g.asStranger.unpauseAsset.staticCall(a.target), Role.UNPAUSER],
      [g.asGuardian.unpauseAsset.staticCall(a.target), Role.UNPAUSER],
    ]
    for (const [call, role] of denied) {
      const [account, missing] = await revertOf(call, g.guard, 'AccessControlUnauthorizedAccount')
      expect(missing).toBe(role)
      expect([strangerAddress, adminAddress, await guardian.getAddress()]).toContain(account)
    }
    await unregister(g, a.target)
  })
})

describe('ReserveGuard: the asset registry', () => {
  let g: Guard

  beforeEach(async () => {
    g = await deployGuard()
  })

  it('adds, describes, updates and removes assets, with an event for each', async () => {
    const a = await protect(g)
    const b = await protect(g, { config: { ...marginFromBps(250), stalePolicy: StalePolicy.Skip } })
    const c = await protect(g)
    expect(await g.guard.assetCount()).toBe(3n)
    const asTuple = (cfg: AssetConfig) => [
      cfg.reserveFeed,
      cfg.supplyKind,
      cfg.supplySource,
      BigInt(cfg.heartbeat),
      BigInt(cfg.supplyHeartbeat),
      cfg.stalePolicy,
      cfg.marginMode,
      cfg.marginAmount,
      cfg.pauseMode,
      cfg.operations,
      BigInt(cfg.pauseGas),
    ]
    expect([...(await g.guard.assetConfig(b.target))]).toEqual(asTuple(b.config))
    const [atTarget, atConfig] = await g.guard.assetAt(1)
    expect([atTarget, [...atConfig]]).toEqual([b.target, asTuple(b.config)])

    const added = await protect(g)

    const updated = { ...a.config, heartbeat: 60, ...marginFromBps(10), operations: Operation.Mint }
    const receipt = await reconfigure(g, a.target, updated)
    expect(named(eventsOf(receipt, g.guard))).toEqual([['AssetUpdated', a.target, asTuple(updated)]])
    expect([...(await g.guard.assetConfig(a.target))]).toEqual(asTuple(updated))

    // Removing the first asset moves the last one into its place; every other asset keeps its config.
    const removal = await unregister(g, a.target)
    expect(named(eventsOf(removal, g.guard))).toEqual([['AssetRemoved', a.target]])
    expect(await g.guard.assetCount()).toBe(3n)
    expect((await g.guard.assetAt(0))[0]).toBe(added.target)
    expect([...(await g.guard.assetConfig(c.target))]).toEqual(asTuple(c.config))
    expect([...(await g.guard.assetConfig(added.target))]).toEqual(asTuple(added.config))
    for (const call of [
      g.guard.assetConfig(a.target),
      g.guard.scheduleAssetUpdate.staticCall(a.target, a.config),
      g.guard.scheduleAssetRemoval.staticCall(a.target),
      g.guard.assetStatus(a.target),
      g.guard.isAssetPaused(a.target),
      g.asGuardian.pauseAsset.staticCall(a.target),
      g.asUnpauser.unpauseAsset.staticCall(a.target),
    ]) {
      expect(await revertOf(call, g.guard, 'UnknownAsset')).toEqual([a.target])
    }
    // Removing the last one.
    await unregister(g, added.target)
    await unregister(g, c.target)
    expect(await g.guard.assetCount()).toBe(1n)
    expect((await g.guard.assetAt(0))[0]).toBe(b.target)
    expect(await revertOf(g.guard.assetAt(1), g.guard, 'IndexOutOfRange')).toEqual([1n])
  })

  it('reports the configuration it registered', async () => {
    const feed = await deployMockReserveFeed(admin, 8, TOKEN)
    const token = await deployToken(admin, adminAddress, feed)
    const config = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: await token.getAddress(),
    })
    const receipt = await mined(g.guard.addAsset(token.target, config))
    const [event] = eventsOf(receipt, g.guard)
    expect(event.name).toBe('AssetAdded')
    expect(event.args[0]).toBe(await token.getAddress())
    expect([...(event.args[1] as unknown[])]).toEqual([
      config.reserveFeed,
      SupplyKind.TokenTotalSupply,
      config.supplySource,
      86_400n,
      0n,
      StalePolicy.FailClosed,
      MarginMode.None,
      0n,
      PauseMode.Operations,
      DEFAULT_OPERATIONS,
      BigInt(DEFAULT_PAUSE_GAS),
    ])
    expect(
      await revertOf(g.guard.addAsset.staticCall(token.target, config), g.guard, 'AssetAlreadyRegistered'),
    ).toEqual([await token.getAddress()])
  })

  it('refuses configurations it could not act on', async () => {
    const feed = await deployMockReserveFeed(admin, 8, TOKEN)
    const token = await deployToken(admin, adminAddress, feed)
    const good = assetConfig({ reserveFeed: await feed.getAddress(), supplySource: await token.getAddress() })
    const eoa = Wallet.createRandom().address
    const refuse = async (target: string, config: AssetConfig, error: string) =>
      revertOf(g.guard.addAsset.staticCall(target, config), g.guard, error)
    expect(await refuse(eoa, good, 'NotAContract')).toEqual([eoa])
    expect(await refuse(String(token.target), { ...good, reserveFeed: eoa }, 'NotAContract')).toEqual([eoa])
    expect(await refuse(String(token.target), { ...good, supplySource: eoa }, 'NotAContract')).toEqual([eoa])
    expect(await refuse(String(token.target), { ...good, heartbeat: 0 }, 'InvalidHeartbeat')).toEqual([])
    const masks: [bigint, bigint][] = [
      [PauseMode.Operations, 0n],
      [PauseMode.Operations, 8n],
      [PauseMode.Operations, 0xffn],
      [PauseMode.Pausable, Operation.Mint],
    ]
    for (const [pauseMode, operations] of masks) {
      expect(
        await refuse(String(token.target), { ...good, pauseMode, operations }, 'InvalidOperationMask'),
      ).toEqual([pauseMode, operations])
    }
    // Decimals are read now and kept: a feed (or supply source) whose decimals() cannot be read is refused.
    // (On a target that is not a SecureMintToken, which would refuse any feed but its own first.)
    const plain = String((await deployMockPausableAsset(admin, 8, adminAddress)).target)
    const plainConfig = { ...good, pauseMode: PauseMode.Pausable, operations: 0n }
    const broken = await deployMockReserveFeed(admin, 8, TOKEN)
    for (const failure of [FeedFailure.RevertDecimals, FeedFailure.OversizedDecimals]) {
      await mined(broken.setFailure(failure))
      const address = await broken.getAddress()
      expect(await refuse(plain, { ...plainConfig, reserveFeed: address }, 'DecimalsUnreadable')).toEqual([
        address,
      ])
      const supplyFeed = {
        ...plainConfig,
        supplyKind: SupplyKind.SupplyFeed,
        supplySource: address,
        supplyHeartbeat: 86_400,
      }
      expect(await refuse(plain, supplyFeed, 'DecimalsUnreadable')).toEqual([address])
    }
    // A supply feed has a heartbeat of its own; a token's totalSupply() is read live and has none.
    const supplyFeed = { ...good, supplyKind: SupplyKind.SupplyFeed, supplySource: await feed.getAddress() }
    expect(await refuse(String(token.target), supplyFeed, 'InvalidSupplyHeartbeat')).toEqual([
      SupplyKind.SupplyFeed,
      0n,
    ])
    expect(
      await refuse(String(token.target), { ...good, supplyHeartbeat: 60 }, 'InvalidSupplyHeartbeat'),
    ).toEqual([SupplyKind.TokenTotalSupply, 60n])
    await g.guard.addAsset.staticCall(token.target, good)
  })

  it("takes ACE's margin modes within ACE's bounds; a negative one only as a scheduled update", async () => {
    const asset = await protectTarget(g)
    const { address, config } = asset
    for (const [marginMode, marginAmount] of [
      [MarginMode.PositivePercentage, 10_001n],
      [MarginMode.NegativePercentage, 10_001n],
      [MarginMode.PositiveAbsolute, 0n],
      [MarginMode.NegativeAbsolute, 0n],
      [MarginMode.None, 1n],
    ]) {
      expect(
        await revertOf(
          g.guard.scheduleAssetUpdate.staticCall(address, { ...config, marginMode, marginAmount }),
          g.guard,
          'InvalidMargin',
        ),
      ).toEqual([marginMode, marginAmount])
    }
    // Letting the supply exceed the reserves never applies at once: addAsset refuses it, an update (after the
    // admin delay, here 0, with its event) applies it.
    const negative = { ...config, marginMode: MarginMode.NegativeAbsolute, marginAmount: 5n * TOKEN }
    const fresh = await deployMockMisbehavingTarget(admin, 100n * TOKEN)
    const freshConfig = { ...negative, supplySource: await fresh.getAddress() }
    for (const marginMode of [MarginMode.NegativeAbsolute, MarginMode.NegativePercentage]) {
      expect(
        await revertOf(
          g.guard.addAsset.staticCall(fresh.target, { ...freshConfig, marginMode }),
          g.guard,
          'NegativeMarginNotScheduled',
        ),
      ).toEqual([marginMode])
    }
    // 100 tokens of supply on 96 of reserves: short with no margin, backed within 5 tokens above the reserves.
    await mined(asset.feed.setAnswer(96n * TOKEN))
    expect((await check(g.guard)).targets).toEqual([address])
    const receipt = await reconfigure(g, address, negative)
    expect(named(eventsOf(receipt, g.guard))[0][0]).toBe('AssetUpdated')
    expect(toResult(await g.guard.assetStatus(address))).toMatchObject({ verdict: Verdict.Backed })
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
    await mined(asset.feed.setAnswer(95n * TOKEN - 1n))
    expect((await check(g.guard)).targets).toEqual([address])
    await unregister(g, address)
  })

  it("judges a SecureMintToken by the token's own rules only: a mismatch is refused", async () => {
    const feed = await deployMockReserveFeed(admin, 8, TOKEN)
    const other = await deployMockReserveFeed(admin, 8, TOKEN)
    const margin = marginFromBps(50)
    const token = await deployToken(admin, adminAddress, feed, 3_600, margin)
    const target = await token.getAddress()
    const own = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: target,
      heartbeat: 3_600,
      ...margin,
    })
    const tokenRules = [target, own.reserveFeed, 3_600n, margin.marginMode, margin.marginAmount]
    for (const mismatch of [
      { reserveFeed: await other.getAddress() },
      { heartbeat: 3_601 },
      NO_MARGIN,
      { marginAmount: margin.marginAmount + 1n },
      { marginMode: MarginMode.PositiveAbsolute },
    ]) {
      expect(
        await revertOf(
          g.guard.addAsset.staticCall(target, { ...own, ...mismatch }),
          g.guard,
          'TokenRulesMismatch',
        ),
      ).toEqual(tokenRules)
    }
    await mined(g.guard.addAsset(target, own))
    // An update must keep them too, when scheduled and when applied.
    const looser = { ...own, ...NO_MARGIN }
    expect(
      await revertOf(g.guard.scheduleAssetUpdate.staticCall(target, looser), g.guard, 'TokenRulesMismatch'),
    ).toEqual(tokenRules)
    await setTokenRules(token, own.reserveFeed, 3_600, NO_MARGIN)
    await mined(g.guard.scheduleAssetUpdate(target, looser))
    await setTokenRules(token, own.reserveFeed, 3_600, margin)
    expect(
      await revertOf(g.guard.updateAsset.staticCall(target, looser), g.guard, 'TokenRulesMismatch'),
    ).toEqual(tokenRules)
    // A target that is not a SecureMintToken has no rules of its own to compare.
    const asset = await deployMockPausableAsset(admin, 8, adminAddress)
    const plain = {
      ...own,
      supplySource: await asset.getAddress(),
      pauseMode: PauseMode.Pausable,
      operations: 0n,
    }
    await g.guard.addAsset.staticCall(asset.target, plain)
    await unregister(g, target)
  })

  it(`holds at most MAX_ASSETS assets`, async () => {
    const max = await g.guard.MAX_ASSETS()
    expect(max).toBe(64n)
    const feed = await deployMockReserveFeed(admin, 8, TOKEN)
    const config = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: await feed.getAddress(),
    })
    // Any contract answering pausedOperations() can be a target.
    for (let i = 0n; i < max; i++) {
      const target = await deployMockMisbehavingTarget(admin, 1n)
      await mined(g.guard.addAsset(target.target, config))
    }
    const extra = await deployMockMisbehavingTarget(admin, 1n)
    expect(
      await revertOf(g.guard.addAsset.staticCall(extra.target, config), g.guard, 'TooManyAssets'),
    ).toEqual([max])
  }, 120_000)
})

describe('ReserveGuard: the reserve rules, through checkUpkeep and performUpkeep', () => {
  let g: Guard

  beforeAll(async () => {
    g = await deployGuard()
  })

  afterEach(async () => {
    // Each test leaves an empty registry to the next.
    while ((await g.guard.assetCount()) > 0n) await unregister(g, (await g.guard.assetAt(0))[0])
  })

  /** Sets the asset's feed up for the case. */
  type Break = (a: Asset, now: bigint) => Promise<unknown>

  const shortCases: [string, Break, bigint, AssetOptions][] = [
    [
      'reserves below supply',
      (a) => mined(a.feed.setAnswer(100n * TOKEN - 1n)),
      Reason.InsufficientReserves,
      {},
    ],
    ['reserve answer 0', (a) => mined(a.feed.setAnswer(0n)), Reason.NonPositiveReserves, {}],
    ['reserve answer negative', (a) => mined(a.feed.setAnswer(-5n)), Reason.NonPositiveReserves, {}],
    ['updatedAt 0', (a) => mined(a.feed.setRound(200n * TOKEN, 0n)), Reason.InvalidReserveTimestamp, {}],
    [
      'updatedAt in the future',
      (a, now) => mined(a.feed.setRound(200n * TOKEN, now + 3_600n)),
      Reason.InvalidReserveTimestamp,
      {},
    ],
    [
      'stale reserves, fail-closed',
      (a, now) => mined(a.feed.setRound(200n * TOKEN, now - HEARTBEAT - 60n)),
      Reason.StaleReserves,
      {},
    ],
    ['feed reverts', (a) => mined(a.feed.setFailure(FeedFailure.Revert)), Reason.ReserveFeedFailed, {}],
    [
      'feed returns too little',
      (a) => mined(a.feed.setFailure(FeedFailure.ShortReturn)),
      Reason.ReserveFeedFailed,
      {},
    ],
    [
      'reserves below supply plus margin',
      (a) => mined(a.feed.setAnswer(102n * TOKEN - 1n)),
      Reason.InsufficientReserves,
      { config: marginFromBps(200) },
    ],
  ]

  // Every row has the same arity: Jest takes a test function with more parameters than the row for a
  // callback-style test, and waits for a `done` that never comes.
  it.each(shortCases)(
    '%s: listed, paused with an event, then no longer listed',
    async (_n, breakIt, reason, options) => {
      const a = await protect(g, { reserves: 200n * TOKEN, ...options })
      expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
      await breakIt(a, await latestTimestamp(provider))
      const status = toResult(await g.guard.assetStatus(a.target))
      expect([status.verdict, status.reason]).toEqual([Verdict.Short, reason])
      const { upkeepNeeded, targets } = await check(g.guard)
      expect({ upkeepNeeded, targets }).toEqual({ upkeepNeeded: true, targets: [a.target] })

      const [, performData] = (await g.guard.checkUpkeep('0x')) as [boolean, string]
      const receipt = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
      expect(named(eventsOf(receipt, g.guard))).toEqual([
        ['AssetPaused', a.target, reason, status.reserves, status.supply],
      ])
      expect(named(eventsOf(receipt, a.token))).toEqual([
        ['OperationsPaused', await g.guard.getAddress(), DEFAULT_OPERATIONS, DEFAULT_OPERATIONS],
      ])
      expect(await a.token.pausedOperations()).toBe(DEFAULT_OPERATIONS)
      expect(await g.guard.isAssetPaused(a.target)).toBe(true)
      // No flicker: still short, but paused, so no upkeep.
      expect(toResult(await g.guard.assetStatus(a.target)).verdict).toBe(Verdict.Short)
      expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
    },
  )

  it('reports the reserves and supply it decided on', async () => {
    const a = await protect(g, { reserves: 200n * TOKEN, supply: 150n * TOKEN })
    await mined(a.feed.setAnswer(149n * TOKEN))
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['AssetPaused', a.target, Reason.InsufficientReserves, 149n * TOKEN, 150n * TOKEN],
    ])
  })

  it('a supply source that cannot be read is short', async () => {
    // A feed has no totalSupply(): as a TokenTotalSupply source it cannot be read.
    const a = await protect(g)
    await reconfigure(g, a.target, { ...a.config, supplySource: a.config.reserveFeed })
    expect(toResult(await g.guard.assetStatus(a.target))).toMatchObject({
      verdict: Verdict.Short,
      reason: Reason.SupplyFailed,
    })
    expect((await check(g.guard)).targets).toEqual([a.target])
  })

  it('reads the decimals at every check: a feed whose decimals() fails later is a failed read, short', async () => {
    const a = await protect(g)
    await mined(a.feed.setFailure(FeedFailure.RevertDecimals))
    // No reading: short under fail-closed, as the token's own check says.
    expect(toResult(await g.guard.assetStatus(a.target))).toMatchObject({
      verdict: Verdict.Short,
      reason: Reason.ReserveFeedFailed,
    })
    expect(toResult(await a.token.reserveStatus(0n))).toMatchObject({
      verdict: Verdict.Short,
      reason: Reason.ReserveFeedFailed,
    })
    expect((await check(g.guard)).targets).toEqual([a.target])
    // The decimals the check uses are read now, so they must be readable.
    const feed = await a.feed.getAddress()
    expect(await revertOf(g.guard.assetDecimals(a.target), g.guard, 'DecimalsUnreadable')).toEqual([feed])
  })

  it('a feed whose decimals change is judged in its new decimals at once, never more leniently than the token (issue 18, finding 5)', async () => {
    const a = await protect(g)
    let now = await latestTimestamp(provider)
    // The feed moves from 8 to 18 decimals, one wei short. Read in the 8 decimals of registration, a vast
    // reserve: the guard kept those, said Backed and listed nothing while the token refused to mint.
    await mined(a.feed.setState(18, 100n * unit(18) - 1n, now))
    expect(toResult(await a.token.reserveStatus(0n))).toMatchObject({
      verdict: Verdict.Short,
      reason: Reason.InsufficientReserves,
    })
    expect(toResult(await g.guard.assetStatus(a.target))).toMatchObject({
      verdict: Verdict.Short,
      reason: Reason.InsufficientReserves,
    })
    expect([...(await g.guard.assetDecimals(a.target))]).toEqual([18n, 8n])
    expect((await check(g.guard)).targets).toEqual([a.target])
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(await g.guard.isAssetPaused(a.target)).toBe(true)
    // Back to 8 decimals and backed: the unpauser lifts the pause, nothing to sync.
    now = await latestTimestamp(provider)
    await mined(a.feed.setState(8, 100n * TOKEN, now))
    await mined(g.asUnpauser.unpauseAsset(a.target))
    expect(await g.guard.isAssetPaused(a.target)).toBe(false)
  })

  it('stale data under the skip policy: no decision, not listed, not paused even when performData says so', async () => {
    const a = await protect(g, { config: { stalePolicy: StalePolicy.Skip } })
    const now = await latestTimestamp(provider)
    await mined(a.feed.setRound(100n * TOKEN, now - HEARTBEAT - 60n))
    expect(toResult(await g.guard.assetStatus(a.target))).toEqual({
      verdict: Verdict.Skipped,
      reason: Reason.StaleReserves,
      reserves: 100n * TOKEN,
      supply: 100n * TOKEN,
    })
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(eventsOf(receipt, g.guard)).toEqual([])
    expect(await a.token.pausedOperations()).toBe(0n)
    // Hard failures still count under skip.
    await mined(a.feed.setRound(0n, now - HEARTBEAT - 60n))
    expect((await check(g.guard)).targets).toEqual([a.target])
  })

  it('an 18-decimal Pausable asset against an 8-decimal feed', async () => {
    const asset = await deployMockPausableAsset(admin, 18, adminAddress)
    await mined(asset.grantRole(await asset.PAUSER_ROLE(), await g.guard.getAddress()))
    await mined(asset.mint(adminAddress, 5n * unit(18)))
    const feed = await deployMockReserveFeed(admin, 8, 5n * TOKEN)
    const config = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: await asset.getAddress(),
      pauseMode: PauseMode.Pausable,
      operations: 0n,
    })
    await mined(g.guard.addAsset(asset.target, config))
    expect(toResult(await g.guard.assetStatus(asset.target)).verdict).toBe(Verdict.Backed)
    // One wei of supply more than the reserves cover.
    await mined(asset.mint(adminAddress, 1n))
    expect(toResult(await g.guard.assetStatus(asset.target))).toEqual({
      verdict: Verdict.Short,
      reason: Reason.InsufficientReserves,
      reserves: 5n * TOKEN,
      supply: 5n * unit(18) + 1n,
    })
    const { targets } = await check(g.guard)
    expect(targets).toEqual([await asset.getAddress()])
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets(targets), PERFORM_GAS))
    expect(named(eventsOf(receipt, asset))).toEqual([['Paused', await g.guard.getAddress()]])
    expect(await asset.paused()).toBe(true)
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
    // Backed again: the unpauser unpauses through the guard.
    await mined(asset.burn(adminAddress, 1n))
    const unpaused = await mined(g.asUnpauser.unpauseAsset(asset.target))
    expect(named(eventsOf(unpaused, asset))).toEqual([['Unpaused', await g.guard.getAddress()]])
    expect(await asset.paused()).toBe(false)
  })

  describe('with a supply feed (an asset spread over many chains)', () => {
    /** The supply feed's own heartbeat: a slower cadence than the reserve feed's {@link HEARTBEAT}. */
    const SUPPLY_HEARTBEAT = 4n * HEARTBEAT

    async function withSupplyFeed(
      stalePolicy: bigint = StalePolicy.FailClosed,
      supplyHeartbeat: bigint = SUPPLY_HEARTBEAT,
    ) {
      const supplyFeed = await deployMockReserveFeed(admin, 18, 100n * unit(18))
      const a = await protect(g, {
        config: {
          supplyKind: SupplyKind.SupplyFeed,
          supplyHeartbeat: Number(supplyHeartbeat),
          stalePolicy,
        },
        reserves: 100n * TOKEN,
      })
      await reconfigure(g, a.target, { ...a.config, supplySource: await supplyFeed.getAddress() })
      return { a, supplyFeed }
    }

    it('judges each feed by its own heartbeat, whichever is the slower', async () => {
      // A supply feed slower than the reserve feed: older than the reserve heartbeat is still fresh.
      const slow = await withSupplyFeed()
      expect((await g.guard.assetConfig(slow.a.target)).supplyHeartbeat).toBe(SUPPLY_HEARTBEAT)
      let now = await latestTimestamp(provider)
      await mined(slow.supplyFeed.setRound(100n * unit(18), now - SUPPLY_HEARTBEAT + 60n))
      expect(toResult(await g.guard.assetStatus(slow.a.target)).verdict).toBe(Verdict.Backed)
      now = await latestTimestamp(provider)
      await mined(slow.supplyFeed.setRound(100n * unit(18), now - SUPPLY_HEARTBEAT - 60n))
      expect(toResult(await g.guard.assetStatus(slow.a.target)).reason).toBe(Reason.StaleSupply)
      // A supply feed faster than the reserve feed: younger than the reserve heartbeat can be stale.
      const fast = await withSupplyFeed(StalePolicy.FailClosed, HEARTBEAT / 4n)
      now = await latestTimestamp(provider)
      await mined(fast.supplyFeed.setRound(100n * unit(18), now - HEARTBEAT / 4n - 60n))
      expect(toResult(await g.guard.assetStatus(fast.a.target)).reason).toBe(Reason.StaleSupply)
      expect((await check(g.guard)).targets).toEqual([slow.a.target, fast.a.target])
      // The reserve feed keeps its own heartbeat, however slow the supply feed.
      now = await latestTimestamp(provider)
      await mined(slow.supplyFeed.setRound(100n * unit(18), now))
      await mined(slow.a.feed.setRound(100n * TOKEN, now - HEARTBEAT - 60n))
      expect(toResult(await g.guard.assetStatus(slow.a.target)).reason).toBe(Reason.StaleReserves)
    })

    it('compares the reserves with the supply feed, scaled to its 18 decimals', async () => {
      const { a, supplyFeed } = await withSupplyFeed()
      expect(toResult(await g.guard.assetStatus(a.target))).toEqual({
        verdict: Verdict.Backed,
        reason: Reason.None,
        reserves: 100n * TOKEN,
        supply: 100n * unit(18),
      })
      await mined(supplyFeed.setAnswer(100n * unit(18) + 1n))
      expect(toResult(await g.guard.assetStatus(a.target)).reason).toBe(Reason.InsufficientReserves)
      await mined(supplyFeed.setAnswer(0n))
      expect(toResult(await g.guard.assetStatus(a.target)).verdict).toBe(Verdict.Backed)
    })

    it.each([
      ['a negative supply', (f: MockReserveFeed) => mined(f.setAnswer(-1n)), Reason.NegativeSupply],
      [
        'a supply feed that reverts',
        (f: MockReserveFeed) => mined(f.setFailure(FeedFailure.Revert)),
        Reason.SupplyFailed,
      ],
      [
        'supply updatedAt 0',
        (f: MockReserveFeed) => mined(f.setRound(1n, 0n)),
        Reason.InvalidSupplyTimestamp,
      ],
      [
        'supply updatedAt in the future',
        async (f: MockReserveFeed) => mined(f.setRound(1n, (await latestTimestamp(provider)) + 3_600n)),
        Reason.InvalidSupplyTimestamp,
      ],
      [
        'a stale supply feed (fail-closed)',
        async (f: MockReserveFeed) =>
          mined(f.setRound(1n, (await latestTimestamp(provider)) - SUPPLY_HEARTBEAT - 60n)),
        Reason.StaleSupply,
      ],
    ])('%s is short', async (_name, breakIt, reason) => {
      const { a, supplyFeed } = await withSupplyFeed()
      await breakIt(supplyFeed)
      expect(toResult(await g.guard.assetStatus(a.target))).toMatchObject({ verdict: Verdict.Short, reason })
      expect((await check(g.guard)).targets).toEqual([a.target])
    })

    it('a stale supply feed under the skip policy is skipped', async () => {
      const { a, supplyFeed } = await withSupplyFeed(StalePolicy.Skip)
      await mined(supplyFeed.setRound(1n, (await latestTimestamp(provider)) - SUPPLY_HEARTBEAT - 60n))
      expect(toResult(await g.guard.assetStatus(a.target))).toMatchObject({
        verdict: Verdict.Skipped,
        reason: Reason.StaleSupply,
      })
      expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
    })
  })
})

describe('ReserveGuard: performUpkeep trusts nothing in performData', () => {
  let g: Guard

  beforeEach(async () => {
    g = await deployGuard()
  })

  it('pauses only the registered, short, unpaused targets, each once', async () => {
    const healthy = await protect(g)
    const short = await protect(g)
    const skipped = await protect(g, { config: { stalePolicy: StalePolicy.Skip } })
    await mined(short.feed.setAnswer(1n))
    await mined(skipped.feed.setRound(100n * TOKEN, (await latestTimestamp(provider)) - HEARTBEAT - 60n))
    const unknown = Wallet.createRandom().address
    const data = encodeTargets([
      unknown,
      healthy.target,
      short.target,
      skipped.target,
      short.target,
      ZeroAddress,
    ])
    const receipt = await mined(g.asForwarder.performUpkeep(data, PERFORM_GAS))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['AssetPaused', short.target, Reason.InsufficientReserves, 1n, 100n * TOKEN],
    ])
    expect(await short.token.pausedOperations()).toBe(DEFAULT_OPERATIONS)
    expect(await healthy.token.pausedOperations()).toBe(0n)
    expect(await skipped.token.pausedOperations()).toBe(0n)
  })

  it('treats index hints as hints: the named target is checked, wherever the hint points', async () => {
    const short = await protect(g)
    const healthy = await protect(g)
    await mined(short.feed.setAnswer(1n))
    // The healthy target with the short asset's index (0): only the healthy one is looked at.
    let receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([healthy.target], [0n]), PERFORM_GAS))
    expect(receipt.logs).toEqual([])
    // A zero target with the index of an empty slot, and a hint far past the end.
    receipt = await mined(
      g.asForwarder.performUpkeep(
        encodeTargets([ZeroAddress, healthy.target], [7n, 2n ** 96n - 1n]),
        PERFORM_GAS,
      ),
    )
    expect(receipt.logs).toEqual([])
    // The short target with a wrong hint is found by lookup.
    receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([short.target], [1n]), PERFORM_GAS))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['AssetPaused', short.target, Reason.InsufficientReserves, 1n, 100n * TOKEN],
    ])
  })

  it('does nothing when the asset recovered between check and perform', async () => {
    const a = await protect(g)
    await mined(a.feed.setAnswer(1n))
    const { targets } = await check(g.guard)
    expect(targets).toEqual([a.target])
    await mined(a.feed.setAnswer(100n * TOKEN))
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets(targets), PERFORM_GAS))
    expect(receipt.logs).toEqual([])
    expect(await a.token.pausedOperations()).toBe(0n)
  })

  it('does nothing for an asset already paused, and accepts an empty list', async () => {
    const a = await protect(g)
    await mined(a.feed.setAnswer(1n))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    for (const data of [encodeTargets([a.target]), encodeTargets([])]) {
      const receipt = await mined(g.asForwarder.performUpkeep(data, PERFORM_GAS))
      expect(receipt.logs).toEqual([])
    }
  })

  it('rejects performData that is not an entry list', async () => {
    const entry = encodeTargets([ZeroAddress])
    const words = (...values: bigint[]) =>
      coder.encode(
        values.map(() => 'uint256'),
        values,
      )
    for (const data of [
      '0x',
      '0x1234',
      coder.encode(['uint256'], [5n]),
      coder.encode(['uint256'], [32n]),
      // A well-formed list but for its offset.
      `0x${'0'.repeat(62)}40${entry.slice(66)}`,
      // A count larger than the entries present, and smaller (trailing bytes).
      words(32n, 2n, 7n),
      words(32n, 1n, 7n, 8n),
      // An absurd count, which must not overflow the length it implies.
      words(32n, 2n ** 251n, 7n),
    ]) {
      expect(
        await revertOf(g.asForwarder.performUpkeep.staticCall(data), g.guard, 'InvalidPerformData'),
      ).toEqual([])
    }
  })

  it('pauses what is still short among several, and checkUpkeep lists exactly those', async () => {
    const assets = [await protect(g), await protect(g), await protect(g), await protect(g)]
    await mined(assets[1].feed.setAnswer(1n))
    await mined(assets[3].feed.setFailure(FeedFailure.Revert))
    const { upkeepNeeded, targets } = await check(g.guard)
    expect({ upkeepNeeded, targets }).toEqual({
      upkeepNeeded: true,
      targets: [assets[1].target, assets[3].target],
    })
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets(targets), PERFORM_GAS))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['AssetPaused', assets[1].target, Reason.InsufficientReserves, 1n, 100n * TOKEN],
      ['AssetPaused', assets[3].target, Reason.ReserveFeedFailed, 0n, 100n * TOKEN],
    ])
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
  })

  it('reports a pause that reverts, backs off, and pauses once the role is granted and the backoff cleared', async () => {
    const a = await protect(g, { pauser: false })
    await mined(a.feed.setAnswer(1n))
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    const [event] = eventsOf(receipt, g.guard)
    expect(event.name).toBe('AssetPauseFailed')
    expect(event.args.slice(0, 2)).toEqual([a.target, Reason.InsufficientReserves])
    const error = a.token.interface.parseError(event.args[2] as string)
    expect([error?.name, ...(error?.args ?? [])]).toEqual([
      'AccessControlUnauthorizedAccount',
      await g.guard.getAddress(),
      Role.PAUSER,
    ])
    // Backing off (reserve-guard-failures.test.ts has the schedule): not listed, and not tried.
    expect((await check(g.guard)).targets).toEqual([])
    await mined(a.token.grantRole(Role.PAUSER, await g.guard.getAddress()))
    await mined(g.asGuardian.clearPauseBackoff(a.target))
    expect((await check(g.guard)).targets).toEqual([a.target])
    const retry = await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(named(eventsOf(retry, g.guard))[0][0]).toBe('AssetPaused')
  })

  it('never pauses a healthy asset for lack of gas, whatever the gas limit', async () => {
    const a = await protect(g)
    const data = encodeTargets([a.target])
    for (let gasLimit = 30_000; gasLimit <= 200_000; gasLimit += 2_500) {
      try {
        await (await g.asForwarder.performUpkeep(data, { gasLimit })).wait()
      } catch {
        // Out of gas outright: nothing happened.
      }
      expect([gasLimit, await a.token.pausedOperations()]).toEqual([gasLimit, 0n])
    }
  })

  it('stops when its gas runs low and leaves the rest to the next upkeep', async () => {
    const assets = [await protect(g), await protect(g), await protect(g), await protect(g)]
    for (const a of assets) await mined(a.feed.setAnswer(1n))
    const [, performData] = (await g.guard.checkUpkeep('0x')) as [boolean, string]
    // Enough for the first asset or two, not for four.
    const gasLimit = (await g.guard.MIN_GAS_PER_ASSET()) + 120_000n
    const receipt = await (await g.asForwarder.performUpkeep(performData, { gasLimit })).wait()
    const events = eventsOf(receipt!, g.guard)
    const paused = events.filter((e) => e.name === 'AssetPaused').map((e) => e.args[0])
    expect(paused.length).toBeGreaterThan(0)
    expect(paused.length).toBeLessThan(4)
    expect(paused).toEqual(assets.slice(0, paused.length).map((a) => a.target))
    expect(named(events.filter((e) => e.name === 'PerformGasExhausted'))).toEqual([
      ['PerformGasExhausted', BigInt(paused.length), 4n],
    ])
    const rest = assets.slice(paused.length).map((a) => a.target)
    expect(await check(g.guard)).toEqual({ upkeepNeeded: true, targets: rest })
    const [, next] = (await g.guard.checkUpkeep('0x')) as [boolean, string]
    await mined(g.asForwarder.performUpkeep(next, PERFORM_GAS))
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
  })

  it('pauses again when someone unpauses the token directly while it is still short', async () => {
    const a = await protect(g)
    await mined(a.feed.setAnswer(1n))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    await mined(a.token.grantRole(Role.PAUSER, adminAddress))
    await mined(a.token.unpauseOperations(Operation.Redeem))
    expect(await g.guard.isAssetPaused(a.target)).toBe(false)
    expect((await check(g.guard)).targets).toEqual([a.target])
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(await a.token.pausedOperations()).toBe(DEFAULT_OPERATIONS)
  })

  it('pauses only the operations configured for the asset', async () => {
    const a = await protect(g, { config: { operations: Operation.Mint } })
    await mined(a.feed.setAnswer(1n))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(await a.token.pausedOperations()).toBe(Operation.Mint)
    expect(await g.guard.isAssetPaused(a.target)).toBe(true)
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
  })
})

describe('ReserveGuard: guardian pause and unpauser decision', () => {
  let g: Guard

  beforeAll(async () => {
    g = await deployGuard()
  })

  it('a guardian pauses a healthy asset by hand, once, and only a guardian lifts it', async () => {
    const a = await protect(g)
    const receipt = await mined(g.asGuardian.pauseAsset(a.target))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['AssetPausedByGuardian', a.target, await guardian.getAddress()],
    ])
    expect(await a.token.pausedOperations()).toBe(DEFAULT_OPERATIONS)
    expect([...(await g.guard.pauseHolds(a.target))]).toEqual([false, true, DEFAULT_OPERATIONS])
    expect(
      await revertOf(g.asGuardian.pauseAsset.staticCall(a.target), g.guard, 'AssetAlreadyPaused'),
    ).toEqual([a.target])
    // The unpauser lifts the upkeep's pauses, not a guardian's.
    expect(await revertOf(g.asUnpauser.unpauseAsset.staticCall(a.target), g.guard, 'NotHeld')).toEqual([
      a.target,
      Hold.Upkeep,
    ])
    const lifted = await mined(g.asGuardian.liftGuardianPause(a.target))
    expect(named(eventsOf(lifted, g.guard))).toEqual([
      ['AssetUnpaused', a.target, await guardian.getAddress(), 100n * TOKEN, 100n * TOKEN],
    ])
    expect(await a.token.pausedOperations()).toBe(0n)
    expect([...(await g.guard.pauseHolds(a.target))]).toEqual([false, false, 0n])
    expect(await revertOf(g.asGuardian.liftGuardianPause.staticCall(a.target), g.guard, 'NotHeld')).toEqual([
      a.target,
      Hold.Guardian,
    ])
  })

  it('unpausing is refused while short or stale-skipped, and allowed once backed', async () => {
    const a = await protect(g, { config: { stalePolicy: StalePolicy.Skip } })
    expect(await revertOf(g.asUnpauser.unpauseAsset.staticCall(a.target), g.guard, 'NotHeld')).toEqual([
      a.target,
      Hold.Upkeep,
    ])
    await mined(a.feed.setAnswer(90n * TOKEN))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect([...(await g.guard.pauseHolds(a.target))]).toEqual([true, false, DEFAULT_OPERATIONS])
    expect(await revertOf(g.asUnpauser.unpauseAsset.staticCall(a.target), g.guard, 'AssetNotBacked')).toEqual(
      [a.target, Verdict.Short, Reason.InsufficientReserves, 90n * TOKEN, 100n * TOKEN],
    )
    const now = await latestTimestamp(provider)
    await mined(a.feed.setRound(100n * TOKEN, now - HEARTBEAT - 60n))
    expect(await revertOf(g.asUnpauser.unpauseAsset.staticCall(a.target), g.guard, 'AssetNotBacked')).toEqual(
      [a.target, Verdict.Skipped, Reason.StaleReserves, 100n * TOKEN, 100n * TOKEN],
    )
    await mined(a.feed.setAnswer(100n * TOKEN))
    const receipt = await mined(g.asUnpauser.unpauseAsset(a.target))
    expect(named(eventsOf(receipt, g.guard))).toEqual([
      ['AssetUnpaused', a.target, await unpauser.getAddress(), 100n * TOKEN, 100n * TOKEN],
    ])
    expect(named(eventsOf(receipt, a.token))).toEqual([
      ['OperationsUnpaused', await g.guard.getAddress(), DEFAULT_OPERATIONS, 0n],
    ])
    expect(await a.token.pausedOperations()).toBe(0n)
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
  })

  it("unpausing is refused once the token's own rules differ from the guard's", async () => {
    const a = await protect(g)
    await mined(a.feed.setAnswer(90n * TOKEN))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    await mined(a.feed.setAnswer(100n * TOKEN))
    // The token's admin loosens the token's heartbeat: the two no longer judge alike, so the gate stays shut.
    await setTokenRules(a.token, a.config.reserveFeed, a.config.heartbeat + 1)
    expect(
      await revertOf(g.asUnpauser.unpauseAsset.staticCall(a.target), g.guard, 'TokenRulesMismatch'),
    ).toEqual([a.target, a.config.reserveFeed, BigInt(a.config.heartbeat + 1), MarginMode.None, 0n])
    await setTokenRules(a.token, a.config.reserveFeed, a.config.heartbeat)
    await mined(g.asUnpauser.unpauseAsset(a.target))
    expect(await a.token.pausedOperations()).toBe(0n)
  })

  it('a pause someone else made stays: the upkeep completes a partial pause and lifts only what it added', async () => {
    const a = await protect(g)
    // The token's admin pauses minting for an incident of its own.
    await mined(a.token.grantRole(Role.PAUSER, adminAddress))
    await mined(a.token.pauseOperations(Operation.Mint))
    expect(await g.guard.isAssetPaused(a.target)).toBe(false)
    await mined(a.feed.setAnswer(1n))
    expect((await check(g.guard)).targets).toEqual([a.target])
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(await a.token.pausedOperations()).toBe(DEFAULT_OPERATIONS)
    expect([...(await g.guard.pauseHolds(a.target))]).toEqual([true, false, Operation.Redeem])
    await mined(a.feed.setAnswer(100n * TOKEN))
    const receipt = await mined(g.asUnpauser.unpauseAsset(a.target))
    expect(named(eventsOf(receipt, a.token))).toEqual([
      ['OperationsUnpaused', await g.guard.getAddress(), Operation.Redeem, Operation.Mint],
    ])
    expect(await a.token.pausedOperations()).toBe(Operation.Mint)
  })

  it('a Pausable target paused by its owner is never unpaused by the guard', async () => {
    const asset = await deployMockPausableAsset(admin, 8, adminAddress)
    await mined(asset.mint(adminAddress, 100n * TOKEN))
    await mined(asset.grantRole(Role.PAUSER, g.address))
    await mined(asset.grantRole(Role.PAUSER, adminAddress))
    const feed = await deployMockReserveFeed(admin, 8, 100n * TOKEN)
    const target = await asset.getAddress()
    const config = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: target,
      pauseMode: PauseMode.Pausable,
      operations: 0n,
    })
    await mined(g.guard.addAsset(target, config))
    // The owner pauses for an unrelated incident; then the reserves dip and recover.
    await mined(asset.pause())
    await mined(feed.setAnswer(1n))
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [] })
    await mined(feed.setAnswer(100n * TOKEN))
    for (const [as, hold] of [
      [g.asUnpauser.unpauseAsset, Hold.Upkeep],
      [g.asGuardian.liftGuardianPause, Hold.Guardian],
    ] as const) {
      expect(await revertOf(as.staticCall(target), g.guard, 'NotHeld')).toEqual([target, hold])
    }
    expect(await asset.paused()).toBe(true)
    // A guardian may add its hold to the owner's pause: lifting it later leaves the owner's pause alone.
    await mined(g.asGuardian.pauseAsset(target))
    expect([...(await g.guard.pauseHolds(target))]).toEqual([false, true, 0n])
    const lifted = await mined(g.asGuardian.liftGuardianPause(target))
    expect(eventsOf(lifted, asset)).toEqual([])
    expect(await asset.paused()).toBe(true)
  })

  it('the upkeep and a guardian both holding: the target stays paused until both have lifted', async () => {
    const a = await protect(g)
    await mined(a.feed.setAnswer(1n))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    // Already paused: the guardian's hold is recorded without a call to the target.
    const held = await mined(g.asGuardian.pauseAsset(a.target))
    expect(eventsOf(held, a.token)).toEqual([])
    expect([...(await g.guard.pauseHolds(a.target))]).toEqual([true, true, DEFAULT_OPERATIONS])
    await mined(a.feed.setAnswer(100n * TOKEN))
    const first = await mined(g.asUnpauser.unpauseAsset(a.target))
    expect(named(eventsOf(first, g.guard))).toEqual([
      ['PauseHoldLifted', a.target, await unpauser.getAddress(), Hold.Upkeep],
    ])
    expect(await a.token.pausedOperations()).toBe(DEFAULT_OPERATIONS)
    // Short again: the guardian cannot be the one to unpause.
    await mined(a.feed.setAnswer(1n))
    expect(
      await revertOf(g.asGuardian.liftGuardianPause.staticCall(a.target), g.guard, 'AssetNotBacked'),
    ).toEqual([a.target, Verdict.Short, Reason.InsufficientReserves, 1n, 100n * TOKEN])
    await mined(a.feed.setAnswer(100n * TOKEN))
    await mined(g.asGuardian.liftGuardianPause(a.target))
    expect(await a.token.pausedOperations()).toBe(0n)
  })

  it('burning is not paused by default: holders restore the backing, then the unpauser lifts the pause', async () => {
    const a = await protect(g, { reserves: 90n * TOKEN, supply: 100n * TOKEN })
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    expect(await a.token.pausedOperations()).toBe(Operation.Mint | Operation.Redeem)
    await revertOf(a.token.mint.staticCall(adminAddress, 1n), a.token, 'OperationPaused')
    // The holder burns the unbacked 10 tokens: the supply is backed again.
    await mined(a.token.burn(10n * TOKEN))
    expect(toResult(await g.guard.assetStatus(a.target)).verdict).toBe(Verdict.Backed)
    await mined(g.asUnpauser.unpauseAsset(a.target))
    expect(await a.token.pausedOperations()).toBe(0n)
  })

  it('keeps its holds across a configuration update, and refuses a new pause mode under them', async () => {
    // A target answering both pause interfaces, so that only the hold can refuse the new mode.
    const target = await deployMockMisbehavingTarget(admin, 100n * TOKEN)
    const feed = await deployMockReserveFeed(admin, 8, 100n * TOKEN)
    const address = await target.getAddress()
    const config = assetConfig({ reserveFeed: await feed.getAddress(), supplySource: address })
    await mined(g.guard.addAsset(address, config))
    const pausable = { ...config, pauseMode: PauseMode.Pausable, operations: 0n }
    await mined(g.guard.scheduleAssetUpdate(address, pausable))
    await g.guard.updateAsset.staticCall(address, pausable) // allowed while nothing is held
    await mined(feed.setAnswer(1n))
    await mined(g.asForwarder.performUpkeep(encodeTargets([address]), PERFORM_GAS))
    await reconfigure(g, address, { ...config, ...marginFromBps(100) })
    await mined(g.guard.scheduleAssetUpdate(address, pausable))
    expect([...(await g.guard.pauseHolds(address))]).toEqual([true, false, DEFAULT_OPERATIONS])
    expect(
      await revertOf(g.guard.updateAsset.staticCall(address, pausable), g.guard, 'AssetPauseHeld'),
    ).toEqual([address])
  })
})

describe('ReserveGuard: both pause modes, and a target that refuses', () => {
  let g: Guard
  let guardAddress: string

  beforeAll(async () => {
    g = await deployGuard()
    guardAddress = await g.guard.getAddress()
  })

  const modes = [
    ['Operations', PauseMode.Operations],
    ['Pausable', PauseMode.Pausable],
  ] as const

  /**
   * A backed asset paused the `pauseMode` way (a SecureMintToken, or a MockPausableAsset), registered
   * with the guard, whose target does not let the guard pause it yet.
   */
  async function refusingAsset(pauseMode: bigint) {
    if (pauseMode === PauseMode.Operations) {
      const { target, feed, token } = await protect(g, { pauser: false })
      return { target, feed, pausable: token as SecureMintToken | MockPausableAsset }
    }
    const asset = await deployMockPausableAsset(admin, 8, adminAddress)
    await mined(asset.mint(adminAddress, 100n * TOKEN))
    const feed = await deployMockReserveFeed(admin, 8, 100n * TOKEN)
    const target = await asset.getAddress()
    const config = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: target,
      pauseMode,
      operations: 0n,
    })
    await mined(g.guard.addAsset(target, config))
    return { target, feed, pausable: asset as SecureMintToken | MockPausableAsset }
  }

  /** The events the target emits when the guard pauses or unpauses it. */
  const targetEvents = (pauseMode: bigint, pause: boolean) =>
    pauseMode === PauseMode.Operations
      ? [
          [
            pause ? 'OperationsPaused' : 'OperationsUnpaused',
            guardAddress,
            DEFAULT_OPERATIONS,
            pause ? DEFAULT_OPERATIONS : 0n,
          ],
        ]
      : [[pause ? 'Paused' : 'Unpaused', guardAddress]]

  it.each(modes)(
    '%s: a guardian pauses and lifts its pause through the target, and a refusal reverts with its error',
    async (_name, pauseMode) => {
      const a = await refusingAsset(pauseMode)
      const refused = [guardAddress, Role.PAUSER]
      expect(
        await revertOf(
          g.asGuardian.pauseAsset.staticCall(a.target),
          a.pausable,
          'AccessControlUnauthorizedAccount',
        ),
      ).toEqual(refused)
      await mined(a.pausable.grantRole(Role.PAUSER, guardAddress))
      const paused = await mined(g.asGuardian.pauseAsset(a.target))
      expect(named(eventsOf(paused, a.pausable))).toEqual(targetEvents(pauseMode, true))
      expect(named(eventsOf(paused, g.guard))).toEqual([
        ['AssetPausedByGuardian', a.target, await guardian.getAddress()],
      ])
      expect(await g.guard.isAssetPaused(a.target)).toBe(true)

      await mined(a.pausable.revokeRole(Role.PAUSER, guardAddress))
      expect(
        await revertOf(
          g.asGuardian.liftGuardianPause.staticCall(a.target),
          a.pausable,
          'AccessControlUnauthorizedAccount',
        ),
      ).toEqual(refused)
      await mined(a.pausable.grantRole(Role.PAUSER, guardAddress))
      const unpaused = await mined(g.asGuardian.liftGuardianPause(a.target))
      expect(named(eventsOf(unpaused, a.pausable))).toEqual(targetEvents(pauseMode, false))
      expect(named(eventsOf(unpaused, g.guard))).toEqual([
        ['AssetUnpaused', a.target, await guardian.getAddress(), 100n * TOKEN, 100n * TOKEN],
      ])
      expect(await g.guard.isAssetPaused(a.target)).toBe(false)
    },
  )

  it.each(modes)(
    '%s: the upkeep reports a pause the target refuses, with its error',
    async (_name, pauseMode) => {
      const a = await refusingAsset(pauseMode)
      await mined(a.feed.setAnswer(1n))
      const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
      const [event, ...more] = eventsOf(receipt, g.guard)
      expect(more.map((e) => [e.name, e.args[0], e.args[1]])).toEqual([['AssetPauseBackoff', a.target, 1n]])
      expect([event.name, ...event.args.slice(0, 2)]).toEqual([
        'AssetPauseFailed',
        a.target,
        Reason.InsufficientReserves,
      ])
      const error = a.pausable.interface.parseError(event.args[2] as string)
      expect([error?.name, ...(error?.args ?? [])]).toEqual([
        'AccessControlUnauthorizedAccount',
        guardAddress,
        Role.PAUSER,
      ])
      expect(eventsOf(receipt, a.pausable)).toEqual([])
      expect(await g.guard.isAssetPaused(a.target)).toBe(false)
    },
  )
})

describe('ReserveGuard: the log trigger', () => {
  let g: Guard

  beforeAll(async () => {
    g = await deployGuard()
  })

  /** The ILogAutomation `Log` struct built from a log the chain emitted. */
  it('acts on the AnswerUpdated log of a feed reporting a shortfall', async () => {
    const a = await protect(g)
    const healthyUpdate = await mined(a.feed.setAnswer(120n * TOKEN))
    const healthyLog = await logStruct(provider, healthyUpdate)
    expect(healthyLog.topics[0]).toBe(await g.guard.ANSWER_UPDATED_TOPIC())
    expect([...(await g.guard.checkLog(healthyLog, '0x'))]).toEqual([false, '0x'])

    const receipt = await mined(a.feed.setAnswer(99n * TOKEN))
    const [event] = eventsOf(receipt, a.feed)
    expect(named([event])).toEqual([['AnswerUpdated', 99n * TOKEN, event.args[1], event.args[2]]])
    const log = await logStruct(provider, receipt)
    expect(log.topics).toHaveLength(3)
    const [upkeepNeeded, performData] = (await g.guard.checkLog(log, '0x')) as [boolean, string]
    expect(upkeepNeeded).toBe(true)
    expect(performData).toBe(encodeTargets([a.target], [0n]))

    const performed = await mined(g.asForwarder.performUpkeep(performData, PERFORM_GAS))
    expect(named(eventsOf(performed, g.guard))).toEqual([
      ['AssetPaused', a.target, Reason.InsufficientReserves, 99n * TOKEN, 100n * TOKEN],
    ])
    // Once paused, the same log no longer asks for upkeep.
    expect([...(await g.guard.checkLog(log, '0x'))]).toEqual([false, '0x'])
  })

  it("acts on a mint (Transfer from the zero address) of an asset's token, and of no other contract", async () => {
    const own = await deployGuard()
    const USD = unit(6)
    const holder = Wallet.createRandom().address
    const feed = await deployMockReserveFeed(admin, 6, 1_000n * USD)
    const coin = await deployPausableStablecoin(admin, 'Dollar', 'USDX', adminAddress)
    const address = await coin.getAddress()
    await mined(coin.grantRole(Role.MINTER, adminAddress))
    await mined(coin.grantRole(Role.PAUSER, own.address))
    await mined(coin.mint(adminAddress, 900n * USD))
    const config = assetConfig({
      reserveFeed: await feed.getAddress(),
      supplySource: address,
      pauseMode: PauseMode.Pausable,
      operations: 0n,
    })
    await mined(own.guard.addAsset(address, config))
    // A mint within the reserves wakes the guard, which finds nothing to do.
    const within = await logStruct(provider, await mined(coin.mint(holder, 100n * USD)))
    expect(within.topics.slice(0, 2)).toEqual([await own.guard.TRANSFER_TOPIC(), ZeroHash])
    expect([...(await own.guard.checkLog(within, '0x'))]).toEqual([false, '0x'])
    // A fat-finger mint with no feed update: listed at once.
    const fatFinger = await mined(coin.mint(holder, 300_000_000_000_000n * USD))
    const log = await logStruct(provider, fatFinger)
    const [upkeepNeeded, performData] = (await own.guard.checkLog(log, '0x')) as [boolean, string]
    expect([upkeepNeeded, performData]).toEqual([true, encodeTargets([address], [0n])])
    // The same log from a contract the guard protects nothing of, and a transfer (not a mint): no upkeep.
    expect([...(await own.guard.checkLog({ ...log, source: await feed.getAddress() }, '0x'))]).toEqual([
      false,
      '0x',
    ])
    const from = `0x${'00'.repeat(12)}${holder.slice(2).toLowerCase()}`
    expect([
      ...(await own.guard.checkLog({ ...log, topics: [log.topics[0], from, log.topics[2]] }, '0x')),
    ]).toEqual([false, '0x'])
    // The perform pauses the coin: nothing moves but burns.
    const performed = await mined(own.asForwarder.performUpkeep(performData, PERFORM_GAS))
    expect(named(eventsOf(performed, own.guard)).map(([name]) => name)).toEqual(['AssetPaused'])
    expect(await coin.paused()).toBe(true)
    expect([...(await own.guard.checkLog(log, '0x'))]).toEqual([false, '0x'])
  })

  it('ignores logs that are neither AnswerUpdated nor a mint', async () => {
    const a = await protect(g)
    await mined(a.feed.setAnswer(1n))
    expect((await check(g.guard)).targets).toContain(a.target)
    // An OperationsPaused log from a token.
    await mined(a.token.grantRole(Role.PAUSER, adminAddress))
    const receipt = await mined(a.token.pauseOperations(Operation.Mint))
    const other = await logStruct(provider, receipt)
    expect([...(await g.guard.checkLog(other, '0x'))]).toEqual([false, '0x'])
    // AnswerUpdated's topic with the wrong number of topics.
    const update = await logStruct(provider, await mined(a.feed.setAnswer(2n)))
    expect([...(await g.guard.checkLog({ ...update, topics: update.topics.slice(0, 1) }, '0x'))]).toEqual([
      false,
      '0x',
    ])
    expect((await g.guard.checkLog(update, '0x'))[0]).toBe(true)
  })
})

describe('ReserveGuard: the admin, in two steps, and the delay on configuration changes (a chain of its own)', () => {
  const DELAY = 2n * 86_400n
  const ownChain = onChainOfItsOwn()
  let own: Actors
  let g: Guard

  beforeAll(async () => {
    own = ownChain()
    g = await deployGuardFor(own, Number(DELAY))
  })

  /** Mines the next block `seconds` after the latest one. */
  async function wait(seconds: bigint) {
    const now = await latestTimestamp(own.provider)
    await own.provider.send('evm_mine', [Number(now + seconds)])
  }

  it('an update waits the delay, in public, and applies only the configuration scheduled', async () => {
    const a = await protect(g, { config: { heartbeat: 30 * 86_400 } })
    const updated = { ...a.config, ...marginFromBps(500) }
    await setTokenRules(a.token, updated.reserveFeed, updated.heartbeat, updated)
    const scheduled = await mined(g.guard.scheduleAssetUpdate(a.target, updated))
    const readyAt = BigInt((await own.provider.getBlock(scheduled.blockNumber))!.timestamp) + DELAY
    const asTuple = (c: AssetConfig) =>
      ASSET_CONFIG_FIELDS.map((field) => (typeof c[field] === 'number' ? BigInt(c[field]) : c[field]))
    expect(named(eventsOf(scheduled, g.guard))).toEqual([
      ['AssetUpdateScheduled', a.target, asTuple(updated), readyAt],
    ])
    expect((await g.guard.pendingAssetChange(a.target))[1]).toBe(readyAt)
    expect(
      await revertOf(g.guard.updateAsset.staticCall(a.target, updated), g.guard, 'AssetChangeNotReady'),
    ).toEqual([a.target, readyAt])
    await wait(DELAY)
    // Only the configuration scheduled.
    expect(
      await revertOf(g.guard.updateAsset.staticCall(a.target, a.config), g.guard, 'AssetChangeNotScheduled'),
    ).toEqual([a.target])
    await mined(g.guard.updateAsset(a.target, updated))
    const applied = await g.guard.assetConfig(a.target)
    expect([applied.marginMode, applied.marginAmount]).toEqual([MarginMode.PositivePercentage, 477n])
    expect([...(await g.guard.pendingAssetChange(a.target))]).toEqual([ZeroHash, 0n, 0n])
    expect(
      await revertOf(g.guard.updateAsset.staticCall(a.target, updated), g.guard, 'AssetChangeNotScheduled'),
    ).toEqual([a.target])
  }, 60_000)

  it('an admin cannot point an asset at a friendlier feed to unpause it before the delay has run', async () => {
    const a = await protect(g, { config: { heartbeat: 30 * 86_400 } })
    await mined(a.feed.setAnswer(1n))
    await mined(g.asForwarder.performUpkeep(encodeTargets([a.target]), PERFORM_GAS))
    // The admin, also the token's, points the token at a feed of its own at once, then the asset.
    const friendly = await deployMockReserveFeed(own.admin, 8, 10n ** 20n)
    await setTokenRules(a.token, await friendly.getAddress(), a.config.heartbeat, a.config)
    await mined(
      g.guard.scheduleAssetUpdate(a.target, { ...a.config, reserveFeed: await friendly.getAddress() }),
    )
    // The admin can make itself an unpauser at once, but the gate still judges by the feed configured.
    await mined(g.guard.grantRole(Role.UNPAUSER, own.adminAddress))
    expect(await revertOf(g.guard.unpauseAsset.staticCall(a.target), g.guard, 'AssetNotBacked')).toEqual([
      a.target,
      Verdict.Short,
      Reason.InsufficientReserves,
      1n,
      100n * TOKEN,
    ])
    // Everyone sees the change coming for two days; it can be cancelled.
    const cancelled = await mined(g.guard.cancelAssetChange(a.target))
    expect(named(eventsOf(cancelled, g.guard))).toEqual([['AssetChangeCancelled', a.target]])
    expect(
      await revertOf(g.guard.cancelAssetChange.staticCall(a.target), g.guard, 'AssetChangeNotScheduled'),
    ).toEqual([a.target])
  }, 60_000)

  it('a removal waits the delay too', async () => {
    const a = await protect(g)
    const scheduled = await mined(g.guard.scheduleAssetRemoval(a.target))
    const readyAt = BigInt((await own.provider.getBlock(scheduled.blockNumber))!.timestamp) + DELAY
    expect(named(eventsOf(scheduled, g.guard))).toEqual([['AssetRemovalScheduled', a.target, readyAt]])
    expect(await revertOf(g.guard.removeAsset.staticCall(a.target), g.guard, 'AssetChangeNotReady')).toEqual([
      a.target,
      readyAt,
    ])
    await wait(DELAY)
    await mined(g.guard.removeAsset(a.target))
    expect(await revertOf(g.guard.assetConfig(a.target), g.guard, 'UnknownAsset')).toEqual([a.target])
  }, 60_000)

  it('the admin role changes hands in two steps, after the delay, never by grantRole', async () => {
    const next = await fundedSigner(own.provider)
    const nextAddress = await next.getAddress()
    expect(
      await revertOf(
        g.guard.grantRole.staticCall(Role.DEFAULT_ADMIN, nextAddress),
        g.guard,
        'AccessControlEnforcedDefaultAdminRules',
      ),
    ).toEqual([])
    await mined(g.guard.beginDefaultAdminTransfer(nextAddress))
    expect(
      await revertOf(
        g.guard.connect(next).acceptDefaultAdminTransfer.staticCall(),
        g.guard,
        'AccessControlEnforcedDefaultAdminDelay',
      ),
    ).toHaveLength(1)
    await wait(DELAY + 1n)
    await mined(g.guard.connect(next).acceptDefaultAdminTransfer())
    expect(await g.guard.defaultAdmin()).toBe(nextAddress)
    expect(await g.guard.hasRole(Role.DEFAULT_ADMIN, own.adminAddress)).toBe(false)
  }, 60_000)
})
