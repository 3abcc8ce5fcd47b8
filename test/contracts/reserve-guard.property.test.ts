/**
 * The reserve guard against a model (reserve-guard-model.ts): random sequences of feed moves, mints, burns,
 * a target that misbehaves, performs (with the gas they need, with too little, and forged), guardian pauses,
 * lifts and unpauses, an owner pausing its own token, and time passing. Every transaction's outcome and every
 * event is predicted by the model and compared, and the chain's pause state, holds and backoff are compared
 * with the model's after each step. The invariants the issue names are asserted on their own too:
 * - a short asset that is not backing off is paused by the next perform that has the gas;
 * - a backed asset is never paused by the upkeep;
 * - the guard lifts only pauses it made;
 * - no mint succeeds above reserves.
 *
 * On a chain of its own: each run starts from a snapshot of the same set-up, and every transaction is mined
 * at a timestamp the test sets, so the model knows the exact time of every check.
 */
import fc from 'fast-check'
import type { ContractTransactionResponse, JsonRpcProvider, NonceManager } from 'ethers'
import {
  deployMockMisbehavingTarget,
  deployMockReserveFeed,
  type MockMisbehavingTarget,
  type MockReserveFeed,
  type SecureMintToken,
} from '#chain/contracts'
import { eventsOf, mined } from '#chain/events'
import {
  Operation,
  Role,
  StalePolicy,
  TargetBehaviour,
  assetConfig,
  decodePerformData,
  encodePerformData,
} from '#chain/types'
import { TOKEN, deployGuard, onChainOfItsOwn, type Actors, type Guard } from './guard-fixture'
import { deployToken } from './helpers'
import {
  HEARTBEAT,
  asset,
  clearBackoff,
  fullyPaused,
  guardianPause,
  isBacked,
  liftHold,
  mintAllowed,
  needsPause,
  ownerPause,
  ownerUnpause,
  perform,
  type AssetModel,
  type AssetName,
  type Behaviour,
} from './reserve-guard-model'

const NAMES: AssetName[] = ['A', 'B', 'C']
const TX = { gasLimit: 1_000_000 }
const PERFORM_GAS = 3_000_000n

interface Model {
  now: bigint
  assets: Record<AssetName, AssetModel>
}

interface Real {
  provider: JsonRpcProvider
  g: Guard
  owner: string
  tokens: Record<'A' | 'B', SecureMintToken>
  c: MockMisbehavingTarget
  feeds: Record<AssetName, MockReserveFeed>
  targets: Record<AssetName, string>
  minGasPerAsset: bigint
}

const ownChain = onChainOfItsOwn()
let own: Actors
let real: Real
let setupSnapshot: string
let setupNow: bigint

beforeAll(async () => {
  own = ownChain()
  const g = await deployGuard(own)
  const supply = 100n * TOKEN
  const feeds = {} as Record<AssetName, MockReserveFeed>
  const targets = {} as Record<AssetName, string>
  const tokens = {} as Record<'A' | 'B', SecureMintToken>
  for (const [name, stalePolicy] of [
    ['A', StalePolicy.FailClosed],
    ['B', StalePolicy.Skip],
  ] as const) {
    feeds[name] = await deployMockReserveFeed(own.admin, 8, supply)
    tokens[name] = await deployToken(own.admin, own.adminAddress, feeds[name], Number(HEARTBEAT))
    targets[name] = await tokens[name].getAddress()
    await mined(tokens[name].grantRole(Role.MINTER, own.adminAddress))
    await mined(tokens[name].mint(own.adminAddress, supply))
    await mined(tokens[name].grantRole(Role.PAUSER, g.address))
    const config = { reserveFeed: await feeds[name].getAddress(), supplySource: targets[name], stalePolicy }
    await mined(g.guard.addAsset(targets[name], assetConfig(config)))
  }
  // A's owner pauses it for reasons of its own, too.
  await mined(tokens.A.grantRole(Role.PAUSER, own.adminAddress))
  const c = await deployMockMisbehavingTarget(own.admin, supply)
  feeds.C = await deployMockReserveFeed(own.admin, 8, supply)
  targets.C = await c.getAddress()
  await mined(
    g.guard.addAsset(
      targets.C,
      assetConfig({ reserveFeed: await feeds.C.getAddress(), supplySource: targets.C }),
    ),
  )
  real = {
    provider: own.provider,
    g,
    owner: own.adminAddress,
    tokens,
    c,
    feeds,
    targets,
    minGasPerAsset: await g.guard.MIN_GAS_PER_ASSET(),
  }
  setupSnapshot = (await own.provider.send('evm_snapshot', [])) as string
  setupNow = BigInt((await own.provider.getBlock('latest'))!.timestamp)
}, 120_000)

