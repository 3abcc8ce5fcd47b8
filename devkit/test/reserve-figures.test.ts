/**
 * The figures every tool shows (devkit/reserve-figures.ts), held to the contract: a headroom of zero or more is
 * exactly what `ReserveCheck.compare` calls backed, for any reserves, supply, precisions and margin in each of
 * ACE's five modes, positive and negative, percentage and absolute (through the ReserveCheckHarness on the local
 * chain); the required reserves are the least that back a supply; the ratio is rounded down; the verdict in words
 * follows the reason; the margin is named by its ACE mode.
 */
import fc from 'fast-check'
import type { JsonRpcProvider } from 'ethers'
import { deployReserveCheckHarness, type ReserveCheckHarness } from '#chain/contracts'
import { MarginMode, NO_MARGIN, Reason, Verdict, type Margin } from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import {
  headroom,
  marginText,
  ratioPercent,
  requiredReserves,
  verdictWord,
  type Backing,
} from '#devkit/reserve-figures'

type MarginModeName = keyof typeof MarginMode

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

const percentage = (mode: 'PositivePercentage' | 'NegativePercentage', bps: bigint): Margin => ({
  marginMode: MarginMode[mode],
  marginAmount: bps,
})
const absolute = (mode: 'PositiveAbsolute' | 'NegativeAbsolute', units: bigint): Margin => ({
  marginMode: MarginMode[mode],
  marginAmount: units,
})

