/**
 * Bitcoin addresses derived from a name, for tests, benches and the demo: the same name gives the
 * same address on every run, with a valid checksum (bech32 for segwit v0, bech32m for taproot,
 * base58check for the legacy kinds). The name stands in for the key; no one holds one.
 */
import { createHash } from 'node:crypto'
import { base58, bech32, bech32m } from '@scure/base'

/** The address kinds in common use. */
export type BitcoinAddressKind = 'p2wpkh' | 'p2wsh' | 'p2tr' | 'p2pkh' | 'p2sh'

/** The networks an address is encoded for (testnet and signet share every prefix). */
export type BitcoinNetwork = 'mainnet' | 'testnet' | 'signet' | 'regtest'

/** Each network's bech32 prefix and base58check version bytes (Bitcoin Core's chainparams). */
const PREFIXES: Record<BitcoinNetwork, { hrp: string; pubkeyHash: number; scriptHash: number }> = {
  mainnet: { hrp: 'bc', pubkeyHash: 0x00, scriptHash: 0x05 },
  testnet: { hrp: 'tb', pubkeyHash: 0x6f, scriptHash: 0xc4 },
  signet: { hrp: 'tb', pubkeyHash: 0x6f, scriptHash: 0xc4 },
  regtest: { hrp: 'bcrt', pubkeyHash: 0x6f, scriptHash: 0xc4 },
}

/** The first `bytes` bytes of SHA-256(`seed`): the stand-in for a key or script hash. */
function digest(seed: string, bytes: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(seed).digest()).subarray(0, bytes)
}

function base58check(version: number, hash: Uint8Array): string {
  const payload = new Uint8Array([version, ...hash])
  const once = createHash('sha256').update(payload).digest()
  const checksum = createHash('sha256').update(once).digest().subarray(0, 4)
  return base58.encode(new Uint8Array([...payload, ...checksum]))
}

/** The `kind` address of `network` derived from `seed` (a mainnet P2WPKH address by default). */
export function seededAddress(
  seed: string,
  kind: BitcoinAddressKind = 'p2wpkh',
  network: BitcoinNetwork = 'mainnet',
): string {
  const { hrp, pubkeyHash, scriptHash } = PREFIXES[network]
  switch (kind) {
    case 'p2wpkh':
      return bech32.encode(hrp, [0, ...bech32.toWords(digest(seed, 20))])
    case 'p2wsh':
      return bech32.encode(hrp, [0, ...bech32.toWords(digest(seed, 32))])
    case 'p2tr':
      return bech32m.encode(hrp, [1, ...bech32m.toWords(digest(seed, 32))])
    case 'p2pkh':
      return base58check(pubkeyHash, digest(seed, 20))
    case 'p2sh':
      return base58check(scriptHash, digest(seed, 20))
  }
}
