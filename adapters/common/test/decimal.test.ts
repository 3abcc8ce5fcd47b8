import fc from 'fast-check'
import {
  add,
  compare,
  divideToUnits,
  formatUnits,
  min,
  parseDecimal,
  rescale,
  subtract,
  sumAtDecimals,
  toUnits,
} from '../decimal'

describe('parseDecimal', () => {
  it.each([
    ['123', 123n, 0],
    ['-0.50', -50n, 2],
    ['.5', 5n, 1],
    ['1.25e3', 1250n, 0],
    ['1.5E-2', 15n, 3],
    ['12345678901234567890.123', 12345678901234567890123n, 3],
  ])('parses %s exactly', (text, units, decimals) => {
    expect(parseDecimal(text)).toEqual({ units, decimals })
  })

  it.each(['', '1.2.3', 'abc', '0x10', 'NaN', 'Infinity', '1e', ' - 1'])(
    'rejects %j naming the field',
    (text) => {
      expect(() => parseDecimal(text, 'totalReserve')).toThrow(/totalReserve is not a decimal number/)
    },
  )
})

describe('rescale and toUnits', () => {
  it('scales up exactly and down in the direction asked', () => {
    expect(rescale(123n, 2, 5, 'down')).toBe(123000n)
    expect(rescale(129n, 2, 1, 'down')).toBe(12n)
    expect(rescale(121n, 2, 1, 'up')).toBe(13n)
    expect(rescale(120n, 2, 1, 'up')).toBe(12n)
    expect(rescale(-129n, 2, 1, 'down')).toBe(-13n)
    expect(rescale(-129n, 2, 1, 'up')).toBe(-12n)
  })

  it('keeps 20 significant digits digit for digit', () => {
    expect(toUnits('98765432109876543210.5', 18, 'down')).toBe(98765432109876543210500000000000000000n)
  })

  it('never overstates when rounding down, never understates when rounding up', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.nat(36), fc.nat(36), (units, from, to) => {
        const down = rescale(units, from, to, 'down')
        const up = rescale(units, from, to, 'up')
        // compare at the finer precision
        const p = Math.max(from, to)
        const exact = units * 10n ** BigInt(p - from)
        expect(down * 10n ** BigInt(p - to)).toBeLessThanOrEqual(exact)
        expect(up * 10n ** BigInt(p - to)).toBeGreaterThanOrEqual(exact)
        expect(up - down).toBeLessThanOrEqual(1n)
      }),
    )
  })
})

describe('sumAtDecimals', () => {
  it('rounds once, on the exact sum: a reserve down, a supply up, off by less than one unit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ units: fc.bigInt({ min: 0n, max: 10n ** 40n }), decimals: fc.nat(36) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(36),
        (amounts, decimals) => {
          // The exact sum at 72 decimals.
          const exact = amounts.reduce((sum, a) => sum + a.units * 10n ** BigInt(72 - a.decimals), 0n)
          const unit = 10n ** BigInt(72 - decimals)
          const down = sumAtDecimals(amounts, decimals, 'down') * unit
          const up = sumAtDecimals(amounts, decimals, 'up') * unit
          expect(down).toBeLessThanOrEqual(exact)
          expect(exact - down).toBeLessThan(unit)
          expect(up).toBeGreaterThanOrEqual(exact)
          expect(up - exact).toBeLessThan(unit)
        },
      ),
    )
    // 0.5 + 0.5 at 0 decimals: exactly 1, not 0 (each rounded down) nor 2 (each up).
    const halves = [
      { units: 5n, decimals: 1 },
      { units: 500_000n, decimals: 6 },
    ]
    expect([sumAtDecimals(halves, 0, 'down'), sumAtDecimals(halves, 0, 'up')]).toEqual([1n, 1n])
  })
})

describe('exact arithmetic', () => {
  const d = (text: string) => parseDecimal(text)
  const formatted = (amount: { units: bigint; decimals: number }) =>
    formatUnits(amount.units, amount.decimals)

  it('adds, subtracts, compares and takes the minimum at any precision', () => {
    expect(formatted(add(d('0.1'), d('0.02')))).toBe('0.12')
    expect(formatted(subtract(d('0.1'), d('0.125')))).toBe('-0.025')
    expect(compare(d('1.0'), d('1'))).toBe(0)
    expect(compare(d('0.999'), d('1'))).toBe(-1)
    expect(min(d('2.5'), d('2.49'))).toEqual(d('2.49'))
  })
})

describe('divideToUnits', () => {
  it('converts grams to troy ounces rounding down', () => {
    const grams = parseDecimal('31.1034768')
    const gramsPerOunce = parseDecimal('31.1034768')
    expect(divideToUnits(grams, gramsPerOunce, 8, 'down')).toBe(100000000n)
    expect(divideToUnits(parseDecimal('1'), gramsPerOunce, 8, 'down')).toBe(3215074n) // 0.0321507465...
    expect(divideToUnits(parseDecimal('1'), gramsPerOunce, 8, 'up')).toBe(3215075n)
  })
})

describe('formatUnits', () => {
  it('prints exact decimal text', () => {
    expect(formatUnits(123450000n, 8)).toBe('1.2345')
    expect(formatUnits(-5n, 3)).toBe('-0.005')
    expect(formatUnits(7n, 0)).toBe('7')
  })
})