describe('the figures', () => {
  const usdx: Backing = {
    reserves: 100052341987000000n,
    reserveDecimals: 8,
    supply: 99000000000000000n,
    supplyDecimals: 8,
  }

  it('ratio, requirement and headroom, exact', () => {
    expect(ratioPercent(usdx)).toBe('101.06')
    // 1 % of the reserves kept: 990,000,000 needs 1,000,000,000 (990,000,000 ÷ 0.99).
    expect(headroom(usdx, percentage('PositivePercentage', 100n))).toEqual({
      units: 52341987000000n,
      decimals: 8,
    })
    expect(headroom(usdx, NO_MARGIN)).toEqual({ units: 1052341987000000n, decimals: 8 })
    // 990,000,000 ÷ 1.01 = 980,198,019.80198…, rounded up to the unit.
    expect(headroom(usdx, percentage('NegativePercentage', 100n))).toEqual({
      units: usdx.reserves - 98019801980198020n,
      decimals: 8,
    })
    expect(headroom(usdx, absolute('PositiveAbsolute', 5n * 10n ** 14n))).toEqual({
      units: 552341987000000n,
      decimals: 8,
    })
    expect(headroom(usdx, absolute('NegativeAbsolute', 5n * 10n ** 14n))).toEqual({
      units: 1552341987000000n,
      decimals: 8,
    })
    // 18-decimal reserves for an 8-decimal supply: the supply is scaled up, never the reserves down; an absolute
    // margin, in the supply's units, with it.
    const scaled = { ...usdx, reserves: 10n ** 27n, reserveDecimals: 18 }
    expect(headroom(scaled, NO_MARGIN)).toEqual({
      units: 10n ** 27n - 990_000_000n * 10n ** 18n,
      decimals: 18,
    })
    expect(headroom(scaled, absolute('PositiveAbsolute', 1n))).toEqual({
      units: 10n ** 27n - 990_000_000n * 10n ** 18n - 10n ** 10n,
      decimals: 18,
    })
    expect(ratioPercent({ ...usdx, supply: 0n })).toBeUndefined()
    expect(ratioPercent({ ...usdx, reserves: 2n, supply: 3n })).toBe('66.66') // down, not 66.67
  })

  it('requires the least reserves that back a supply, in each mode', () => {
    expect(requiredReserves(1n, NO_MARGIN)).toBe(1n)
    expect(requiredReserves(1n, percentage('PositivePercentage', 1n))).toBe(2n) // 1.0001…, rounded up
    expect(requiredReserves(9_999n, percentage('PositivePercentage', 1n))).toBe(10_000n)
    expect(requiredReserves(10_000n, percentage('PositivePercentage', 1n))).toBe(10_002n) // 10,001.0001…
    expect(requiredReserves(10_100n, percentage('NegativePercentage', 100n))).toBe(10_000n)
    expect(requiredReserves(10_101n, percentage('NegativePercentage', 100n))).toBe(10_001n)
    expect(requiredReserves(3n, absolute('PositiveAbsolute', 5n))).toBe(8n)
    expect(requiredReserves(3n, absolute('PositiveAbsolute', 5n), 100n)).toBe(503n)
    expect(requiredReserves(3n, absolute('NegativeAbsolute', 5n))).toBe(0n)
    expect(requiredReserves(8n, absolute('NegativeAbsolute', 5n))).toBe(3n)
    // A supply of 0 is backed by anything; a 100 % positive percentage backs nothing else.
    expect(requiredReserves(0n, absolute('PositiveAbsolute', 5n))).toBe(0n)
    expect(requiredReserves(0n, percentage('PositivePercentage', 10_000n))).toBe(0n)
    expect(requiredReserves(1n, percentage('PositivePercentage', 10_000n))).toBeUndefined()
    expect(headroom({ ...usdx, reserves: 10n ** 40n }, percentage('PositivePercentage', 10_000n))).toEqual({
      units: undefined,
      decimals: 8,
    })
  })

  it('names the margin by its ACE mode, with its amount', () => {
    expect(marginText(NO_MARGIN, 8)).toBe('None')
    expect(marginText(percentage('PositivePercentage', 100n), 8)).toBe('PositivePercentage 100 bps (1 %)')
    expect(marginText(percentage('NegativePercentage', 5n), 8)).toBe('NegativePercentage 5 bps (0.05 %)')
    expect(marginText(absolute('PositiveAbsolute', 500_000_000_000n), 8, ' USDX')).toBe(
      'PositiveAbsolute 5000 USDX',
    )
    expect(marginText(absolute('NegativeAbsolute', 1n), 8)).toBe('NegativeAbsolute 0.00000001')
  })

  /** A margin of `mode` within ACE's bounds, the edges included. */
  const marginIn = (mode: MarginModeName): fc.Arbitrary<Margin> => {
    const marginMode = MarginMode[mode]
    const amount =
      mode === 'None'
        ? fc.constant(0n)
        : mode === 'PositivePercentage' || mode === 'NegativePercentage'
          ? fc.oneof(fc.constantFrom(0n, 1n, 9_999n, 10_000n), fc.bigInt({ min: 0n, max: 10_000n }))
          : fc.oneof(fc.constant(1n), fc.bigInt({ min: 1n, max: 10n ** 30n }))
    return amount.map((marginAmount) => ({ marginMode, marginAmount }))
  }

  it.each(Object.keys(MarginMode) as MarginModeName[])(
    'calls backed exactly what ReserveCheck.compare calls backed, %s (64 × 10 cases through the contract)',
    async (mode) => {
      const backing = fc
        .record({
          reserveDecimals: fc.integer({ min: 0, max: 36 }),
          supplyDecimals: fc.integer({ min: 0, max: 36 }),
          supply: fc.oneof(
            { arbitrary: fc.constant(0n), weight: 1 },
            { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 30n }), weight: 7 },
          ),
          margin: marginIn(mode),
        })
        .chain((c) => {
          // Near the boundary most of the time: the least reserves that back the supply, give or take a few units.
          const common = Math.max(c.reserveDecimals, c.supplyDecimals)
          const supplyScale = 10n ** BigInt(common - c.supplyDecimals)
          const reserveScale = 10n ** BigInt(common - c.reserveDecimals)
          const needed = requiredReserves(c.supply * supplyScale, c.margin, supplyScale)
          const anywhere = fc.bigInt({ min: 0n, max: 10n ** 40n })
          if (needed === undefined) return anywhere.map((reserves) => ({ ...c, reserves }))
          const least = (needed + reserveScale - 1n) / reserveScale
          const near = fc.bigInt({ min: -2n, max: 2n }).map((d) => (least + d < 0n ? 0n : least + d))
          return fc
            .oneof({ arbitrary: near, weight: 3 }, { arbitrary: anywhere, weight: 1 })
            .map((reserves) => ({ ...c, reserves }))
        })
      let backed = 0
      await fc.assert(
        fc.asyncProperty(fc.array(backing, { minLength: 64, maxLength: 64 }), async (cases) => {
          const reasons = await harness.compareBatch(
            cases.map(({ margin, ...c }) => ({ ...c, ...margin, amount: 0n })),
          )
          const mismatches = cases.flatMap((c, i) => {
            const units = headroom(c, c.margin).units
            const ours = units !== undefined && units >= 0n
            if (ours) backed += 1
            return ours === (reasons[i] === Reason.None) ? [] : [{ case: c, contract: reasons[i] }]
          })
          expect(mismatches).toEqual([])
        }),
        { numRuns: 10, endOnFailure: true },
      )
      // Both sides of the boundary are reached in every mode, each in a tenth of the cases at least.
      expect(backed).toBeGreaterThan(64 * 10 * 0.1)
      expect(64 * 10 - backed).toBeGreaterThan(64 * 10 * 0.1)
    },
  )
})