/** The model of the set-up: every asset backed 1:1 by a feed updated when it was deployed. */
async function initialModel(): Promise<Model> {
  const assets = {
    A: asset('A', true, StalePolicy.FailClosed, 100n * TOKEN),
    B: asset('B', true, StalePolicy.Skip, 100n * TOKEN),
    C: asset('C', false, StalePolicy.FailClosed, 100n * TOKEN),
  }
  for (const name of NAMES) assets[name].updatedAt = (await real.feeds[name].latestRoundData())[3]
  return { now: setupNow, assets }
}

// ---------------------------------------------------------------- sending at a known time

/** The next transaction's block is mined one second after the model's time, and eth_call on `pending` sees it. */
async function nextBlock(m: Model): Promise<bigint> {
  const at = m.now + 1n
  await real.provider.send('evm_setNextBlockTimestamp', [Number(at)])
  return at
}

/** Sends a transaction at the model's next second; the model's clock follows. */
async function send(m: Model, tx: () => Promise<ContractTransactionResponse>) {
  const at = await nextBlock(m)
  const receipt = await mined(tx())
  m.now = at
  return receipt
}

/** The custom error a call reverts with (`'reverted'` when the guard's and tokens' ABIs cannot name it), or 'ok'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call
    return 'ok'
  } catch (error) {
    const e = error as { revert?: { name: string } | null; data?: string }
    if (e.revert) return e.revert.name
    for (const iface of [real.g.guard.interface, real.tokens.A.interface]) {
      // An error has a 4-byte selector at least; a revert without data (a target out of gas) has none.
      const parsed = typeof e.data === 'string' && e.data.length >= 10 ? iface.parseError(e.data) : null
      if (parsed) return parsed.name
    }
    return 'reverted'
  }
}

const PENDING = { ...TX, blockTag: 'pending' }

/** The guard's events of a receipt, as `[name, asset]`. */
function guardEvents(receipt: Awaited<ReturnType<typeof mined>>): [string, AssetName | bigint][] {
  const byAddress = new Map(NAMES.map((name) => [real.targets[name], name]))
  return eventsOf(receipt, real.g.guard).map((e) => [
    e.name,
    byAddress.get(e.args[0] as string) ?? (e.args[0] as bigint),
  ])
}

// ---------------------------------------------------------------- the chain against the model

async function pausedOn(name: AssetName): Promise<bigint> {
  return name === 'C' ? real.c.pausedOperations() : real.tokens[name].pausedOperations()
}

/** After every command: the targets' pauses, the guard's holds and backoff are the model's. */
async function compare(m: Model) {
  const chain = await Promise.all(
    NAMES.map(async (name) => {
      const target = real.targets[name]
      const [[upkeep, guardian, pausedByGuard], [failures, retryAfter], paused] = await Promise.all([
        real.g.guard.pauseHolds(target),
        real.g.guard.pauseBackoff(target),
        pausedOn(name),
      ])
      return { name, paused, upkeep, guardian, pausedByGuard, failures, retryAfter }
    }),
  )
  expect(chain).toEqual(
    NAMES.map((name) => {
      const a = m.assets[name]
      return {
        name,
        paused: a.paused,
        upkeep: a.upkeepHold,
        guardian: a.guardianHold,
        pausedByGuard: a.pausedByGuard,
        failures: a.failures,
        retryAfter: a.retryAfter,
      }
    }),
  )
}

// ---------------------------------------------------------------- commands

type Command = fc.AsyncCommand<Model, Real>

class SetReserves implements Command {
  constructor(
    readonly name: AssetName,
    readonly level: 'plenty' | 'exact' | 'short' | 'zero',
  ) {}
  check = () => true
  async run(m: Model) {
    const a = m.assets[this.name]
    const reserves = { plenty: 2n * a.supply + 1n, exact: a.supply, short: a.supply / 2n, zero: 0n }[
      this.level
    ]
    await send(m, () => real.feeds[this.name].setAnswer(reserves, TX))
    a.reserves = reserves
    a.updatedAt = m.now
    await compare(m)
  }
  toString = () => `SetReserves(${this.name}, ${this.level})`
}

