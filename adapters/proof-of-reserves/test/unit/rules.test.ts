import fc from 'fast-check'
import { rescale } from '#common/decimal'
import { conversionPath } from '../../src/rules/conversions'
import { ZERO, dividedBy, floorAt, fromScaled, plus, ratio, times } from '../../src/rules/fraction'

describe('fractions', () => {
  const amount = fc.record({ units: fc.bigInt({ min: 0n, max: 10n ** 30n }), decimals: fc.nat(36) })

  it('floor a decimal at any decimals as rescaling it down does', () => {
    fc.assert(
      fc.property(amount, fc.nat(36), (a, decimals) => {
        expect(floorAt(fromScaled(a), decimals)).toBe(rescale(a.units, a.decimals, decimals, 'down'))
      }),
    )
  })

  it('add, multiply and divide exactly: a price applied and taken back gives the amount again', () => {
    fc.assert(
      fc.property(amount, amount, amount, (a, b, price) => {
        fc.pre(price.units > 0n)
        const sum = plus(fromScaled(a), fromScaled(b))
        const back = dividedBy(times(sum, fromScaled(price)), fromScaled(price))
        expect(back).toEqual(sum)
        expect(floorAt(plus(ZERO, sum), 36)).toBe(
          rescale(a.units, a.decimals, 36, 'down') + rescale(b.units, b.decimals, 36, 'down'),
        )
      }),
    )
  })

  it('round down, never up: 1/3 is 0.333…', () => {
    expect(
      floorAt(dividedBy(fromScaled({ units: 1n, decimals: 0 }), fromScaled({ units: 3n, decimals: 0 })), 4),
    ).toBe(3333n)
    // 799.4 fine troy ounces, from their grams: exactly 799.4 again.
    expect(
      floorAt(ratio({ units: 7_994n * 311_034_768n, decimals: 8 }, { units: 311_034_768n, decimals: 7 }), 3),
    ).toBe(799_400n)
  })
})

describe('conversionPath', () => {
  const pairs = [
    { from: 'BTC', to: 'USD' },
    { from: 'XAU', to: 'USD' },
  ]

  it('chains conversions as declared, or inverted', () => {
    expect(conversionPath('XAU', ['XAU/USD', 'usd/btc'], pairs, 'c')).toEqual({
      steps: [
        { conversion: 1, inverse: false },
        { conversion: 0, inverse: true },
      ],
      currency: 'BTC',
    })
    expect(conversionPath('USD', [], pairs, 'c')).toEqual({ steps: [], currency: 'USD' })
  })

  it.each([
    [['BTC-USD'], /c\[0\]: "BTC-USD" is not a conversion "FROM\/TO"/],
    [['XAU/USD'], /c\[0\]: XAU\/USD converts from XAU, but the component is in BTC there/],
    [['BTC/EUR'], /c\[0\]: no conversion between BTC and EUR is declared in conversions/],
  ])('refuses %p', (names, message) => {
    expect(() => conversionPath('BTC', names, pairs, 'c')).toThrow(message)
  })
})
