import { describe, expect, it } from '@jest/globals'
import { AdapterInputError } from '@chainlink/external-adapter-framework/validation/error'
import type { Settings } from '../../src/config'
import type { InventoryRequestParams } from '../../src/endpoint/inventory'
import { checkRequest, vaultLimits } from '../../src/endpoint/inventory-request'

const params = (overrides: Partial<InventoryRequestParams> = {}): InventoryRequestParams => ({
  vault: 'london',
  format: 'auto',
  decimals: 8,
  ...overrides,
})

function inputFailure(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterInputError)
    expect((error as AdapterInputError).statusCode).toBe(400)
    return (error as Error).message
  }
  throw new Error('expected a 400')
}

describe('checkRequest', () => {
  it('splits a comma-separated vault list', () => {
    expect(checkRequest(params())).toEqual({ vaults: ['london'] })
    expect(checkRequest(params({ vault: 'london, zurich,ny-3' }))).toEqual({
      vaults: ['london', 'zurich', 'ny-3'],
    })
  })

  it('compares vault names case-sensitively, as the URL paths and cache keys they become', () => {
    expect(checkRequest(params({ vault: 'london,LONDON' }))).toEqual({ vaults: ['london', 'LONDON'] })
  })

  it.each([
    [{ vault: '' }, 'vault must be'],
    [{ vault: ',' }, 'vault must be'],
    [{ vault: 'a/b' }, 'vault must be'],
    [{ vault: '..' }, 'vault must be'],
    [{ vault: 'a b' }, 'vault must be'],
    [{ vault: 'a,b,a' }, 'vault lists a twice'],
    [
      { vault: Array.from({ length: 21 }, (_, i) => `v${i}`).join(',') },
      'vault lists 21 vaults; the most is 20',
    ],
    [{ decimals: -1 }, 'decimals must be an integer from 0 to 36'],
    [{ decimals: 37 }, 'decimals must be an integer from 0 to 36'],
  ])('%j is a 400 naming the field', (overrides, message) => {
    expect(inputFailure(() => checkRequest(params(overrides)))).toContain(message)
  })
})

describe('vaultLimits', () => {
  it('reads the settings exactly', () => {
    const settings = {
      GOLD_VAULT_MIN_FINENESS: '995.0',
      GOLD_VAULT_MAX_FINENESS: '999.99',
      GOLD_VAULT_MAX_BAR_TROY_OUNCES: '450.5',
      GOLD_VAULT_MAX_TOTAL_TROY_OUNCES: '7000000000',
      GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS: '0.001',
    } as Settings
    expect(vaultLimits(settings)).toEqual({
      bars: {
        minFineness: { units: 9950n, decimals: 1 },
        maxFineness: { units: 99999n, decimals: 2 },
        maxGrossTroyOunces: { units: 4505n, decimals: 1 },
      },
      maxTotalTroyOunces: { units: 7_000_000_000n, decimals: 0 },
      summaryToleranceGrams: { units: 1n, decimals: 3 },
    })
  })
})
