/**
 * The ReserveGuard tests' fixture: the actors (admin, forwarder, guardian, unpauser, stranger), a guard with
 * their roles granted, protected SecureMintTokens backed by their own test feed, and checkUpkeep's answer
 * decoded. Shared by the guard's test files.
 */
import type { JsonRpcProvider, Signer } from 'ethers'
import {
  deployMockMisbehavingTarget,
  deployMockReserveFeed,
  deployReserveGuard,
  secureMintTokenAt,
  type MockMisbehavingTarget,
  type MockReserveFeed,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import { mined } from '#chain/events'
import {
  NO_MARGIN,
  Role,
  assetConfig,
  decodePerformData,
  encodePerformData,
  type AssetConfig,
} from '#chain/types'
import {
  LOCAL_CHAINS,
  chainProvider,
  fundedSigner,
  startHardhatNode,
  type RunningChain,
} from '#devkit/local-chain'
import { deployToken, setTokenRules, unit } from './helpers'

export const HEARTBEAT = 3_600n
export const TOKEN = unit(8)

/**
 * Automation calls performUpkeep with the upkeep's fixed gas limit. Estimating gas instead would find the
 * least gas with which the call succeeds, and with MIN_GAS_PER_ASSET a call that stops early succeeds.
 */
export const PERFORM_GAS = { gasLimit: 3_000_000 }

/** The accounts a guard test plays with, each funded. */
export interface Actors {
  provider: JsonRpcProvider
  admin: Signer
  adminAddress: string
  forwarder: Signer
  guardian: Signer
  unpauser: Signer
  stranger: Signer
}

export async function actors(provider: JsonRpcProvider): Promise<Actors> {
  const [admin, forwarder, guardian, unpauser, stranger] = await Promise.all(
    [1, 2, 3, 4, 5].map(() => fundedSigner(provider)),
  )
  return { provider, admin, adminAddress: await admin.getAddress(), forwarder, guardian, unpauser, stranger }
}

/**
 * The actors of a chain of its own, for tests that move its clock or snapshot and revert it (never the
 * shared chains'): started in a `beforeAll` of the calling block, stopped in its `afterAll`. Call it at the
 * top of a `describe` (or of a file); the function it returns gives the actors once the chain is up.
 */
export function onChainOfItsOwn(): () => Actors {
  let chain: RunningChain | undefined
  let own: Actors | undefined
  beforeAll(async () => {
    chain = await startHardhatNode(LOCAL_CHAINS[0].network, LOCAL_CHAINS[0].chainId)
    own = await actors(chainProvider(chain.url, chain.chainId))
  }, 60_000)
  afterAll(() => {
    own?.provider.destroy()
    chain?.process.kill('SIGTERM')
  })
  return () => {
    if (!own) throw new Error('the chain of its own is not started yet')
    return own
  }
}

export interface Guard {
  actors: Actors
  guard: ReserveGuard
  address: string
  asForwarder: ReserveGuard
  asGuardian: ReserveGuard
  asUnpauser: ReserveGuard
  asStranger: ReserveGuard
}

/**
 * A guard administered by the admin, with the forwarder, guardian and unpauser roles granted. `delay`: the
 * admin delay (0 by default, so that tests on the shared chains change configurations at once).
 */
export async function deployGuard(a: Actors, delay = 0): Promise<Guard> {
  const guard = await deployReserveGuard(a.admin, a.adminAddress, delay)
  await mined(guard.grantRole(Role.FORWARDER, await a.forwarder.getAddress()))
  await mined(guard.grantRole(Role.GUARDIAN, await a.guardian.getAddress()))
  await mined(guard.grantRole(Role.UNPAUSER, await a.unpauser.getAddress()))
  return {
    actors: a,
    guard,
    address: await guard.getAddress(),
    asForwarder: guard.connect(a.forwarder),
    asGuardian: guard.connect(a.guardian),
    asUnpauser: guard.connect(a.unpauser),
    asStranger: guard.connect(a.stranger),
  }
}

export interface Asset {
  feed: MockReserveFeed
  token: SecureMintToken
  target: string
  config: AssetConfig
}

export interface AssetOptions {
  feedDecimals?: number
  reserves?: bigint
  supply?: bigint
  /** Grant the guard PAUSER_ROLE on the token (default true). */
  pauser?: boolean
  config?: Partial<AssetConfig>
}

/**
 * A SecureMintToken backed by its own feed, with `supply` minted, registered with the guard (mint and redeem
 * paused on a shortfall). The token's own rules (feed, heartbeat, margin) are the asset's, as the guard
 * requires.
 */
export async function protect(g: Guard, options: AssetOptions = {}): Promise<Asset> {
  const { admin, adminAddress } = g.actors
  const { feedDecimals = 8, reserves = 100n * TOKEN, supply = 100n * TOKEN, pauser = true } = options
  const feed = await deployMockReserveFeed(admin, feedDecimals, reserves > supply ? reserves : 10n ** 30n)
  const rules = { heartbeat: Number(HEARTBEAT), ...NO_MARGIN, ...options.config }
  const token = await deployToken(admin, adminAddress, feed, rules.heartbeat, rules)
  await mined(token.grantRole(Role.MINTER, adminAddress))
  if (supply > 0n) await mined(token.mint(adminAddress, supply))
  if (reserves <= supply) await mined(feed.setAnswer(reserves))
  if (pauser) await mined(token.grantRole(Role.PAUSER, g.address))
  const target = await token.getAddress()
  const config = assetConfig({ reserveFeed: await feed.getAddress(), supplySource: target, ...rules })
  await mined(g.guard.addAsset(target, config))
  return { feed, token, target, config }
}

/** A {@link protectTarget} asset: the target that can be told to misbehave, its feed and its configuration. */
export interface TargetAsset {
  target: MockMisbehavingTarget
  address: string
  feed: MockReserveFeed
  config: AssetConfig
}

/**
 * A MockMisbehavingTarget (100 tokens of supply, 8 decimals, both pause interfaces, behaving until told
 * otherwise, as an upgradeable token does until its implementation changes) backed 1:1 by its own feed and
 * registered while it behaves, with `config`'s fields over the builder's defaults.
 */
export async function protectTarget(g: Guard, config: Partial<AssetConfig> = {}): Promise<TargetAsset> {
  const { admin } = g.actors
  const target = await deployMockMisbehavingTarget(admin, 100n * TOKEN)
  const feed = await deployMockReserveFeed(admin, 8, 100n * TOKEN)
  const address = await target.getAddress()
  const full = assetConfig({ reserveFeed: await feed.getAddress(), supplySource: address, ...config })
  await mined(g.guard.addAsset(address, full))
  return { target, address, feed, config: full }
}

/**
 * Schedules and applies a new configuration (the guard's delay must be 0); returns the update's receipt.
 * When the target is a SecureMintToken (it answers `reserveConfig()`), its own rules are set to the new
 * configuration's first (scheduled and applied: its delay must be 0 too), as the guard requires.
 */
export async function reconfigure(g: Guard, target: string, config: AssetConfig) {
  const token = secureMintTokenAt(target, g.actors.admin)
  const isToken = await token.reserveConfig().then(
    () => true,
    () => false,
  )
  if (isToken) await setTokenRules(token, config.reserveFeed, config.heartbeat, config)
  await mined(g.guard.scheduleAssetUpdate(target, config))
  return mined(g.guard.updateAsset(target, config))
}

/** Schedules and applies the removal of an asset (the guard's delay must be 0); returns its receipt. */
export async function unregister(g: Guard, target: string) {
  await mined(g.guard.scheduleAssetRemoval(target))
  return mined(g.guard.removeAsset(target))
}

/** checkUpkeep's answer, with the targets decoded; also checks every entry's index hint. */
export async function check(
  guard: ReserveGuard,
  checkData = '0x',
): Promise<{ upkeepNeeded: boolean; targets: string[]; performData: string }> {
  const [upkeepNeeded, performData] = (await guard.checkUpkeep(checkData)) as [boolean, string]
  const entries = decodePerformData(performData)
  for (const { target, index } of entries) expect((await guard.assetAt(index))[0]).toBe(target)
  return { upkeepNeeded, targets: entries.map((e) => e.target), performData }
}

/**
 * performData naming `targets`, with index hints (0 unless given) that are right only by chance:
 * performUpkeep must then look each target up.
 */
export const encodeTargets = (targets: string[], hints: bigint[] = []): string =>
  encodePerformData(targets.map((target, i) => ({ target, index: hints[i] ?? 0n })))

/** The named events of a receipt, as `[name, ...args]`. */
export const named = (events: { name: string; args: readonly unknown[] }[]): unknown[][] =>
  events.map((e) => [e.name, ...e.args])

/** Log `index` of a mined transaction as Automation's `Log` struct, the argument of the guard's `checkLog`. */
export async function logStruct(
  provider: JsonRpcProvider,
  receipt: Awaited<ReturnType<typeof mined>>,
  index = 0,
) {
  const log = receipt.logs[index]
  const block = await provider.getBlock(log.blockNumber)
  return {
    index: BigInt(log.index),
    timestamp: BigInt(block!.timestamp),
    txHash: log.transactionHash,
    blockNumber: BigInt(log.blockNumber),
    blockHash: log.blockHash,
    source: log.address,
    topics: [...log.topics],
    data: log.data,
  }
}
