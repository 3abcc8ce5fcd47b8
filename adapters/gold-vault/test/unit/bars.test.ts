import { describe, expect, it } from '@jest/globals'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { parseDecimal } from '#common/decimal'
import { tallyBars, type BarLimits, type SeenBars } from '../../src/rules/bars'
import type { Bar } from '../../src/provider/sources'
import { gramsToTroyOunceUnits, show, type WeightUnit } from '../../src/rules/weights'

const BOUNDS: BarLimits = {
  minFineness: parseDecimal('995.0'),
  maxFineness: parseDecimal('999.9'),
  maxGrossTroyOunces: parseDecimal('500'),
}
const reading = (text: string) => ({ value: parseDecimal(text), text })
const bar = (
  serial: string,
  gross: string,
  fineness: string,
  fine: string,
  refiner = 'PAMP SA',
  i = 0,
): Bar => ({
  serial,
  refiner,
  gross: reading(gross),
  fineness: reading(fineness),
  fine: reading(fine),
  where: `bars[${i}]`,
})
const ounces = (bars: Bar[], unit: WeightUnit = 'toz', seen: SeenBars = new Map()) =>
  gramsToTroyOunceUnits(tallyBars(bars, unit, 'vault v', BOUNDS, seen), 3)

function failure(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(502)
    return (error as Error).message
  }
  throw new Error('expected a 502')
}

describe('tallyBars', () => {
  it("counts LBMA's example bar for its stated fine weight", () => {
    expect(ounces([bar('AB12345', '401.125', '995.8', '399.440')])).toBe(399_440n)
  })

  it('accepts a fine weight within 0.001 oz of gross × fineness, either side', () => {
    // 400 × 999.9 / 1000 = 399.96
    expect(ounces([bar('A', '400', '999.9', '399.959')])).toBe(399_959n)
    expect(() => ounces([bar('B', '400', '999.9', '399.961')])).not.toThrow()
  })

  it('counts the smaller of the stated and computed fine weights: rounding up adds nothing', () => {
    expect(ounces([bar('B', '400', '999.9', '399.961')])).toBe(399_960n)
  })

  it('rejects a fine weight beyond the LBMA rounding, naming the bar', () => {
    expect(failure(() => ounces([bar('K1', '400', '999.9', '399.9589')]))).toBe(
      'vault v, bar PAMP SA K1 (bars[0]): fine weight 399.9589 toz disagrees with gross 400 × fineness 999.9 / 1000 = 399.96 toz by more than the LBMA rounding of 0.001 oz',
    )
    expect(failure(() => ounces([bar('K2', '400', '999.9', '399.9611')]))).toContain('bar PAMP SA K2')
  })

  it('applies the 0.001 oz tolerance in grams and kilograms too', () => {
    // 1000 g at 999.9 → 999.9 g; 0.001 oz = 0.0311034768 g
    expect(() => ounces([bar('G1', '1000', '999.9', '999.8688965232')], 'g')).not.toThrow()
    expect(failure(() => ounces([bar('G2', '1000', '999.9', '999.8688965231')], 'g'))).toContain(
      'bar PAMP SA G2',
    )
    expect(() => ounces([bar('KG1', '1', '999.9', '0.9998688965232')], 'kg')).not.toThrow()
    expect(failure(() => ounces([bar('KG2', '1', '999.9', '0.9998688965231')], 'kg'))).toContain('KG2')
  })

  it('rejects fineness outside the bounds (inclusive), naming the bar', () => {
    expect(() => ounces([bar('L', '400', '995.0', '398')])).not.toThrow()
    expect(() => ounces([bar('H', '400', '999.9', '399.96')])).not.toThrow()
    expect(failure(() => ounces([bar('LO', '400', '994.9', '397.96')]))).toBe(
      'vault v, bar PAMP SA LO (bars[0]): fineness 994.9 is outside 995–999.9 parts per thousand (GOLD_VAULT_MIN_FINENESS, GOLD_VAULT_MAX_FINENESS)',
    )
    expect(failure(() => ounces([bar('HI', '400', '999.99', '399.996')]))).toContain(
      'fineness 999.99 is outside',
    )
    // A fineness sent as a fraction instead of parts per thousand.
    expect(failure(() => ounces([bar('FR', '400', '0.9999', '399.96')]))).toContain(
      'fineness 0.9999 is outside',
    )
  })

  it('rejects zero weights', () => {
    expect(failure(() => ounces([bar('Z', '0', '999.9', '0')]))).toContain('gross weight is zero')
  })

  it('rejects the same refiner + serial twice, trimmed and case-insensitively', () => {
    const message = failure(() =>
      ounces([
        bar('K1', '400', '999.9', '399.96', 'PAMP SA', 0),
        bar(' k1 ', '400', '999.9', '399.96', 'pamp sa', 3),
      ]),
    )
    expect(message).toBe('vault v: bar pamp sa  k1  is listed twice: vault v bars[0] and vault v bars[3]')
  })

  it('the same serial from another refiner is another bar', () => {
    expect(
      ounces([
        bar('K1', '400', '999.9', '399.96', 'PAMP SA'),
        bar('K1', '400', '999.9', '399.96', 'Valcambi SA'),
      ]),
    ).toBe(799_920n)
  })

  it('finds duplicates across vaults through the shared seen map', () => {
    const seen: SeenBars = new Map()
    ounces([bar('K1', '400', '999.9', '399.96')], 'toz', seen)
    expect(failure(() => ounces([bar('K1', '400', '999.9', '399.96')], 'toz', seen))).toContain(
      'is listed twice',
    )
  })

  it('returns the exact grams', () => {
    const grams = tallyBars([bar('A', '1', '999.9', '0.9999')], 'toz', 'v', BOUNDS, new Map())
    expect(show(grams)).toBe('31.10036645232')
  })
})
