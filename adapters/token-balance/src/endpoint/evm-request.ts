import { inputError } from '#common/errors'
import { checkEvmAddress } from '#common/evm-address'
import { resolveEvmNetwork, type EvmNetworkSettings } from '#common/evm-rpc'
import { quoteInput } from '#common/input'
import type { Settings } from '../config'
import type { EvmRequestParams } from './evm'

/** `resultDecimals` accepted. */
export const MAX_RESULT_DECIMALS = 36

/** One token (or the native coin, `token` undefined) on one chain, and the wallets holding it. */
export interface TokenHoldings {
  token?: string
  wallets: string[]
}

/** A checked request: every network resolved to its settings, every address checksummed. */
export interface BalanceRequest {
  /** One entry per chain, in the order first named; each read at one block in one round trip. */
  chains: { settings: EvmNetworkSettings; holdings: TokenHoldings[] }[]
  walletCount: number
  confirmations: number
  resultDecimals: number
  /**
   * The request in canonical form: network names in lower case, addresses checksummed (EIP-55),
   * a chain id in plain decimal, entries and wallets in the order given.
   */
  inputs: EvmRequestParams
}

/**
 * Checks a request against the settings without reading any chain: every failure is a 400
 * naming the field or setting at fault. Used by the endpoint's customInputValidation and again
 * by the transport.
 */
export function checkRequest(
  params: EvmRequestParams,
  maxWallets: number,
  env: NodeJS.ProcessEnv = process.env,
): BalanceRequest {
  const entries = params.addresses ?? []
  if (entries.length === 0) {
    throw inputError('addresses: list at least one { network, contractAddress?, wallets }')
  }
  const walletCount = entries.reduce(
    (sum, entry) => sum + (Array.isArray(entry?.wallets) ? entry.wallets.length : 0),
    0,
  )
  if (walletCount > maxWallets) {
    throw inputError(`addresses: ${walletCount} wallets in all, more than MAX_WALLETS (${maxWallets})`)
  }
  const chains: BalanceRequest['chains'] = []
  const byChainId = new Map<bigint, BalanceRequest['chains'][number]>()
  const inputs: EvmRequestParams['addresses'] = []
  entries.forEach((entry, i) => {
    const at = `addresses[${i}]`
    const settings = resolveEvmNetwork(entry?.network, `${at}.network`, env)
    let chain = byChainId.get(settings.chainId)
    if (chain && chain.settings.network !== settings.network) {
      throw inputError(
        `${at}.network: "${settings.network}" has the chain id of "${chain.settings.network}" ` +
          `(${settings.chainId}): name each chain once`,
      )
    }
    const chainId = entry.chainId === undefined ? undefined : checkChainId(entry.chainId, settings, at)
    const token =
      entry.contractAddress === undefined
        ? undefined
        : checkEvmAddress(entry.contractAddress, `${at}.contractAddress`)
    if (!Array.isArray(entry.wallets) || entry.wallets.length === 0) {
      throw inputError(`${at}.wallets: list at least one wallet`)
    }
    if (!chain) {
      chain = { settings, holdings: [] }
      byChainId.set(settings.chainId, chain)
      chains.push(chain)
    }
    let holdings = chain.holdings.find((h) => h.token === token)
    if (!holdings) {
      holdings = { token, wallets: [] }
      chain.holdings.push(holdings)
    }
    const wallets = entry.wallets.map((wallet, j) => checkEvmAddress(wallet, `${at}.wallets[${j}]`))
    for (const [j, wallet] of wallets.entries()) {
      if (holdings.wallets.includes(wallet)) {
        throw inputError(
          `${at}.wallets[${j}]: ${wallet} is listed twice for ${token ?? 'the native coin'} on "${settings.network}": it would count twice`,
        )
      }
      holdings.wallets.push(wallet)
    }
    inputs.push({
      network: settings.network,
      ...(chainId !== undefined ? { chainId } : {}),
      ...(token !== undefined ? { contractAddress: token } : {}),
      wallets,
    })
  })
  const { confirmations, resultDecimals } = params
  if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
    throw inputError(`confirmations: must be a non-negative integer, got ${quoteInput(confirmations)}`)
  }
  if (!Number.isSafeInteger(resultDecimals) || resultDecimals < 0 || resultDecimals > MAX_RESULT_DECIMALS) {
    throw inputError(
      `resultDecimals: must be an integer from 0 to ${MAX_RESULT_DECIMALS}, got ${quoteInput(resultDecimals)}`,
    )
  }
  return {
    chains,
    walletCount,
    confirmations,
    resultDecimals,
    inputs: { addresses: inputs, confirmations, resultDecimals },
  }
}

/** A chain id given beside a network: decimal, and the network's own; returned in plain decimal. */
function checkChainId(value: unknown, settings: EvmNetworkSettings, at: string): string {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) {
    throw inputError(`${at}.chainId: ${quoteInput(value)} is not a chain id in decimal`)
  }
  if (BigInt(value) !== settings.chainId) {
    throw inputError(
      `${at}.chainId: ${value} is not the chain id of network "${settings.network}" ` +
        `(${settings.chainIdSetting} is ${settings.chainId})`,
    )
  }
  return settings.chainId.toString()
}

/** The request in canonical form ({@link BalanceRequest.inputs}); a 400 when it is refused. */
export const canonicalRequest = (params: EvmRequestParams, settings: Settings): EvmRequestParams =>
  checkRequest(params, settings.MAX_WALLETS).inputs
