import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNetworks } from '../network'

function networksFile(networks: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'networks-')), 'networks.json')
  writeFileSync(file, JSON.stringify({ networks }))
  return file
}

const entry = () => ({
  chainId: 8453,
  automation: '2.3',
  versionSource: 'https://example.org/says-2.3',
  registry: { address: '0xf4bAb6A129164aBa9B113cB96BA4266dF49f8743', source: 'https://example.org/page' },
  registrar: { address: '0xE28Adc50c7551CFf69FCF32D45d037e5F6554264', source: 'https://example.org/page' },
  link: { address: '0x88Fb150BDc53A65fe94Dea0c9BA0a6dAf8C6e196', source: 'https://example.org/page' },
})

describe('networks.json', () => {
  it('Ethereum, Arbitrum and Base with their test networks: every address checksummed, with its Chainlink docs page', () => {
    const networks = loadNetworks()
    expect(Object.fromEntries(Object.entries(networks).map(([name, n]) => [name, n.chainId]))).toEqual({
      ethereum: 1,
      sepolia: 11155111,
      arbitrum: 42161,
      'arbitrum-sepolia': 421614,
      base: 8453,
      'base-sepolia': 84532,
    })
    for (const [name, network] of Object.entries(networks)) {
      expect(network.automation).toBe('2.3')
      expect(network.link.source).toMatch(/^https:\/\/docs\.chain\.link\/resources\/link-token-contracts#/)
      // A registry and registrar only where a stored Chainlink source documents them as 2.3; else, why not.
      if (name.startsWith('base')) {
        for (const key of ['registry', 'registrar'] as const) {
          expect(network[key]!.source).toMatch(
            /^https:\/\/docs\.chain\.link\/chainlink-automation\/overview\/supported-networks#/,
          )
        }
      } else {
        expect(network.registry).toBeUndefined()
        expect(network.registrar).toBeUndefined()
        expect(network.unlisted).toContain('No stored Chainlink source documents an Automation 2.3 registry')
      }
    }
  })

  it('refuses an address without a source, an unchecksummed address, and a version other than 2.3', () => {
    const noSource = entry() as Record<string, unknown>
    noSource.link = { address: '0x88Fb150BDc53A65fe94Dea0c9BA0a6dAf8C6e196' }
    expect(() => loadNetworks(networksFile({ x: noSource }))).toThrow(
      'networks.x.link.source must be the https URL',
    )
    const lower = entry()
    lower.registry.address = lower.registry.address.toLowerCase()
    expect(() => loadNetworks(networksFile({ x: lower }))).toThrow(
      'networks.x.registry.address must be a checksummed address',
    )
    expect(() => loadNetworks(networksFile({ x: { ...entry(), automation: '2.1' } }))).toThrow(
      'only Automation 2.3',
    )
    expect(() => loadNetworks(networksFile({ x: { ...entry(), versionSource: 'trust me' } }))).toThrow(
      'versionSource must cite the page',
    )
    expect(loadNetworks(networksFile({ x: entry(), local: { chainId: null } }))).toEqual({
      x: expect.objectContaining({ chainId: 8453 }),
    })
    const bare = { chainId: 1, automation: '2.3', link: entry().link }
    expect(() => loadNetworks(networksFile({ x: bare }))).toThrow(
      'without a registry and registrar, unlisted must say why',
    )
    expect(
      loadNetworks(networksFile({ x: { ...bare, unlisted: 'read https://example.org/page' } })).x,
    ).toMatchObject({
      unlisted: 'read https://example.org/page',
    })
  })
})
