/**
 * Property tests: ReserveCheck's decision against the bigint model in reserve-check-model.ts, for random
 * reserves, supply, amount, margin (every mode) and feed/token decimals 0–24. The library is checked through a pure
 * harness, many cases per eth_call; the token and the guard are checked end to end on the chain.
 */
import fc from 'fast-check'
import type { JsonRpcProvider, Signer } from 'ethers'
import {
  deployMockReserveFeed,
  deployReserveCheckHarness,
  deployReserveGuard,
  type ReserveCheckHarness,
} from '#chain/contracts'
import {
  MarginMode,
  NO_MARGIN,
  PauseMode,
  Reason,
  StalePolicy,
  SupplyKind,
  Verdict,
  assetConfig,
  toResult,
  type Margin,
} from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { deployToken, fastCall, latestTimestamp, setTokenRules } from './helpers'
import {
  BPS,
  MAX_INT256,
  MAX_UINT256,
  MIN_INT256,
  minimumBackingReserves,
  modelCompare,
  modelReason,
  modelVerdict,
  type CompareInput,
  type EvaluateInput,
  type Reading,
} from './reserve-check-model'

let provider: JsonRpcProvider
let signer: Signer
let harness: ReserveCheckHarness

beforeAll(async () => {
  provider = localProvider()
  signer = await fundedSigner(provider)
  harness = await deployReserveCheckHarness(signer)
})

afterAll(() => provider.destroy())

// ---------------------------------------------------------------- arbitraries

const decimals = fc.integer({ min: 0, max: 24 })
const percentage = fc.oneof(
  fc.constantFrom(0n, 1n, BPS),
  fc.bigInt({ min: 0n, max: 1_000n }),
  fc.bigInt({ min: 0n, max: BPS }),
)
const absolute = fc.oneof(
  fc.bigInt({ min: 1n, max: 1_000n }),
  fc.bigInt({ min: 1n, max: 10n ** 40n }),
  fc.bigInt({ min: 1n, max: MAX_UINT256 }),
)
/** Every margin mode, with amounts in its bounds (ACE's), of every size. */
const marginArb: fc.Arbitrary<Margin> = fc.oneof(
  fc.constant(NO_MARGIN),
  ...[MarginMode.PositivePercentage, MarginMode.NegativePercentage].map((marginMode) =>
    percentage.map((marginAmount) => ({ marginMode, marginAmount })),
  ),
  ...[MarginMode.PositiveAbsolute, MarginMode.NegativeAbsolute].map((marginMode) =>
    absolute.map((marginAmount) => ({ marginMode, marginAmount })),
  ),
)
/** The margins the chain tests set on a token (amounts it can hold without overflowing its supply). */
const chainMarginArb: fc.Arbitrary<Margin> = fc.oneof(
  fc.constant(NO_MARGIN),
  ...[MarginMode.PositivePercentage, MarginMode.NegativePercentage].map((marginMode) =>
    percentage.map((marginAmount) => ({ marginMode, marginAmount })),
  ),
  ...[MarginMode.PositiveAbsolute, MarginMode.NegativeAbsolute].map((marginMode) =>
    fc.bigInt({ min: 1n, max: 10n ** 30n }).map((marginAmount) => ({ marginMode, marginAmount })),
  ),
)
const sameMargin = (a: Margin, b: Margin) =>
  a.marginMode === b.marginMode && a.marginAmount === b.marginAmount
/** Amounts of every size: zero, token-sized, and anywhere in 256 bits. */
const quantity = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 40n }), weight: 6 },
  { arbitrary: fc.bigInt({ min: 0n, max: MAX_UINT256 }), weight: 1 },
)
/** An amount to mint, sometimes so large that supply + amount overflows 256 bits. */
const amountArb = fc.oneof(
  { arbitrary: quantity, weight: 12 },
  { arbitrary: fc.bigInt({ min: MAX_UINT256 - 10n ** 40n, max: MAX_UINT256 }), weight: 1 },
)

/** Reserves either anywhere, or within a few units of the smallest reserves that back the supply. */
function reservesFor(c: Omit<CompareInput, 'reserves'>, max: bigint): fc.Arbitrary<bigint> {
  const anywhere = fc.bigInt({ min: 0n, max })
  const boundary = minimumBackingReserves(c)
  if (boundary === undefined || boundary > max + 3n) return anywhere
  const near = fc.bigInt({ min: -3n, max: 3n }).map((delta) => {
    const r = boundary + delta
    return r < 0n ? 0n : r > max ? max : r
  })
  return fc.oneof({ arbitrary: near, weight: 3 }, { arbitrary: anywhere, weight: 1 })
}

