import { bech32, bech32m } from '@scure/base'
import { checkBitcoinAddress, VALID_ADDRESSES_KEPT, type BitcoinChainId } from '../../src/rules/address'

const program = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + 1) & 0xff)
const segwit = (hrp: string, version: number, bytes: Uint8Array, codec = version === 0 ? bech32 : bech32m) =>
  codec.encode(hrp, [version, ...bech32.toWords(bytes)], 90)

describe('checkBitcoinAddress', () => {
  it.each<[string, BitcoinChainId]>([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'mainnet'], // P2PKH
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'mainnet'], // P2SH
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'mainnet'], // P2WPKH (BIP 173)
    ['bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', 'mainnet'], // P2WSH (BIP 173)
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'mainnet'], // P2TR (BIP 86)
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'testnet'],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'signet'],
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'testnet'], // P2PKH testnet
    ['2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc', 'signet'], // P2SH testnet/signet
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'regtest'],
  ])('accepts %s on %s', (address, chainId) => {
    expect(checkBitcoinAddress(address, chainId)).toEqual({ ok: true, canonical: address })
  })

  it('accepts generated segwit v0 / v1 / v16 addresses on every network', () => {
    for (const [hrp, chainId] of [
      ['bc', 'mainnet'],
      ['tb', 'testnet'],
      ['bcrt', 'regtest'],
    ] as const) {
      for (const address of [
        segwit(hrp, 0, program(20)),
        segwit(hrp, 1, program(32)),
        segwit(hrp, 16, program(2)),
      ]) {
        expect(checkBitcoinAddress(address, chainId)).toEqual({ ok: true, canonical: address })
      }
    }
  })

  it('canonicalises an upper-case bech32 address to lower case', () => {
    const upper = 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4'
    expect(checkBitcoinAddress(upper, 'mainnet')).toEqual({ ok: true, canonical: upper.toLowerCase() })
  })

  it.each<[string, BitcoinChainId, RegExp]>([
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'mainnet', /checksum/],
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4', 'mainnet', /mixed-case/],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'mainnet', /base58check checksum/],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'testnet', /not testnet/],
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'mainnet', /not mainnet/],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'mainnet', /not mainnet/],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'regtest', /not regtest/],
    ['0OIl', 'mainnet', /not base58/],
    ['', 'mainnet', /empty/],
  ])('rejects %s on %s', (address, chainId, reason) => {
    const check = checkBitcoinAddress(address, chainId)
    expect(check.ok).toBe(false)
    expect(!check.ok && check.reason).toMatch(reason)
  })

  it('rejects a checksum of the wrong kind for the witness version (BIP 350)', () => {
    expect(checkBitcoinAddress(segwit('bc', 0, program(20), bech32m), 'mainnet')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/bech32 checksum/),
    })
    expect(checkBitcoinAddress(segwit('bc', 1, program(32), bech32), 'mainnet')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/bech32m checksum/),
    })
  })

  it('rejects witness programs of impossible lengths', () => {
    expect(checkBitcoinAddress(segwit('bc', 0, program(21)), 'mainnet')).toMatchObject({ ok: false })
    expect(checkBitcoinAddress(segwit('bc', 1, program(1)), 'mainnet')).toMatchObject({ ok: false })
    expect(checkBitcoinAddress(segwit('bc', 1, program(41)), 'mainnet')).toMatchObject({ ok: false })
  })
})

describe('checkBitcoinAddress, remembering the valid addresses it has checked', () => {
  it('judges an address again on another chain, and in another spelling', () => {
    const address = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'
    expect(checkBitcoinAddress(address, 'mainnet')).toEqual({ ok: true, canonical: address })
    expect(checkBitcoinAddress(address, 'mainnet')).toEqual({ ok: true, canonical: address })
    expect(checkBitcoinAddress(address, 'testnet').ok).toBe(false)
    // base58 is case-sensitive: the other spelling is another (invalid) address, not a remembered one.
    expect(checkBitcoinAddress(address.toLowerCase(), 'mainnet').ok).toBe(false)
    const bech = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
    expect(checkBitcoinAddress(bech, 'mainnet')).toEqual({ ok: true, canonical: bech })
    expect(checkBitcoinAddress(bech.toUpperCase(), 'mainnet')).toEqual({ ok: true, canonical: bech })
  })

  it('never remembers an invalid address as valid', () => {
    const broken = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'
    expect(checkBitcoinAddress(broken, 'mainnet').ok).toBe(false)
    expect(checkBitcoinAddress(broken, 'mainnet').ok).toBe(false)
  })

  it('keeps judging correctly once more valid addresses were checked than it keeps', () => {
    const first = segwit('bc', 0, program(20))
    expect(checkBitcoinAddress(first, 'mainnet')).toEqual({ ok: true, canonical: first })
    for (let i = 0; i <= VALID_ADDRESSES_KEPT; i++) {
      const bytes = new Uint8Array(20)
      new DataView(bytes.buffer).setUint32(0, i)
      const address = segwit('bc', 0, bytes)
      expect(checkBitcoinAddress(address, 'mainnet')).toEqual({ ok: true, canonical: address })
    }
    expect(checkBitcoinAddress(first, 'mainnet')).toEqual({ ok: true, canonical: first })
    expect(checkBitcoinAddress(first, 'testnet').ok).toBe(false)
  })
})
