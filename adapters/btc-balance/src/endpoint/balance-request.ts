import { inputError } from '#common/errors'
import { quoteInput } from '#common/input'
import { parseUrlList } from '#common/provider-client'
import { ESPLORA_URL_SETTING, type BitcoinSettings, type Settings } from '../config'
import {
  BITCOIN_CHAIN_IDS,
  checkBitcoinAddress,
  isBitcoinChainId,
  type BitcoinChainId,
} from '../rules/address'
import type { BalanceRequestParams } from './balance'

/** A validated request: one chain, canonical addresses, duplicates found. */
export interface CheckedRequest {
  chainId: BitcoinChainId
  /** Each address once, in canonical spelling, in the order first given. */
  addresses: string[]
  duplicates: string[]
  minConfirmations: number
  /**
   * The request in canonical form: every entry's address in canonical spelling (bech32 in lower
   * case; base58 as sent, its case is the address), `network` and `chainId` in lower case.
   */
  inputs: BalanceRequestParams
}

/**
 * Everything about a request that can be judged without a provider: each address's checksum
 * and network, one chainId with a configured provider, size limits, minConfirmations.
 * `network` and `chainId` are case-insensitive. Throws a 400 naming the offending field.
 */
export function checkRequest(params: BalanceRequestParams, settings: BitcoinSettings): CheckedRequest {
  const { addresses, minConfirmations } = params
  checkMinConfirmations(minConfirmations)
  if (!Array.isArray(addresses) || addresses.length === 0)
    throw inputError('addresses must list at least one address')
  if (addresses.length > settings.MAX_ADDRESSES) {
    throw inputError(
      `addresses lists ${addresses.length} entries; the most accepted is ${settings.MAX_ADDRESSES} (MAX_ADDRESSES)`,
    )
  }
  const lower = (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text)
  const chainIds = new Set(addresses.map((a) => lower(a.chainId)))
  const [chainId] = chainIds
  for (const [i, entry] of addresses.entries()) {
    if (lower(entry.network) !== 'bitcoin') {
      throw inputError(`addresses[${i}].network must be "bitcoin", got ${quoteInput(entry.network)}`)
    }
    if (!isBitcoinChainId(lower(entry.chainId))) {
      throw inputError(
        `addresses[${i}].chainId must be one of ${BITCOIN_CHAIN_IDS.join(', ')}, got ${quoteInput(entry.chainId)}`,
      )
    }
  }
  if (chainIds.size > 1) {
    throw inputError(`addresses mix chainIds (${[...chainIds].join(', ')}): one request reads one chain`)
  }
  if (!isBitcoinChainId(chainId)) throw inputError('addresses[0].chainId is missing')
  const setting = ESPLORA_URL_SETTING[chainId]
  if (parseUrlList(settings[setting]).length === 0) {
    throw inputError(`addresses are on bitcoin ${chainId}, but ${setting} is not set`)
  }
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  const entries: BalanceRequestParams['addresses'] = []
  for (const [i, entry] of addresses.entries()) {
    const check = checkBitcoinAddress(entry.address, chainId)
    if (!check.ok) {
      throw inputError(
        `addresses[${i}].address ${quoteInput(entry.address)} is not a valid bitcoin ${chainId} address: ${check.reason}`,
      )
    }
    if (seen.has(check.canonical)) duplicates.add(check.canonical)
    seen.add(check.canonical)
    entries.push({ address: check.canonical, network: 'bitcoin', chainId })
  }
  return {
    chainId,
    addresses: [...seen],
    duplicates: [...duplicates],
    minConfirmations,
    inputs: { addresses: entries, minConfirmations },
  }
}

/** A 400 unless `minConfirmations` is an integer ≥ 0. */
export function checkMinConfirmations(minConfirmations: unknown): void {
  if (!Number.isInteger(minConfirmations) || (minConfirmations as number) < 0) {
    throw inputError(`minConfirmations must be an integer ≥ 0, got ${quoteInput(minConfirmations)}`)
  }
}

/** The request in canonical form ({@link CheckedRequest.inputs}); a 400 when it is refused. */
export const canonicalRequest = (params: BalanceRequestParams, settings: Settings): BalanceRequestParams =>
  checkRequest(params, settings).inputs
