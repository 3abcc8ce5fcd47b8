import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  adapterNames,
  adapterTestsUseLocalChains,
  adapterVersion,
  conformanceSubjects,
} from '#devkit/adapters'

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

describe('adapter versions', () => {
  it('every adapter has a version, from its CHANGELOG', () => {
    for (const name of adapterNames())
      expect([name, adapterVersion(name)]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+/)])
  })

  it('is the newest version heading, and a changelog without one is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'versions-'))
    try {
      mkdirSync(join(dir, 'x'))
      writeFileSync(
        join(dir, 'x', 'CHANGELOG.md'),
        '# x\n\n## 2.1.0\n\n### Minor Changes\n\n- b\n\n## 2.0.0\n\n- a\n',
      )
      expect(adapterVersion('x', dir)).toBe('2.1.0')
      writeFileSync(join(dir, 'x', 'CHANGELOG.md'), '# x\n\nNothing yet.\n')
      expect(() => adapterVersion('x', dir)).toThrow('has no version heading')
      expect(() => adapterVersion('y', dir)).toThrow('adapters/y/CHANGELOG.md is missing')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
