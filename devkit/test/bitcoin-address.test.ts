import { checkBitcoinAddress } from '#adapters/btc-balance/src/rules/address'
import { seededAddress, type BitcoinAddressKind, type BitcoinNetwork } from '../bitcoin-address'

const KINDS: BitcoinAddressKind[] = ['p2wpkh', 'p2wsh', 'p2tr', 'p2pkh', 'p2sh']
const NETWORKS: BitcoinNetwork[] = ['mainnet', 'testnet', 'signet', 'regtest']

describe('seededAddress', () => {
  it.each(NETWORKS.flatMap((network) => KINDS.map((kind) => [kind, network] as const)))(
    'derives a %s address that btc-balance accepts on %s, and only there',
    (kind, network) => {
      const address = seededAddress('custodian hot wallet', kind, network)
      expect(checkBitcoinAddress(address, network)).toEqual({ ok: true, canonical: address })
      const elsewhere = network === 'mainnet' ? 'regtest' : 'mainnet'
      expect(checkBitcoinAddress(address, elsewhere).ok).toBe(false)
    },
  )

  it('gives the same address for a name on every run (the recorded fixtures hold them), another for another name', () => {
    // test/integration/fixtures/custodian-reserves.json holds "reserve-1"'s address.
    expect(seededAddress('reserve-1')).toBe('bc1quvay4js8h9s6qul2teddrdr9zdu2g6x5phch4v')
    expect(seededAddress('custodian hot wallet', 'p2tr', 'regtest')).toBe(
      'bcrt1p4t8ngg8ttaxufavfw4e72puzj65c70kwmlxu6ukm2llmyvtn057qyxl3tl',
    )
    expect(seededAddress('reserve-2')).not.toBe(seededAddress('reserve-1'))
  })
})