const compareCase: fc.Arbitrary<CompareInput> = fc
  .record({
    reserveDecimals: decimals,
    supplyDecimals: decimals,
    supply: quantity,
    amount: amountArb,
    margin: marginArb,
  })
  .map(({ margin, ...c }) => ({ ...c, ...margin }))
  .chain((c) => reservesFor({ ...c }, MAX_UINT256).map((reserves) => ({ ...c, reserves })))

// Batches of cases: each batch is one eth_call. A failing run reports every mismatching case of its batch
// and the seed to replay it; runs end at the first failure (`endOnFailure`) rather than shrinking, since
// every shrinking step would cost calls or transactions.
const BATCH = 64

describe('ReserveCheck.compare matches the model', () => {
  it(`in every case (${BATCH * 60} cases)`, async () => {
    const seen = new Map<bigint, number>()
    await fc.assert(
      fc.asyncProperty(fc.array(compareCase, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const got = [...((await fastCall(harness, 'compareBatch', [cases])) as bigint[])]
        const mismatches = cases.flatMap((c, i) => {
          const expected = modelCompare(c)
          seen.set(expected, (seen.get(expected) ?? 0) + 1)
          return got[i] === expected ? [] : [{ case: c, contract: got[i], model: expected }]
        })
        expect(mismatches).toEqual([])
      }),
      { numRuns: 60, endOnFailure: true },
    )
    // The generator reaches both sides of the boundary, and overflow, often enough to mean something.
    expect(seen.get(Reason.None) ?? 0).toBeGreaterThan(BATCH * 60 * 0.15)
    expect(seen.get(Reason.InsufficientReserves) ?? 0).toBeGreaterThan(BATCH * 60 * 0.15)
    expect(seen.get(Reason.SupplyOverflow) ?? 0).toBeGreaterThan(0)
  })

  it(`with decimals 0–255, including unsupported gaps (${BATCH * 15} cases)`, async () => {
    let unsupported = 0
    const wide = fc
      .record({
        reserveDecimals: fc.integer({ min: 0, max: 255 }),
        supplyDecimals: fc.integer({ min: 0, max: 255 }),
        supply: quantity,
        amount: quantity,
        margin: marginArb,
        reserves: fc.bigInt({ min: 0n, max: MAX_UINT256 }),
      })
      .map(({ margin, ...c }): CompareInput => ({ ...c, ...margin }))
    await fc.assert(
      fc.asyncProperty(fc.array(wide, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const got = [...((await fastCall(harness, 'compareBatch', [cases])) as bigint[])]
        const mismatches = cases.flatMap((c, i) => {
          const expected = modelCompare(c)
          if (expected === Reason.UnsupportedDecimals) unsupported += 1
          return got[i] === expected ? [] : [{ case: c, contract: got[i], model: expected }]
        })
        expect(mismatches).toEqual([])
      }),
      { numRuns: 15, endOnFailure: true },
    )
    expect(unsupported).toBeGreaterThan(BATCH)
  })
})

// ---------------------------------------------------------------- the whole rule set

const NOW = 1_700_000_000n

function readingArb(heartbeat: bigint, answer: fc.Arbitrary<bigint>): fc.Arbitrary<Reading> {
  const updatedAt = fc.oneof(
    { arbitrary: fc.bigInt({ min: NOW - heartbeat, max: NOW }), weight: 8 }, // fresh
    { arbitrary: fc.constantFrom(NOW - heartbeat, NOW - heartbeat - 1n, NOW, NOW + 1n, 0n), weight: 2 },
    { arbitrary: fc.bigInt({ min: 1n, max: NOW - heartbeat - 1n }), weight: 1 }, // stale
    { arbitrary: fc.bigInt({ min: NOW + 1n, max: NOW + 10n ** 9n }), weight: 1 }, // future
  )
  return fc.record({
    ok: fc.oneof({ arbitrary: fc.constant(true), weight: 12 }, { arbitrary: fc.constant(false), weight: 1 }),
    answer,
    updatedAt,
    decimals,
  })
}

const signedAnswer = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 40n }), weight: 8 },
  { arbitrary: fc.constantFrom(0n, -1n, MAX_INT256, MIN_INT256), weight: 1 },
  { arbitrary: fc.bigInt({ min: MIN_INT256, max: MAX_INT256 }), weight: 1 },
)

