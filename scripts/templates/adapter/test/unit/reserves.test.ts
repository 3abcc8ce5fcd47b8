import fc from 'fast-check'
import { reserveUnits } from '../../src/rules/reserves'

describe('reserveUnits', () => {
  it('scales up exactly', () => {
    expect(reserveUnits({ units: 1_234_567_891n, decimals: 3 }, 18, 'acme')).toBe(
      1_234_567_891_000_000_000_000_000n,
    )
  })

  it('drops the digits beyond the output decimals: rounds down, never up', () => {
    expect(reserveUnits({ units: 1_234_567_899n, decimals: 3 }, 2, 'acme')).toBe(123_456_789n)
    expect(reserveUnits({ units: 9n, decimals: 3 }, 0, 'acme')).toBe(0n)
  })

  it('is never above the reserves, and less than one unit below them', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 40n }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 36 }),
        (units, from, to) => {
          const result = reserveUnits({ units, decimals: from }, to, 'acme')
          // result × 10^-to ≤ units × 10^-from < (result + 1) × 10^-to, in integers
          const scale = (value: bigint, up: number) => value * 10n ** BigInt(up)
          expect(scale(result, from) <= scale(units, to)).toBe(true)
          expect(scale(units, to) < scale(result + 1n, from)).toBe(true)
        },
      ),
    )
  })

  it('refuses negative reserves with a 502', () => {
    expect(() => reserveUnits({ units: -1n, decimals: 0 }, 18, 'account acme')).toThrow(
      expect.objectContaining({ statusCode: 502, message: 'account acme: reserves are negative' }),
    )
  })
})
