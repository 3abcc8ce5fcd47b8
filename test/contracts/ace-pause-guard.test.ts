/**
 * Our guard protects an ACE token: the guard's `AcePausePolicy` pause mode drives Chainlink ACE 1.0.0's own
 * PausePolicy (deployed behind its proxy, devkit/ace.ts), run first on a ComplianceTokenERC20's `mint` by its
 * PolicyEngine, with the same holds, backoff and unpause gate as the other modes: the upkeep's pause on a shortfall
 * (through performUpkeep), a guardian's pause, the unpauser's gate. The guard owns the policy (single-step
 * Ownable: the issuer hands it over) and hands it back only once the asset is removed. A policy its engine no longer
 * runs first pauses nothing: registering it is refused, and pausing it is a failed pause.
 */
import { Wallet } from 'ethers'
import { eventsNamed, eventsOf, mined } from '#chain/events'
import { Hold, PauseMode, Reason, SupplyKind, Verdict, assetConfig, type AssetConfig } from '#chain/types'
import { deployMockReserveFeed, type MockReserveFeed } from '#chain/contracts'
import { MINTED, aceMintOutcome, deployAceMintGate, type AceMintGate } from '#devkit/ace'
import { localProvider } from '#devkit/local-chain'
import {
  PERFORM_GAS,
  TOKEN,
  actors,
  check,
  deployGuard,
  encodeTargets,
  named,
  unregister,
  type Actors,
  type Guard,
} from './guard-fixture'
import { latestTimestamp, revertOf } from './helpers'

const PAUSED = 'refused: contract is paused'

let a: Actors
let g: Guard

beforeAll(async () => {
  a = await actors(localProvider())
  g = await deployGuard(a)
})

afterAll(() => a.provider.destroy())

interface AceAsset {
  gate: AceMintGate
  feed: MockReserveFeed
  /** the PausePolicy: the asset's target */
  policy: string
  config: AssetConfig
}

/**
 * A ComplianceTokenERC20 with 100 tokens minted, its mint gated by ACE's PausePolicy (first; owned by `pauser`,
 * the guard by default), OnlyOwnerPolicy and SecureMintPolicy, both the policy and the guard reading one reserve
 * feed (200 tokens of reserves); not registered yet.
 */
async function aceToken({ pauser = g.address } = {}): Promise<AceAsset> {
  const feed = await deployMockReserveFeed(a.admin, 8, 200n * TOKEN)
  const gate = await deployAceMintGate(a.admin, {
    secureMint: { reservesFeed: await feed.getAddress() },
    pauser,
  })
  await mined(gate.token.mint(a.adminAddress, 100n * TOKEN))
  const policy = await gate.pause.getAddress()
  const config = assetConfig({
    reserveFeed: await feed.getAddress(),
    supplySource: gate.tokenAddress,
    pauseMode: PauseMode.AcePausePolicy,
    operations: 0n,
  })
  return { gate, feed, policy, config }
}

/** An ACE token registered with the guard. */
async function registered(options: { pauser?: string } = {}): Promise<AceAsset> {
  const asset = await aceToken(options)
  await mined(g.guard.addAsset(asset.policy, asset.config))
  return asset
}

const mintOutcome = (asset: AceAsset, amount = 1n) => aceMintOutcome(asset.gate, a.adminAddress, amount)

/** Moves the PausePolicy to `position` of the token's mint policies (the engine admin's power). */
async function movePausePolicy({ gate, policy }: AceAsset, position: number) {
  await mined(gate.engine.removePolicy(gate.tokenAddress, gate.mintSelector, policy))
  await mined(gate.engine.addPolicyAt(gate.tokenAddress, gate.mintSelector, policy, [], position))
}

