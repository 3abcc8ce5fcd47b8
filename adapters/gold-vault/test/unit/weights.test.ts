import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { compare, parseDecimal } from '#common/decimal'
import { GRAMS_PER_TROY_OUNCE, gramsToTroyOunceUnits, inGrams, show } from '../../src/rules/weights'

const d = (text: string) => parseDecimal(text)

describe('weights', () => {
  it('converts troy ounces and kilograms to grams exactly', () => {
    expect(show(inGrams(d('1'), 'toz'))).toBe('31.1034768')
    expect(show(inGrams(d('401.125'), 'toz'))).toBe('12476.3821314')
    expect(show(inGrams(d('12.4763821314'), 'kg'))).toBe('12476.3821314')
    expect(show(inGrams(d('12'), 'kg'))).toBe('12000')
    expect(show(inGrams(d('0.5'), 'kg'))).toBe('500')
    expect(inGrams(d('7.25'), 'g')).toEqual(d('7.25'))
  })

  it('grams to troy ounces rounds down', () => {
    expect(gramsToTroyOunceUnits(d('31.1034768'), 8)).toBe(100_000_000n)
    expect(gramsToTroyOunceUnits(d('31.1034767'), 8)).toBe(99_999_999n)
    // 1000 g = 32.150746568627980522… oz: nearest would end in 7.
    expect(gramsToTroyOunceUnits(d('1000'), 8)).toBe(3_215_074_656n)
  })

  it('troy ounces → grams → troy ounces is exact (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 6 }),
        (units, decimals) => {
          const ounces = { units, decimals }
          // At least as many output decimals as the input had: no rounding at all.
          expect(gramsToTroyOunceUnits(inGrams(ounces, 'toz'), decimals)).toBe(units)
          expect(gramsToTroyOunceUnits(inGrams(inGrams(ounces, 'toz'), 'g'), decimals + 2)).toBe(units * 100n)
        },
      ),
    )
  })

  it('the troy ounces reported never exceed the grams held (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 10 }),
        (gramUnits, out) => {
          const grams = { units: gramUnits, decimals: 8 }
          const ounces = gramsToTroyOunceUnits(grams, out)
          const back = {
            units: ounces * GRAMS_PER_TROY_OUNCE.units,
            decimals: out + GRAMS_PER_TROY_OUNCE.decimals,
          }
          const next = { units: (ounces + 1n) * GRAMS_PER_TROY_OUNCE.units, decimals: back.decimals }
          expect(compare(back, grams)).toBeLessThanOrEqual(0)
          expect(compare(next, grams)).toBe(1)
        },
      ),
    )
  })
})
