import { describe, expect, it } from '@jest/globals'
import { AdapterInputError } from '@chainlink/external-adapter-framework/validation/error'
import type { Settings } from '../../src/config'
import type { ReservesRequestParams } from '../../src/endpoint/reserves'
import { checkRequest } from '../../src/endpoint/reserves-request'

const settings = { ATTESTATION_MAX_AGE_SECONDS: 86_400 } as Settings
const params = (overrides: Partial<ReservesRequestParams> = {}): ReservesRequestParams => ({
  client: 'truecoin',
  field: 'totalReserve',
  decimals: 18,
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
  it('takes the setting as the max age unless the request tightens it', () => {
    expect(checkRequest(params(), settings)).toEqual({ maxAgeSeconds: 86_400 })
    expect(checkRequest(params({ maxAgeSeconds: 3600 }), settings)).toEqual({ maxAgeSeconds: 3600 })
    expect(checkRequest(params({ maxAgeSeconds: 86_400 }), settings)).toEqual({ maxAgeSeconds: 86_400 })
  })

  it('never loosens the max age', () => {
    expect(inputFailure(() => checkRequest(params({ maxAgeSeconds: 86_401 }), settings))).toContain(
      'maxAgeSeconds 86401 is above ATTESTATION_MAX_AGE_SECONDS (86400)',
    )
  })

  it.each([
    [{ client: '' }, 'client must be'],
    [{ client: 'a/b' }, 'client must be'],
    [{ client: '..' }, 'client must be'],
    [{ client: 'a b' }, 'client must be'],
    [{ client: 'a?x=1' }, 'client must be'],
    [{ chain: '' }, 'chain must be'],
    [{ chain: '(ETH)' }, 'chain must be'],
    [{ decimals: -1 }, 'decimals must be an integer from 0 to 36'],
    [{ decimals: 37 }, 'decimals must be an integer from 0 to 36'],
    [{ decimals: 1.5 }, 'decimals must be an integer from 0 to 36'],
    [{ maxAgeSeconds: 0 }, 'maxAgeSeconds must be a whole number of seconds'],
    [{ maxAgeSeconds: 10.5 }, 'maxAgeSeconds must be a whole number of seconds'],
  ])('%j is a 400 naming the field', (overrides, message) => {
    expect(inputFailure(() => checkRequest(params(overrides), settings))).toContain(message)
  })

  it('accepts client names with dots, dashes, underscores and tildes, and any chain label', () => {
    expect(() =>
      checkRequest(params({ client: 'tusd-v2_main.x~1', chain: 'AVAX C-Chain' }), settings),
    ).not.toThrow()
  })
})