describe("ReserveGuard's AcePausePolicy mode: registering an ACE PausePolicy", () => {
  it('takes a PausePolicy run first on its token’s mint, the token as supply, no operation mask', async () => {
    const asset = await aceToken()
    const receipt = await mined(g.guard.addAsset(asset.policy, asset.config))
    expect(named(eventsOf(receipt, g.guard)).map(([name, target]) => [name, target])).toEqual([
      ['AssetAdded', asset.policy],
    ])
    expect(await g.guard.isAssetPaused(asset.policy)).toBe(false)
    expect(await mintOutcome(asset)).toBe(MINTED)
    await unregister(g, asset.policy)
  })

  it('refuses a PausePolicy its engine does not run first on mint, and the other supply kind', async () => {
    const asset = await aceToken()
    // Behind OnlyOwnerPolicy (which continues for the owner, but a policy there could allow and skip it).
    await movePausePolicy(asset, 1)
    expect(
      await revertOf(g.guard.addAsset.staticCall(asset.policy, asset.config), g.guard, 'PausePolicyNotFirst'),
    ).toEqual([asset.policy, asset.gate.tokenAddress])
    // Detached altogether.
    await mined(
      asset.gate.engine.removePolicy(asset.gate.tokenAddress, asset.gate.mintSelector, asset.policy),
    )
    expect(
      await revertOf(g.guard.addAsset.staticCall(asset.policy, asset.config), g.guard, 'PausePolicyNotFirst'),
    ).toEqual([asset.policy, asset.gate.tokenAddress])
    await mined(
      asset.gate.engine.addPolicyAt(asset.gate.tokenAddress, asset.gate.mintSelector, asset.policy, [], 0),
    )
    // The engine is found through the token: a supply feed names no token.
    const supplyFeed = {
      ...asset.config,
      supplyKind: SupplyKind.SupplyFeed,
      supplySource: await asset.feed.getAddress(),
      supplyHeartbeat: 86_400,
    }
    expect(
      await revertOf(g.guard.addAsset.staticCall(asset.policy, supplyFeed), g.guard, 'InvalidSupplyKind'),
    ).toEqual([PauseMode.AcePausePolicy, SupplyKind.SupplyFeed])
    expect(
      await revertOf(
        g.guard.addAsset.staticCall(asset.policy, { ...asset.config, operations: 1n }),
        g.guard,
        'InvalidOperationMask',
      ),
    ).toEqual([PauseMode.AcePausePolicy, 1n])
    // A contract without s_paused() is no PausePolicy.
    expect(
      await revertOf(
        g.guard.addAsset.staticCall(asset.gate.tokenAddress, asset.config),
        g.guard,
        'PauseStateUnreadable',
      ),
    ).toEqual([asset.gate.tokenAddress, PauseMode.AcePausePolicy])
    await g.guard.addAsset.staticCall(asset.policy, asset.config)
  })

  it('counts the policy check in the perform gas it asks for', async () => {
    const asset = await registered()
    // MIN_GAS_PER_ASSET is an asset's check and a pause of MIN_PAUSE_GAS, which this asset has; its pause also
    // reads getPolicyEngine() and getPolicies(), at their bounds of 30,000 and 100,000 gas (with the 1/64 each
    // call keeps back).
    expect(asset.config.pauseGas).toBe(Number(await g.guard.MIN_PAUSE_GAS()))
    const minimum = await g.guard.MIN_GAS_PER_ASSET()
    expect(await g.guard.performGasNeeded(asset.policy)).toBe(minimum + ((30_000n + 100_000n) * 64n) / 63n)
    await unregister(g, asset.policy)
  })
})

