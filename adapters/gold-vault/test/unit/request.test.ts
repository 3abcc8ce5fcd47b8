import { describe, expect, it } from '@jest/globals'
import { AdapterInputError } from '@chainlink/external-adapter-framework/validation/error'
import type { Settings } from '../../src/config'
import type { InventoryRequestParams } from '../../src/endpoint/inventory'
import { checkRequest, finenessBounds } from '../../src/endpoint/inventory-request'

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

  it.each([
    [{ vault: '' }, 'vault must be'],
    [{ vault: ',' }, 'vault must be'],
    [{ vault: 'a/b' }, 'vault must be'],
    [{ vault: '..' }, 'vault must be'],
    [{ vault: 'a b' }, 'vault must be'],
    [{ vault: 'a,A' }, 'vault lists A twice'],
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

describe('finenessBounds', () => {
  it('reads the settings exactly', () => {
    const settings = {
      GOLD_VAULT_MIN_FINENESS: '995.0',
      GOLD_VAULT_MAX_FINENESS: '999.99',
    } as Settings
    expect(finenessBounds(settings)).toEqual({
      min: { units: 9950n, decimals: 1 },
      max: { units: 99999n, decimals: 2 },
    })
  })
})