class MakeStale implements Command {
  constructor(readonly name: AssetName) {}
  check = () => true
  async run(m: Model) {
    const a = m.assets[this.name]
    const updatedAt = m.now - HEARTBEAT - 3_600n
    await send(m, () => real.feeds[this.name].setRound(a.reserves, updatedAt, TX))
    a.updatedAt = updatedAt
    await compare(m)
  }
  toString = () => `MakeStale(${this.name})`
}

class Mint implements Command {
  constructor(
    readonly name: 'A' | 'B',
    readonly amount: bigint,
  ) {}
  check = () => true
  async run(m: Model) {
    const a = m.assets[this.name]
    const token = real.tokens[this.name]
    const allowed = mintAllowed(a, this.amount, await nextBlock(m))
    const chain = await outcome(token.mint.staticCall(real.owner, this.amount, PENDING))
    expect({ mint: this.toString(), allowed: chain === 'ok' }).toEqual({ mint: this.toString(), allowed })
    if (!allowed) return
    await send(m, () => token.mint(real.owner, this.amount, TX))
    a.supply += this.amount
    // No mint succeeds above reserves.
    const [, reserves] = await real.feeds[this.name].latestRoundData()
    expect(reserves).toBeGreaterThanOrEqual(await token.totalSupply())
    await compare(m)
  }
  toString = () => `Mint(${this.name}, ${this.amount})`
}

class Burn implements Command {
  constructor(
    readonly name: 'A' | 'B',
    readonly amount: bigint,
  ) {}
  check = (m: Readonly<Model>) => m.assets[this.name].supply >= this.amount
  async run(m: Model) {
    const a = m.assets[this.name]
    const expected = a.paused & Operation.Burn ? 'OperationPaused' : 'ok'
    await nextBlock(m)
    expect(await outcome(real.tokens[this.name].burn.staticCall(this.amount, PENDING))).toBe(expected)
    if (expected !== 'ok') return
    await send(m, () => real.tokens[this.name].burn(this.amount, TX))
    a.supply -= this.amount
    await compare(m)
  }
  toString = () => `Burn(${this.name}, ${this.amount})`
}

class SetSupplyC implements Command {
  constructor(readonly supply: bigint) {}
  check = () => true
  async run(m: Model) {
    await send(m, () => real.c.setTotalSupply(this.supply, TX))
    m.assets.C.supply = this.supply
    await compare(m)
  }
  toString = () => `SetSupplyC(${this.supply})`
}

class MisbehaveC implements Command {
  constructor(readonly behaviour: Behaviour) {}
  check = () => true
  async run(m: Model) {
    await send(m, () => real.c.setBehaviour(TargetBehaviour[this.behaviour], 0n, TX))
    m.assets.C.behaviour = this.behaviour
    await compare(m)
  }
  toString = () => `MisbehaveC(${this.behaviour})`
}

/**
 * checkUpkeep, then performUpkeep with its performData: with the gas it needs, or with too little for all the
 * assets listed (the perform then stops, and the model follows it as far as it went).
 */
class Perform implements Command {
  constructor(readonly lowGas: boolean) {}
  check = () => true
  async run(m: Model) {
    const [upkeepNeeded, performData] = (await real.g.guard.checkUpkeep('0x')) as [boolean, string]
    const listed = NAMES.filter((name) => needsPause(m.assets[name], m.now))
    const byAddress = new Map(NAMES.map((name) => [real.targets[name], name]))
    expect(decodePerformData(performData).map((e) => byAddress.get(e.target))).toEqual(listed)
    expect(upkeepNeeded).toBe(listed.length > 0)
    if (!upkeepNeeded) return
    const gasLimit = this.lowGas ? real.minGasPerAsset + 150_000n : PERFORM_GAS
    await performAndCompare(m, performData, listed, gasLimit)
  }
  toString = () => `Perform(${this.lowGas ? 'low gas' : 'enough gas'})`
}

/** performUpkeep with a forged list, every asset and one twice: the guard re-checks each. */
class PerformForged implements Command {
  check = () => true
  async run(m: Model) {
    const entries: AssetName[] = ['C', 'A', 'B', 'A']
    const performData = encodePerformData(entries.map((name) => ({ target: real.targets[name], index: 0n })))
    await performAndCompare(m, performData, entries, PERFORM_GAS)
  }
  toString = () => 'PerformForged'
}

