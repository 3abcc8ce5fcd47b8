/**
 * What each placeholder of jobs/ may be filled with (jobs/README.md "Placeholders" says what goes
 * in each), checked before anything is written: EVM addresses by their EIP-55 checksum, bitcoin
 * addresses by theirs, the bridge URL, the OCR2 key bundle id and the bootstrap peer in the forms
 * the node reads. A placeholder no rule names (a new adapter's) takes plain text.
 *
 * Every value, whatever its rule, is written inside a JSON string inside a DOT string inside a
 * TOML string: it may hold letters, digits and URL punctuation only, no quote, backslash, angle
 * bracket, brace, `$` (`$(…)` is a pipeline variable) or white space, so that no value can reach
 * beyond its own field.
 */
import { base58 } from '@scure/base'
import { ZeroAddress } from 'ethers'
import { checkEvmAddress } from '#common/evm-address'
import { checkBitcoinAddress } from '#adapters/btc-balance/src/rules/address'
import { goParseInt } from '#devkit/pipeline'

/** How to check a placeholder's value; `check` returns the value to write or throws saying what is wrong. */
export interface PlaceholderRule {
  /** What the value is, for messages and help. */
  what: string
  check: (value: string, name: string) => string
}

/** Anything else in a value could close its string or open a variable: see the module comment. */
const SAFE_TEXT = /^[A-Za-z0-9._~:/?#[\]@!&'()*+,;=%-]+$/
/** The longest value taken. */
export const MAX_VALUE_LENGTH = 1_024

function safeText(value: string, name: string): string {
  if (value.length === 0) throw new Error(`${name} is empty`)
  if (value.length > MAX_VALUE_LENGTH)
    throw new Error(`${name} is longer than ${MAX_VALUE_LENGTH} characters`)
  if (!SAFE_TEXT.test(value)) {
    const bad = [...value].find((c) => !SAFE_TEXT.test(c))!
    throw new Error(
      `${name} holds ${JSON.stringify(bad)}: a value may hold letters, digits and ${"._~:/?#[]@!&'()*+,;=%-"} only (it is written inside quoted strings, where $(…) is a variable)`,
    )
  }
  return value
}

const evmAddress: PlaceholderRule = {
  what: 'an EVM address (0x and 40 hex digits; mixed case must pass its EIP-55 checksum), not the zero address',
  check: (value, name) => {
    let address: string
    try {
      address = checkEvmAddress(value, name)
    } catch (error) {
      throw new Error((error as Error).message)
    }
    if (address === ZeroAddress) throw new Error(`${name} is the zero address`)
    return address
  },
}

const bitcoinMainnetAddress: PlaceholderRule = {
  what: 'a bitcoin mainnet address (base58 or bech32, checksum included)',
  check: (value, name) => {
    const check = checkBitcoinAddress(safeText(value, name), 'mainnet')
    if (!check.ok) throw new Error(`${name}: ${value} is not a bitcoin mainnet address: ${check.reason}`)
    return check.canonical
  },
}

const adapterUrl: PlaceholderRule = {
  what: "the adapter's base URL as the node reaches it, http:// or https://",
  check: (value, name) => {
    let url: URL | undefined
    safeText(value, name)
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      throw new Error(`${name}: ${value} is not an http:// or https:// URL`)
    }
    if (url.username || url.password) throw new Error(`${name}: ${value} holds credentials`)
    return value
  },
}

/** core/services/keystore/keys/ocr2key: a bundle's id is the hex of a SHA-256, as `chainlink keys ocr2 list` prints it. */
const keyBundleId: PlaceholderRule = {
  what: 'an OCR2 key bundle id: 64 hex digits, as `chainlink keys ocr2 list` prints it',
  check: (value, name) => {
    if (/^0x[0-9a-fA-F]{64}$/.test(value))
      throw new Error(`${name}: write it without 0x, as the node prints it`)
    if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new Error(`${name}: ${value} is not 64 hex digits`)
    // The node finds the bundle by its id as text, which it writes in lower case.
    return value.toLowerCase()
  },
}

/** libocr ragep2p/types PeerID: base58 of the libp2p prefix and an Ed25519 public key. */
const PEER_ID_PREFIX = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20]

