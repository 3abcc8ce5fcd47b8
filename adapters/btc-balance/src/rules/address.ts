import { createHash } from 'node:crypto'
import { base58, bech32, bech32m } from '@scure/base'

/** The Bitcoin networks an address can belong to, as PoR address lists name them. */
export const BITCOIN_CHAIN_IDS = ['mainnet', 'testnet', 'signet', 'regtest'] as const
export type BitcoinChainId = (typeof BITCOIN_CHAIN_IDS)[number]

export function isBitcoinChainId(value: unknown): value is BitcoinChainId {
  return typeof value === 'string' && (BITCOIN_CHAIN_IDS as readonly string[]).includes(value)
}

interface ChainParams {
  /** bech32 / bech32m human-readable part. */
  hrp: string
  /** base58check version bytes for P2PKH and P2SH. */
  pubkeyHash: number
  scriptHash: number
}

// Testnet and signet share every prefix: an address valid on one is valid on the other.
const CHAIN_PARAMS: Record<BitcoinChainId, ChainParams> = {
  mainnet: { hrp: 'bc', pubkeyHash: 0x00, scriptHash: 0x05 },
  testnet: { hrp: 'tb', pubkeyHash: 0x6f, scriptHash: 0xc4 },
  signet: { hrp: 'tb', pubkeyHash: 0x6f, scriptHash: 0xc4 },
  regtest: { hrp: 'bcrt', pubkeyHash: 0x6f, scriptHash: 0xc4 },
}

export type AddressCheck = { ok: true; canonical: string } | { ok: false; reason: string }

/** The longest address: bech32 allows 90 characters (base58 addresses are at most 35). */
export const MAX_ADDRESS_LENGTH = 90

/**
 * Checks that `address` is a well-formed Bitcoin address of `chainId`: base58check (P2PKH,
 * P2SH), bech32 (segwit v0) or bech32m (segwit v1+, BIP 350), checksum included. Returns the
 * canonical spelling (bech32 lower-cased) used to detect duplicates and to query providers.
 */
export function checkBitcoinAddress(address: string, chainId: BitcoinChainId): AddressCheck {
  const key = `${chainId}:${address}`
  const known = validAddresses.get(key)
  if (known !== undefined) return { ok: true, canonical: known }
  const check = checkAddress(address, chainId)
  if (check.ok) {
    if (validAddresses.size >= VALID_ADDRESSES_KEPT)
      validAddresses.delete(validAddresses.keys().next().value!)
    validAddresses.set(key, check.canonical)
  }
  return check
}

/**
 * Valid addresses already checked, with their canonical spelling: a node asks for the same
 * custodian list every few seconds, and decoding each address (base58 or bech32, double SHA-256)
 * was a fifth of the CPU a cached answer costs. Only valid addresses are kept, at most
 * {@link VALID_ADDRESSES_KEPT} (the oldest go first: at most about 1 MB), keyed by chain as well.
 */
export const VALID_ADDRESSES_KEPT = 10_000
const validAddresses = new Map<string, string>()

function checkAddress(address: string, chainId: BitcoinChainId): AddressCheck {
  const params = CHAIN_PARAMS[chainId]
  if (typeof address !== 'string' || address.length === 0) return { ok: false, reason: 'empty address' }
  // Checked first: base58 decoding takes time quadratic in the length.
  if (address.length > MAX_ADDRESS_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_ADDRESS_LENGTH} characters` }
  }
  const lower = address.toLowerCase()
  const separator = lower.lastIndexOf('1')
  const hrp = separator > 0 ? lower.slice(0, separator) : ''
  if (hrp === 'bc' || hrp === 'tb' || hrp === 'bcrt') {
    if (hrp !== params.hrp) return { ok: false, reason: `segwit prefix "${hrp}" is not ${chainId}` }
    return checkSegwit(address, lower, params.hrp)
  }
  return checkBase58(address, params, chainId)
}

function checkSegwit(address: string, lower: string, hrp: string): AddressCheck {
  if (address !== lower && address !== address.toUpperCase()) {
    return { ok: false, reason: 'mixed-case bech32 address' }
  }
  // Witness version 0 uses bech32, versions 1-16 use bech32m (BIP 350); each checksum only fits its own.
  const asBech32 = bech32.decodeUnsafe(lower, 90)
  const decoded = asBech32 ?? bech32m.decodeUnsafe(lower, 90)
  if (!decoded || decoded.prefix !== hrp) return { ok: false, reason: 'bad bech32/bech32m checksum' }
  const [witnessVersion, ...programWords] = decoded.words
  if (witnessVersion === undefined || witnessVersion > 16) return { ok: false, reason: 'bad witness version' }
  const expected = witnessVersion === 0 ? 'bech32' : 'bech32m'
  if ((expected === 'bech32') !== (asBech32 !== undefined)) {
    return { ok: false, reason: `witness version ${witnessVersion} must use a ${expected} checksum` }
  }
  const program = bech32.fromWordsUnsafe(programWords)
  if (!program) return { ok: false, reason: 'bad witness program padding' }
  if (program.length < 2 || program.length > 40) return { ok: false, reason: 'bad witness program length' }
  if (witnessVersion === 0 && program.length !== 20 && program.length !== 32) {
    return { ok: false, reason: 'segwit v0 program must be 20 or 32 bytes' }
  }
  return { ok: true, canonical: lower }
}

function checkBase58(address: string, params: ChainParams, chainId: BitcoinChainId): AddressCheck {
  let bytes: Uint8Array
  try {
    bytes = base58.decode(address)
  } catch {
    return { ok: false, reason: 'not base58, bech32 or bech32m' }
  }
  if (bytes.length !== 25) return { ok: false, reason: 'base58 address must decode to 25 bytes' }
  const payload = bytes.subarray(0, 21)
  const checksum = doubleSha256(payload).subarray(0, 4)
  if (!checksum.every((b, i) => b === bytes[21 + i])) return { ok: false, reason: 'bad base58check checksum' }
  const version = payload[0]
  if (version !== params.pubkeyHash && version !== params.scriptHash) {
    return { ok: false, reason: `version byte 0x${version.toString(16).padStart(2, '0')} is not ${chainId}` }
  }
  return { ok: true, canonical: address }
}

function doubleSha256(data: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(data).digest()
  return new Uint8Array(createHash('sha256').update(once).digest())
}