async function performAndCompare(m: Model, performData: string, entries: AssetName[], gasLimit: bigint) {
  const at = await nextBlock(m)
  const before = Object.fromEntries(NAMES.map((name) => [name, structuredClone(m.assets[name])]))
  const receipt = await send(m, () => real.g.asForwarder.performUpkeep(performData, { gasLimit }))
  const events = guardEvents(receipt)
  // As far as the perform went (all of the list, or up to where its gas ran low).
  const exhausted = events.find(([name]) => name === 'PerformGasExhausted')
  const handled = exhausted ? Number(eventsOf(receipt, real.g.guard).at(-1)!.args[0]) : entries.length
  const expected = perform(
    entries.slice(0, handled).map((name) => m.assets[name]),
    at,
  )
  expect(events.filter(([name]) => name !== 'PerformGasExhausted')).toEqual(expected)
  // A backed asset is never paused by the upkeep.
  for (const [name, target] of events) {
    if (name === 'AssetPaused')
      expect([target, isBacked(before[target as AssetName], at)]).toEqual([target, false])
  }
  // A short asset that is not backing off is paused by the next perform that has the gas (or backs off, its
  // pause having failed).
  if (!exhausted) {
    for (const name of new Set(entries)) {
      if (!needsPause(before[name], at)) continue
      const paused = fullyPaused({ ...before[name], paused: await pausedOn(name) })
      const [, retryAfter] = await real.g.guard.pauseBackoff(real.targets[name])
      expect([name, paused || retryAfter > at]).toEqual([name, true])
    }
  }
  await compare(m)
}

class GuardianPause implements Command {
  constructor(readonly name: AssetName) {}
  check = () => true
  async run(m: Model) {
    const target = real.targets[this.name]
    await nextBlock(m)
    const chain = await outcome(real.g.asGuardian.pauseAsset.staticCall(target, PENDING))
    const expected = guardianPause(m.assets[this.name])
    if (expected === 'target') {
      expect(chain).not.toBe('ok')
      return
    }
    if (expected !== 'AssetPausedByGuardian') {
      expect(chain).toBe(expected)
      return
    }
    expect(chain).toBe('ok')
    const receipt = await send(m, () => real.g.asGuardian.pauseAsset(target, TX))
    expect(guardEvents(receipt)).toEqual([[expected, this.name]])
    await compare(m)
  }
  toString = () => `GuardianPause(${this.name})`
}

/** `unpauseAsset` (the upkeep's hold) or `liftGuardianPause` (a guardian's). */
class Lift implements Command {
  constructor(
    readonly name: AssetName,
    readonly which: 'upkeep' | 'guardian',
  ) {}
  check = () => true
  async run(m: Model) {
    const target = real.targets[this.name]
    const as = this.which === 'upkeep' ? real.g.asUnpauser.unpauseAsset : real.g.asGuardian.liftGuardianPause
    const at = await nextBlock(m)
    const chain = await outcome(as.staticCall(target, PENDING))
    const a = m.assets[this.name]
    const pausersBefore = new Map(a.pausers)
    const pausedBefore = await pausedOn(this.name)
    const expected = liftHold(a, this.which, at)
    if (expected === 'NotHeld' || expected === 'AssetNotBacked') {
      expect(chain).toBe(expected)
      return
    }
    expect(chain).toBe('ok')
    const receipt = await send(m, () => as(target, TX))
    expect(guardEvents(receipt)).toEqual([[expected, this.name]])
    // The guard lifts only pauses it made.
    const lifted = pausedBefore & ~(await pausedOn(this.name))
    for (const flag of [Operation.Mint, Operation.Redeem, Operation.Burn].filter((f) => lifted & f)) {
      if (a.token) expect([flag, pausersBefore.get(flag)]).toEqual([flag, 'guard'])
    }
    await compare(m)
  }
  toString = () => `Lift(${this.name}, ${this.which})`
}

class ClearBackoff implements Command {
  constructor(readonly name: AssetName) {}
  check = () => true
  async run(m: Model) {
    const target = real.targets[this.name]
    await nextBlock(m)
    const chain = await outcome(real.g.asGuardian.clearPauseBackoff.staticCall(target, PENDING))
    const expected = clearBackoff(m.assets[this.name])
    if (expected === 'NoPauseBackoff') {
      expect(chain).toBe(expected)
      return
    }
    await send(m, () => real.g.asGuardian.clearPauseBackoff(target, TX))
    await compare(m)
  }
  toString = () => `ClearBackoff(${this.name})`
}

