import { afterEach, describe, expect, it } from '@jest/globals'
import { adapterNames, adapterTestsUseLocalChains, conformanceSubjects } from '#devkit/adapters'

describe('npm run test:adapter: which tests one adapter needs', () => {
  afterEach(() => {
    delete process.env.CONFORMANCE_ADAPTERS
  })

  it('holds the conformance suite to the adapters CONFORMANCE_ADAPTERS lists', () => {
    const names = adapterNames()
    expect(conformanceSubjects(names)).toEqual(names)
    process.env.CONFORMANCE_ADAPTERS = 'gold-vault'
    expect(conformanceSubjects(names)).toEqual(['gold-vault'])
    process.env.CONFORMANCE_ADAPTERS = 'gold-vault,nope'
    expect(() => conformanceSubjects(names)).toThrow('CONFORMANCE_ADAPTERS names no adapter nope')
  })

  it('starts the local chains only for an adapter whose provider is a chain', () => {
    for (const name of ['multichain-supply', 'por-address-list'])
      expect(adapterTestsUseLocalChains(name)).toBe(true)
    for (const name of ['attestation', 'btc-balance', 'gold-vault'])
      expect(adapterTestsUseLocalChains(name)).toBe(false)
  })
})