describe("ReserveGuard's AcePausePolicy mode: pausing and unpausing an ACE token's mint", () => {
  let asset: AceAsset

  beforeEach(async () => {
    asset = await registered()
  })

  afterEach(async () => {
    const stillRegistered = await g.guard.assetConfig(asset.policy).then(
      () => true,
      () => false,
    )
    if (stillRegistered) await unregister(g, asset.policy)
  })

  it('the upkeep pauses the mint on a shortfall (setPausedState, read back with s_paused); the unpauser lifts it once backed', async () => {
    await mined(asset.feed.setAnswer(90n * TOKEN))
    expect((await check(g.guard)).targets).toEqual([asset.policy])
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([asset.policy]), PERFORM_GAS))
    expect(
      eventsNamed(receipt, g.guard, 'AssetPaused').map((e) => [e.target, e.reason, e.reserves, e.supply]),
    ).toEqual([[asset.policy, Reason.InsufficientReserves, 90n * TOKEN, 100n * TOKEN]])
    expect(eventsNamed(receipt, asset.gate.pause, 'PauseStateChanged').map((e) => e.paused)).toEqual([true])
    expect(await asset.gate.pause.s_paused()).toBe(true)
    expect([...(await g.guard.pauseHolds(asset.policy))]).toEqual([true, false, 1n])
    expect(await g.guard.isAssetPaused(asset.policy)).toBe(true)
    expect(await check(g.guard)).toEqual({ upkeepNeeded: false, targets: [], performData: '0x' })
    // The mint is refused by the PausePolicy, first; a holder still transfers (the policy is on mint only).
    expect(await mintOutcome(asset)).toBe(PAUSED)
    const holder = Wallet.createRandom().address
    await mined(asset.gate.token.transfer(holder, TOKEN))
    expect(await asset.gate.token.balanceOf(holder)).toBe(TOKEN)

    // The same gate as every mode: refused while short.
    expect(
      await revertOf(g.asUnpauser.unpauseAsset.staticCall(asset.policy), g.guard, 'AssetNotBacked'),
    ).toEqual([asset.policy, Verdict.Short, Reason.InsufficientReserves, 90n * TOKEN, 100n * TOKEN])
    await mined(asset.feed.setAnswer(200n * TOKEN))
    const unpaused = await mined(g.asUnpauser.unpauseAsset(asset.policy))
    expect(eventsNamed(unpaused, asset.gate.pause, 'PauseStateChanged').map((e) => e.paused)).toEqual([false])
    expect(eventsNamed(unpaused, g.guard, 'AssetUnpaused').map((e) => e.target)).toEqual([asset.policy])
    expect(await asset.gate.pause.s_paused()).toBe(false)
    expect(await mintOutcome(asset)).toBe(MINTED)
  })

  it('a guardian pauses by hand and alone lifts it; the upkeep and the guardian both holding keep it paused', async () => {
    await mined(g.asGuardian.pauseAsset(asset.policy))
    expect(await asset.gate.pause.s_paused()).toBe(true)
    expect([...(await g.guard.pauseHolds(asset.policy))]).toEqual([false, true, 1n])
    expect(
      await revertOf(g.asGuardian.pauseAsset.staticCall(asset.policy), g.guard, 'AssetAlreadyPaused'),
    ).toEqual([asset.policy])
    expect(await revertOf(g.asUnpauser.unpauseAsset.staticCall(asset.policy), g.guard, 'NotHeld')).toEqual([
      asset.policy,
      Hold.Upkeep,
    ])
    // Short while the guardian holds it: the upkeep finds it paused already and adds nothing to the policy.
    await mined(asset.feed.setAnswer(1n))
    expect((await check(g.guard)).targets).toEqual([])
    await mined(asset.feed.setAnswer(200n * TOKEN))
    const lifted = await mined(g.asGuardian.liftGuardianPause(asset.policy))
    expect(eventsNamed(lifted, asset.gate.pause, 'PauseStateChanged').map((e) => e.paused)).toEqual([false])
    expect(await mintOutcome(asset)).toBe(MINTED)
  })

  it('a policy the guard does not own: the pause fails, backs off, and succeeds once the guard owns it', async () => {
    await unregister(g, asset.policy)
    asset = await registered({ pauser: a.adminAddress })
    await mined(asset.feed.setAnswer(90n * TOKEN))
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([asset.policy]), PERFORM_GAS))
    const [failed] = eventsNamed(receipt, g.guard, 'AssetPauseFailed')
    expect(asset.gate.pause.interface.parseError(failed.error)?.name).toBe('OwnableUnauthorizedAccount')
    const [backoff] = eventsNamed(receipt, g.guard, 'AssetPauseBackoff')
    expect(backoff.failures).toBe(1n)
    expect(backoff.retryAfter).toBe((await latestTimestamp(a.provider)) + 60n)
    expect(await asset.gate.pause.s_paused()).toBe(false)
    expect((await check(g.guard)).targets).toEqual([]) // backing off
    // The issuer hands the policy to the guard (single-step Ownable), a guardian clears the backoff.
    await mined(asset.gate.pause.transferOwnership(g.address))
    await mined(g.asGuardian.clearPauseBackoff(asset.policy))
    expect((await check(g.guard)).targets).toEqual([asset.policy])
    await mined(g.asForwarder.performUpkeep(encodeTargets([asset.policy]), PERFORM_GAS))
    expect(await asset.gate.pause.s_paused()).toBe(true)
    expect(await mintOutcome(asset)).toBe(PAUSED)
  })

  it('a policy its engine no longer runs first: the pause fails (PausePolicyNotFirst), and pauses once it is first again', async () => {
    const { gate, policy } = asset
    // The engine's admin detaches it (a power ACE gives them at any time: docs/contracts.md, trust model).
    await mined(gate.engine.removePolicy(gate.tokenAddress, gate.mintSelector, policy))
    await mined(asset.feed.setAnswer(90n * TOKEN))
    const receipt = await mined(g.asForwarder.performUpkeep(encodeTargets([policy]), PERFORM_GAS))
    const [failed] = eventsNamed(receipt, g.guard, 'AssetPauseFailed')
    expect(g.guard.interface.parseError(failed.error)?.args.toArray()).toEqual([policy, gate.tokenAddress])
    expect(await gate.pause.s_paused()).toBe(false) // nothing called
    expect(
      await revertOf(g.asGuardian.pauseAsset.staticCall(policy), g.guard, 'PausePolicyNotFirst'),
    ).toEqual([policy, gate.tokenAddress])
    // First again: the guardian clears the backoff and the upkeep pauses.
    await mined(gate.engine.addPolicyAt(gate.tokenAddress, gate.mintSelector, policy, [], 0))
    await mined(g.asGuardian.clearPauseBackoff(policy))
    await mined(g.asForwarder.performUpkeep(encodeTargets([policy]), PERFORM_GAS))
    expect(await g.guard.isAssetPaused(policy)).toBe(true)
    expect(await mintOutcome(asset)).toBe(PAUSED)
    // Moved behind another policy after the pause: paused in name only, and the guard says so.
    await movePausePolicy(asset, 2)
    expect(await gate.pause.s_paused()).toBe(true)
    expect(await g.guard.isAssetPaused(policy)).toBe(false)
    await movePausePolicy(asset, 0)
    expect(await g.guard.isAssetPaused(policy)).toBe(true)
    await mined(asset.feed.setAnswer(200n * TOKEN))
    await mined(g.asUnpauser.unpauseAsset(policy))
  })

  it("hands the policy's ownership back only once the asset is removed (after the admin delay)", async () => {
    const issuer = Wallet.createRandom().address
    expect(
      await revertOf(g.guard.releaseOwnership.staticCall(asset.policy, issuer), g.guard, 'TargetRegistered'),
    ).toEqual([asset.policy])
    await expect(g.asGuardian.releaseOwnership.staticCall(asset.policy, issuer)).rejects.toThrow()
    await unregister(g, asset.policy)
    const receipt = await mined(g.guard.releaseOwnership(asset.policy, issuer))
    expect(eventsNamed(receipt, g.guard, 'OwnershipReleased').map((e) => [e.target, e.newOwner])).toEqual([
      [asset.policy, issuer],
    ])
    expect(await asset.gate.pause.owner()).toBe(issuer)
  })
})
