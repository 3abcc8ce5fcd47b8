import fc from 'fast-check'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { checkRequest } from '../../src/endpoint/supply-request'
import { totalCirculating } from '../../src/rules/total'
import type { SupplyRequestParams } from '../../src/endpoint/supply'

describe('totalCirculating', () => {
  it('is exact when no digit is lost', () => {
    expect(
      totalCirculating(
        [
          { units: 1_000_001n, decimals: 6 },
          { units: 5n, decimals: 0 },
          { units: 10n ** 18n + 1n, decimals: 18 },
        ],
        18,
      ),
    ).toBe(7_000_001_000_000_000_001n)
  })

  it('rounds up once, on the sum, where digits are lost', () => {
    // 0.5 + 0.5 at 0 decimals: exactly 1 (rounding each chain up would give 2).
    expect(
      totalCirculating(
        [
          { units: 5n, decimals: 1 },
          { units: 500_000n, decimals: 6 },
        ],
        0,
      ),
    ).toBe(1n)
    // 24 decimals into 18: one trailing unit makes the last digit round up.
    expect(totalCirculating([{ units: 10n ** 24n + 1n, decimals: 24 }], 18)).toBe(10n ** 18n + 1n)
    expect(totalCirculating([{ units: 10n ** 24n, decimals: 24 }], 18)).toBe(10n ** 18n)
  })

  it('never understates, and overstates by less than one unit of the result', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            units: fc.bigInt({ min: 0n, max: 10n ** 40n }),
            decimals: fc.integer({ min: 0, max: 36 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 0, max: 36 }),
        (amounts, resultDecimals) => {
          const result = totalCirculating(amounts, resultDecimals)
          // Compare with the exact sum at 72 decimals.
          const exact = amounts.reduce((sum, a) => sum + a.units * 10n ** BigInt(72 - a.decimals), 0n)
          const scaled = result * 10n ** BigInt(72 - resultDecimals)
          expect(scaled).toBeGreaterThanOrEqual(exact)
          expect(scaled - exact).toBeLessThan(10n ** BigInt(72 - resultDecimals))
        },
      ),
    )
  })
})

describe('checkRequest', () => {
  const env = {
    ETHEREUM_RPC_URL: 'https://eth.example',
    ETHEREUM_RPC_CHAIN_ID: '1',
    ARBITRUM_ONE_RPC_URL: 'https://arb-1.example,https://arb-2.example',
    ARBITRUM_ONE_RPC_CHAIN_ID: '42161',
  }
  const TOKEN = '0x0000000000085d4780B73119b644AE5ecd22b376'
  const HOLDER = '0x000000000000000000000000000000000000dEaD'
  const params = (overrides: Partial<SupplyRequestParams> = {}): SupplyRequestParams => ({
    tokens: [
      { network: 'ethereum', address: TOKEN },
      { network: 'arbitrum-one', address: TOKEN.toLowerCase() },
    ],
    exclude: [{ network: 'arbitrum_one', address: HOLDER.toLowerCase() }],
    confirmations: 0,
    resultDecimals: 18,
    ...overrides,
  })

  it('resolves each network, checksums addresses and groups the excluded holders by chain', () => {
    const request = checkRequest(params(), 10, env)
    expect(request.chains.map((c) => [c.settings.network, c.settings.chainId, c.token, c.exclude])).toEqual([
      ['ethereum', 1n, TOKEN, []],
      ['arbitrum-one', 42161n, TOKEN, [HOLDER]],
    ])
    expect(request.chains[1].settings.urls).toEqual(['https://arb-1.example', 'https://arb-2.example'])
  })

  it.each([
    [
      {
        exclude: [
          { network: 'ethereum', address: HOLDER },
          { network: 'ethereum', address: TOKEN },
        ],
      },
      1,
      'exclude: 2 holders, more than MAX_EXCLUDED (1)',
    ],
    [
      { tokens: [{ network: 'ethereum', address: TOKEN }], exclude: [], resultDecimals: -1 },
      10,
      'resultDecimals: must be an integer from 0 to 36, got -1',
    ],
    [{ confirmations: -1 }, 10, 'confirmations: must be a non-negative integer, got -1'],
    [
      { tokens: [{ network: 'ethereum', address: '0x1234' }], exclude: [] },
      10,
      'tokens[0].address: "0x1234" is not an EVM address (0x and 40 hex digits)',
    ],
  ])('refuses %j with a 400', (overrides, maxExcluded, message) => {
    let error: unknown
    try {
      checkRequest(params(overrides as Partial<SupplyRequestParams>), maxExcluded, env)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(400)
    expect((error as AdapterError).message).toBe(message)
  })
})
