/**
 * The figures every tool shows (devkit/reserve-figures.ts), held to the contract: a headroom of zero or more is
 * exactly what `ReserveCheck.compare` calls backed, for any reserves, supply, precisions and margin (through
 * the ReserveCheckHarness on the local chain); the required reserves are the least that back a supply; the
 * ratio is rounded down; the verdict in words follows the reason.
 */
import fc from 'fast-check'
import type { JsonRpcProvider } from 'ethers'
import { deployReserveCheckHarness, type ReserveCheckHarness } from '#chain/contracts'
import { Reason, Verdict } from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import {
  headroom,
  marginOf,
  ratioPercent,
  requiredRatioPercent,
  requiredReserves,
  verdictWord,
  type Backing,
} from '#devkit/reserve-figures'

let provider: JsonRpcProvider
let harness: ReserveCheckHarness

beforeAll(async () => {
  provider = localProvider()
  harness = await deployReserveCheckHarness(await fundedSigner(provider))
})
afterAll(() => provider.destroy())

describe('the verdict in words', () => {
  it.each([
    ['Backed', 'None', 'backed'],
    ['Short', 'InsufficientReserves', 'short'],
    ['Short', 'NonPositiveReserves', 'short'],
    ['Short', 'UnsupportedDecimals', 'short'],
    ['Short', 'StaleReserves', 'stale'],
    ['Short', 'StaleSupply', 'stale'],
    ['Short', 'ReserveFeedFailed', 'stale'],
    ['Short', 'SupplyFailed', 'stale'],
    ['Skipped', 'StaleReserves', 'stale'],
  ] as const)('%s for %s: %s', (verdict, reason, word) => {
    expect(verdictWord(Verdict[verdict], Reason[reason])).toBe(word)
  })
})

describe('the figures', () => {
  const usdx: Backing = {
    reserves: 100052341987000000n,
    reserveDecimals: 8,
    supply: 99000000000000000n,
    supplyDecimals: 8,
  }

  it('ratio, requirement and headroom, exact', () => {
    const margin = marginOf({ marginBps: 100 })
    expect(ratioPercent(usdx)).toBe('101.06')
    expect(requiredRatioPercent(margin)).toBe('101')
    expect(requiredRatioPercent(marginOf({ marginBps: 5 }))).toBe('100.05')
    expect(headroom(usdx, margin)).toEqual({ units: 62341987000000n, decimals: 8 })
    // 18-decimal reserves for an 8-decimal supply: the supply is scaled up, never the reserves down.
    expect(
      headroom({ ...usdx, reserves: 10n ** 27n, reserveDecimals: 18 }, marginOf({ marginBps: 0 })),
    ).toEqual({
      units: 10n ** 27n - 990_000_000n * 10n ** 18n,
      decimals: 18,
    })
    expect(ratioPercent({ ...usdx, supply: 0n })).toBeUndefined()
    expect(ratioPercent({ ...usdx, reserves: 2n, supply: 3n })).toBe('66.66') // down, not 66.67
  })

  it('requires the least reserves that back a supply: one unit less is short', () => {
    expect(requiredReserves(1n, marginOf({ marginBps: 1 }))).toBe(2n) // 1.0001, rounded up
    expect(requiredReserves(10_000n, marginOf({ marginBps: 1 }))).toBe(10_001n)
    expect(requiredReserves(0n, marginOf({ marginBps: 65_535 }))).toBe(0n)
  })

  it('calls backed exactly what ReserveCheck.compare calls backed (64 × 25 cases through the contract)', async () => {
    const backing = fc
      .record({
        reserveDecimals: fc.integer({ min: 0, max: 36 }),
        supplyDecimals: fc.integer({ min: 0, max: 36 }),
        supply: fc.bigInt({ min: 0n, max: 10n ** 30n }),
        marginBps: fc.integer({ min: 0, max: 65_535 }),
      })
      .chain((c) => {
        // Near the boundary most of the time: the least reserves that back the supply, give or take a few units.
        const common = Math.max(c.reserveDecimals, c.supplyDecimals)
        const needed = requiredReserves(c.supply * 10n ** BigInt(common - c.supplyDecimals), marginOf(c))
        const least =
          (needed + 10n ** BigInt(common - c.reserveDecimals) - 1n) /
          10n ** BigInt(common - c.reserveDecimals)
        const near = fc.bigInt({ min: -2n, max: 2n }).map((d) => (least + d < 0n ? 0n : least + d))
        return fc
          .oneof(
            { arbitrary: near, weight: 3 },
            { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 40n }), weight: 1 },
          )
          .map((reserves) => ({ ...c, reserves }))
      })
    let backed = 0
    await fc.assert(
      fc.asyncProperty(fc.array(backing, { minLength: 64, maxLength: 64 }), async (cases) => {
        const reasons = await harness.compareBatch(cases.map((c) => ({ ...c, amount: 0n })))
        const mismatches = cases.flatMap((c, i) => {
          const ours = headroom(c, marginOf(c)).units >= 0n
          if (ours) backed += 1
          return ours === (reasons[i] === Reason.None) ? [] : [{ case: c, contract: reasons[i] }]
        })
        expect(mismatches).toEqual([])
      }),
      { numRuns: 25, endOnFailure: true },
    )
    expect(backed).toBeGreaterThan(64 * 25 * 0.2)
    expect(backed).toBeLessThan(64 * 25 * 0.8)
  })
})