const evaluateCase: fc.Arbitrary<EvaluateInput> = fc
  .record({
    heartbeat: fc.bigInt({ min: 1n, max: 172_800n }),
    supplyHeartbeat: fc.bigInt({ min: 1n, max: 172_800n }),
    stalePolicy: fc.constantFrom(StalePolicy.FailClosed, StalePolicy.Skip),
    margin: marginArb,
    amount: amountArb,
  })
  .chain(({ heartbeat, supplyHeartbeat, stalePolicy, margin, amount }) =>
    fc.record({
      reserve: readingArb(heartbeat, signedAnswer),
      supply: readingArb(supplyHeartbeat, signedAnswer),
      rules: fc.constant({ heartbeat, supplyHeartbeat, stalePolicy, ...margin }),
      amount: fc.constant(amount),
      timestamp: fc.constant(NOW),
    }),
  )
  .chain((c) => {
    // Bring the reserves near the backing boundary in most cases where both answers are usable.
    if (c.supply.answer < 0n) return fc.constant(c)
    const backing = {
      reserveDecimals: c.reserve.decimals,
      supplyDecimals: c.supply.decimals,
      supply: c.supply.answer,
      amount: c.amount,
      marginMode: c.rules.marginMode,
      marginAmount: c.rules.marginAmount,
    }
    return fc.oneof(
      fc.constant(c),
      reservesFor(backing, MAX_INT256).map((answer) => ({ ...c, reserve: { ...c.reserve, answer } })),
    )
  })

describe('ReserveCheck.evaluate matches the model', () => {
  it(`in every case (${BATCH * 50} cases)`, async () => {
    const seen = new Map<bigint, number>()
    await fc.assert(
      fc.asyncProperty(fc.array(evaluateCase, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const results = [...((await fastCall(harness, 'evaluateBatch', [cases])) as unknown[])].map(toResult)
        const mismatches = cases.flatMap((c, i) => {
          const reason = modelReason(c)
          seen.set(reason, (seen.get(reason) ?? 0) + 1)
          const model = {
            verdict: modelVerdict(reason, c.rules.stalePolicy),
            reason,
            reserves: c.reserve.answer,
            supply: c.supply.answer,
          }
          const got = results[i]
          const same =
            got.verdict === model.verdict &&
            got.reason === model.reason &&
            got.reserves === model.reserves &&
            got.supply === model.supply
          return same ? [] : [{ case: c, contract: got, model }]
        })
        expect(mismatches).toEqual([])
      }),
      { numRuns: 50, endOnFailure: true },
    )
    // Every rule is reached by the generator.
    // (UnsupportedDecimals needs a gap above 72: the wide-decimals test covers it.)
    const unreached = Object.entries(Reason).filter(
      ([, reason]) => reason !== Reason.UnsupportedDecimals && !seen.get(reason),
    )
    expect(unreached).toEqual([])
  })
})

// ---------------------------------------------------------------- end to end on the chain

/** Smaller numbers on the chain: every case costs transactions. */
const chainQuantity = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 30n }))

describe('SecureMintToken mints exactly when the model says the supply after the mint is backed', () => {
  it('for feed decimals 0–24, supply, amount and margin', async () => {
    const admin = await signer.getAddress()
    const feed = await deployMockReserveFeed(signer, 8, 1n)
    const token = await deployToken(signer, admin, feed, 86_400)
    await (await token.grantRole(await token.MINTER_ROLE(), admin)).wait()
    let supply = 0n
    let currentMargin = NO_MARGIN
    const run = fc
      .record({
        feedDecimals: decimals,
        supply: chainQuantity,
        amount: chainQuantity,
        margin: chainMarginArb,
      })
      .map(({ margin, ...c }) => ({ ...c, ...margin }))
      .chain((c) =>
        reservesFor({ ...c, reserveDecimals: c.feedDecimals, supplyDecimals: 8 }, MAX_INT256).map(
          (reserves) => ({
            ...c,
            reserves: reserves === 0n ? 1n : reserves,
          }),
        ),
      )
    await fc.assert(
      fc.asyncProperty(run, async (c) => {
        const now = await latestTimestamp(provider)
        // Unbounded reserves while the supply is brought to the case's, then the case's reserves.
        await (await feed.setState(c.feedDecimals, MAX_INT256, now)).wait()
        if (c.supply > supply && !sameMargin(currentMargin, NO_MARGIN)) {
          // A 100% positive margin leaves nothing mintable, however large the reserves.
          await setTokenRules(token, await feed.getAddress(), 86_400, NO_MARGIN)
          currentMargin = NO_MARGIN
        }
        if (c.supply > supply) await (await token.mint(admin, c.supply - supply)).wait()
        if (c.supply < supply) await (await token.burn(supply - c.supply)).wait()
        supply = c.supply
        if (!sameMargin(c, currentMargin)) {
          await setTokenRules(token, await feed.getAddress(), 86_400, c)
          currentMargin = { marginMode: c.marginMode, marginAmount: c.marginAmount }
        }
        await (await feed.setState(c.feedDecimals, c.reserves, now)).wait()
        expect(await token.totalSupply()).toBe(c.supply)
        const expected = modelCompare({
          reserves: c.reserves,
          reserveDecimals: c.feedDecimals,
          supply: c.supply,
          supplyDecimals: 8,
          amount: c.amount,
          marginMode: c.marginMode,
          marginAmount: c.marginAmount,
        })
        const status = toResult(await token.reserveStatus(c.amount))
        expect({ case: c, reason: status.reason }).toEqual({ case: c, reason: expected })
        let minted = true
        try {
          await token.mint.staticCall(admin, c.amount)
        } catch {
          minted = false
        }
        expect({ case: c, minted }).toEqual({ case: c, minted: expected === Reason.None })
      }),
      { numRuns: 25, endOnFailure: true },
    )
  })
})