/**
 * A's owner on the token directly: pauses one operation, unpauses it (whoever paused it), or takes it over
 * (unpauses the guard's pause of it and pauses it again, for an incident of its own).
 */
class Owner implements Command {
  constructor(
    readonly flag: bigint,
    readonly move: 'pause' | 'unpause' | 'takeover',
  ) {}
  check = () => true
  async run(m: Model) {
    const a = m.assets.A
    const token = real.tokens.A
    if (this.move !== 'pause') {
      await send(m, () => token.unpauseOperations(this.flag, TX))
      ownerUnpause(a, this.flag)
      await compare(m)
      if (this.move === 'unpause') return
    }
    await nextBlock(m)
    const chain = await outcome(token.pauseOperations.staticCall(this.flag, PENDING))
    const expected = ownerPause(a, this.flag)
    if (expected === 'OperationPausedByAnother') {
      expect(chain).toBe(expected)
      return
    }
    await send(m, () => token.pauseOperations(this.flag, TX))
    await compare(m)
  }
  toString = () => `Owner(A, ${this.flag}, ${this.move})`
}

class AdvanceTime implements Command {
  constructor(readonly seconds: bigint) {}
  check = () => true
  async run(m: Model) {
    m.now += this.seconds
    await real.provider.send('evm_mine', [Number(m.now)])
    await compare(m)
  }
  toString = () => `AdvanceTime(${this.seconds})`
}

// ---------------------------------------------------------------- the property

// A, the token with an owner that pauses too, is drawn twice as often as each of the others.
const name = fc.constantFrom<AssetName>('A', 'A', 'B', 'C')
const tokenName = fc.constantFrom<'A' | 'B'>('A', 'B')
const flag = fc.constantFrom(Operation.Mint, Operation.Redeem, Operation.Burn)
const setReserves = fc
  .tuple(name, fc.constantFrom<SetReserves['level']>('plenty', 'exact', 'short', 'zero'))
  .map(([n, level]) => new SetReserves(n, level))
const performs = fc.boolean().map((lowGas) => new Perform(lowGas))
const lifts = fc
  .tuple(name, fc.constantFrom<Lift['which']>('upkeep', 'guardian'))
  .map(([n, which]) => new Lift(n, which))
const owner = fc
  .tuple(flag, fc.constantFrom<Owner['move']>('pause', 'unpause', 'takeover'))
  .map(([f, move]) => new Owner(f, move))
// Feed moves and performs are drawn three times as often as the rest, lifts and the owner's moves twice:
// sequences that go short, get paused, meet other people's pauses and recover are what the invariants are about.
const commands = fc.commands(
  [
    setReserves,
    setReserves,
    setReserves,
    performs,
    performs,
    performs,
    name.map((n) => new MakeStale(n)),
    fc
      .tuple(tokenName, fc.constantFrom(1n, 10n * TOKEN, 500n * TOKEN))
      .map(([n, amount]) => new Mint(n, amount)),
    fc.tuple(tokenName, fc.constantFrom(1n, 10n * TOKEN)).map(([n, amount]) => new Burn(n, amount)),
    fc.constantFrom(50n * TOKEN, 100n * TOKEN, 300n * TOKEN).map((supply) => new SetSupplyC(supply)),
    fc
      .constantFrom<Behaviour>('Normal', 'Revert', 'BurnGas', 'BurnGasInSupply')
      .map((b) => new MisbehaveC(b)),
    fc.constant(new PerformForged()),
    name.map((n) => new GuardianPause(n)),
    lifts,
    lifts,
    name.map((n) => new ClearBackoff(n)),
    owner,
    owner,
    fc.constantFrom(61n, 3_601n, 90_000n).map((seconds) => new AdvanceTime(seconds)),
  ],
  { maxCommands: 30, size: 'max' },
)

describe('ReserveGuard against its model (a chain of its own)', () => {
  it('keeps every invariant over random sequences of feeds, supplies, targets, performs and people', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        await real.provider.send('evm_revert', [setupSnapshot])
        setupSnapshot = (await real.provider.send('evm_snapshot', [])) as string
        // The signers count their nonces: back to the chain's, as reverted.
        for (const signer of [own.admin, own.forwarder, own.guardian, own.unpauser])
          (signer as NonceManager).reset()
        const model = await initialModel()
        await fc.asyncModelRun(() => ({ model, real }), cmds)
      }),
      { numRuns: 30, endOnFailure: true },
    )
  }, 600_000)
})