function checkPeerId(peerId: string, name: string): void {
  if (peerId.startsWith('p2p_')) {
    throw new Error(
      `${name}: write the peer id without its p2p_ prefix (the node's keys list shows it with one)`,
    )
  }
  let bytes: Uint8Array
  try {
    bytes = base58.decode(peerId)
  } catch {
    throw new Error(`${name}: peer id ${peerId} is not base58`)
  }
  if (bytes.length !== PEER_ID_PREFIX.length + 32 || PEER_ID_PREFIX.some((b, i) => bytes[i] !== b)) {
    throw new Error(`${name}: ${peerId} is not a libp2p Ed25519 peer id (12D3KooW…)`)
  }
}

/**
 * libocr commontypes.BootstrapperLocator: `peerID@host:port`, several addresses separated by `/`.
 * The node takes one without any address; a bootstrapper it cannot reach is refused here.
 */
const bootstrapper: PlaceholderRule = {
  what: "the DON's bootstrap node, peerID@host:port (host:port/host:port for several addresses)",
  check: (value, name) => {
    const parts = safeText(value, name).split('@')
    if (parts.length !== 2) throw new Error(`${name}: ${value} is not peerID@host:port`)
    const [peerId, addresses] = parts
    checkPeerId(peerId, name)
    if (addresses === '') throw new Error(`${name}: ${value} names no host:port`)
    for (const address of addresses.split('/')) {
      const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+):(\d+)$/.exec(address)
      const port = match ? goParseInt(match[2], 10, 32) : undefined
      if (!match || port === undefined || port < 1n || port > 65_535n) {
        throw new Error(`${name}: ${address} is not host:port`)
      }
    }
    return value
  },
}

/** One URL path segment, as the attestation and gold-vault adapters take a name. */
const PATH_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/

const pathSegment: PlaceholderRule = {
  what: 'a name (letters, digits, ".", "_", "~", "-", at most 128): one URL path segment',
  check: (value, name) => {
    if (!PATH_SEGMENT.test(value))
      throw new Error(`${name}: ${JSON.stringify(value)} is not ${pathSegment.what}`)
    return value
  },
}

const pathSegmentList: PlaceholderRule = {
  what: 'a name, or several separated by commas, each one URL path segment, each once',
  check: (value, name) => {
    const names = value.split(',')
    for (const each of names) pathSegment.check(each, name)
    const twice = names.find((each, i) => names.indexOf(each) !== i)
    if (twice) throw new Error(`${name} lists ${twice} twice`)
    return value
  },
}

const text: PlaceholderRule = {
  what: 'text (letters, digits and URL punctuation; no quote, backslash, brace, angle bracket, $ or space)',
  check: safeText,
}

/** The rules, by placeholder name; a numbered placeholder (`CUSTODIAN_BTC_ADDRESS_2`) by the name without its number. */
const RULES: Record<string, PlaceholderRule> = {
  ADAPTER_URL: adapterUrl,
  OCR2_AGGREGATOR_ADDRESS: evmAddress,
  OCR2_KEY_BUNDLE_ID: keyBundleId,
  TRANSMITTER_ADDRESS: evmAddress,
  P2P_BOOTSTRAPPER: bootstrapper,
  CUSTODIAN_BTC_ADDRESS: bitcoinMainnetAddress,
  POR_ADDRESS_LIST_CONTRACT: evmAddress,
  ATTESTATION_CLIENT: pathSegment,
  VAULT_NAME: pathSegmentList,
  TOKEN_ADDRESS_ETHEREUM: evmAddress,
  TOKEN_ADDRESS_ARBITRUM: evmAddress,
  EXCLUDED_HOLDER_ETHEREUM: evmAddress,
  RESERVE_TOKEN_ETHEREUM: evmAddress,
  CUSTODIAN_WALLET_ETHEREUM: evmAddress,
  CUSTODIAN_WALLET_ARBITRUM: evmAddress,
  BTC_USD_FEED: evmAddress,
}

/**
 * A numbered placeholder (`CUSTODIAN_BTC_ADDRESS_1`) and its list: the name without its number,
 * and the number. Undefined for any other.
 */
export function numbered(name: string): { list: string; index: number } | undefined {
  const match = /^(.+)_(\d+)$/.exec(name)
  return match ? { list: match[1], index: Number(match[2]) } : undefined
}

/** The rule for placeholder `name` (without its angle brackets). */
export function ruleFor(name: string): PlaceholderRule {
  return RULES[name] ?? RULES[numbered(name)?.list ?? ''] ?? text
}

/**
 * `value` checked by placeholder `name`'s rule and made safe to write: the value to write, or an
 * Error naming `label` (the placeholder unless given).
 */
export function checkValue(name: string, value: string, label = name): string {
  return safeText(ruleFor(name).check(value, label), label)
}