describe('ReserveGuard finds an asset short exactly when the model does', () => {
  it('for reserve and supply feed decimals 0–24, reserves, supply and margin', async () => {
    const admin = await signer.getAddress()
    const reserveFeed = await deployMockReserveFeed(signer, 8, 1n)
    const supplyFeed = await deployMockReserveFeed(signer, 8, 0n)
    const target = await deployToken(signer, admin, reserveFeed)
    const guard = await deployReserveGuard(signer, admin, 0)
    const config = (margin: Margin) =>
      assetConfig({
        reserveFeed: String(reserveFeed.target),
        supplyKind: SupplyKind.SupplyFeed,
        supplySource: String(supplyFeed.target),
        supplyHeartbeat: 86_400,
        marginMode: margin.marginMode,
        marginAmount: margin.marginAmount,
        pauseMode: PauseMode.Operations,
      })
    await (await guard.addAsset(target.target, config(NO_MARGIN))).wait()
    let currentMargin = NO_MARGIN
    const run = fc
      .record({
        reserveDecimals: decimals,
        supplyDecimals: decimals,
        supply: chainQuantity,
        margin: chainMarginArb,
      })
      .map(({ margin, ...c }) => ({ ...c, ...margin }))
      .chain((c) =>
        reservesFor({ ...c, amount: 0n }, MAX_INT256).map((reserves) => ({
          ...c,
          reserves: reserves === 0n ? 1n : reserves,
        })),
      )
    await fc.assert(
      fc.asyncProperty(run, async (c) => {
        const now = await latestTimestamp(provider)
        if (!sameMargin(c, currentMargin)) {
          // The token's own rules must stay the guard's.
          currentMargin = { marginMode: c.marginMode, marginAmount: c.marginAmount }
          await setTokenRules(target, reserveFeed.target, 86_400, currentMargin)
          await (await guard.scheduleAssetUpdate(target.target, config(currentMargin))).wait()
          await (await guard.updateAsset(target.target, config(currentMargin))).wait()
        }
        await (await reserveFeed.setState(c.reserveDecimals, c.reserves, now)).wait()
        await (await supplyFeed.setState(c.supplyDecimals, c.supply, now)).wait()
        // Every check reads the feeds' decimals now: the case's, at once.
        expect([...(await guard.assetDecimals(target.target))]).toEqual([
          BigInt(c.reserveDecimals),
          BigInt(c.supplyDecimals),
        ])
        const expected = modelCompare({ ...c, amount: 0n })
        const status = toResult(await guard.assetStatus(target.target))
        expect({ case: c, status }).toEqual({
          case: c,
          status: {
            verdict: expected === Reason.None ? Verdict.Backed : Verdict.Short,
            reason: expected,
            reserves: c.reserves,
            supply: c.supply,
          },
        })
        const [upkeepNeeded] = (await guard.checkUpkeep('0x')) as [boolean, string]
        expect({ case: c, upkeepNeeded }).toEqual({ case: c, upkeepNeeded: expected !== Reason.None })
      }),
      { numRuns: 25, endOnFailure: true },
    )
  })
})
