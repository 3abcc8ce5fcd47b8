import { inputError } from '#common/errors'
import { quoteInput } from '#common/input'
import { checkEvmAddress } from '#common/evm-address'
import { evmSettingNames, resolveEvmNetwork, type EvmNetworkSettings } from '#common/evm-rpc'
import type { Settings } from '../config'
import type { SupplyRequestParams } from './supply'

/** `resultDecimals` accepted. */
export const MAX_RESULT_DECIMALS = 36

/** A checked request: every network resolved to its settings, every address checksummed. */
export interface SupplyRequest {
  chains: {
    settings: EvmNetworkSettings
    token: string
    /** Holders whose balance on this chain is not circulating. */
    exclude: string[]
  }[]
  confirmations: number
  resultDecimals: number
  /**
   * The request in canonical form: network names in lower case (their settings are looked up
   * in upper case), addresses checksummed (EIP-55), entries in the order given.
   */
  inputs: SupplyRequestParams
}

/**
 * Checks a request against the settings without reading any chain: every failure is a 400
 * naming the field or setting at fault. Used by the endpoint's customInputValidation and again
 * by the transport.
 */
export function checkRequest(
  params: SupplyRequestParams,
  maxExcluded: number,
  env: NodeJS.ProcessEnv = process.env,
): SupplyRequest {
  const tokens = params.tokens ?? []
  if (tokens.length === 0) throw inputError('tokens: list at least one { network, address }')
  const chains: SupplyRequest['chains'] = []
  const byKey = new Map<string, SupplyRequest['chains'][number]>()
  const byChainId = new Map<bigint, string>()
  tokens.forEach((entry, i) => {
    const settings = resolveEvmNetwork(entry?.network, `tokens[${i}].network`, env)
    const token = checkEvmAddress(entry?.address, `tokens[${i}].address`)
    const key = evmSettingNames(settings.network).url
    if (byKey.has(key)) {
      throw inputError(`tokens[${i}]: network "${settings.network}" is listed twice (one token per chain)`)
    }
    const sameChain = byChainId.get(settings.chainId)
    if (sameChain !== undefined) {
      throw inputError(
        `tokens[${i}]: network "${settings.network}" has the chain id of "${sameChain}" ` +
          `(${settings.chainId}): one token per chain`,
      )
    }
    const chain = { settings, token, exclude: [] as string[] }
    byKey.set(key, chain)
    byChainId.set(settings.chainId, settings.network)
    chains.push(chain)
  })
  const exclude = params.exclude ?? []
  const excludeInputs: SupplyRequestParams['exclude'] = []
  if (exclude.length > maxExcluded) {
    throw inputError(`exclude: ${exclude.length} holders, more than MAX_EXCLUDED (${maxExcluded})`)
  }
  exclude.forEach((entry, i) => {
    const network = entry?.network
    const chain = typeof network === 'string' ? byKey.get(evmSettingNames(network).url) : undefined
    if (!chain) {
      throw inputError(`exclude[${i}].network: ${quoteInput(network)} is not one of the tokens' networks`)
    }
    const holder = checkEvmAddress(entry?.address, `exclude[${i}].address`)
    if (chain.exclude.includes(holder)) {
      throw inputError(`exclude[${i}]: ${holder} is already excluded on "${chain.settings.network}"`)
    }
    chain.exclude.push(holder)
    excludeInputs.push({ network: chain.settings.network, address: holder })
  })
  const { confirmations, resultDecimals } = params
  if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
    throw inputError(`confirmations: must be a non-negative integer, got ${confirmations}`)
  }
  if (!Number.isSafeInteger(resultDecimals) || resultDecimals < 0 || resultDecimals > MAX_RESULT_DECIMALS) {
    throw inputError(
      `resultDecimals: must be an integer from 0 to ${MAX_RESULT_DECIMALS}, got ${resultDecimals}`,
    )
  }
  return {
    chains,
    confirmations,
    resultDecimals,
    inputs: {
      tokens: chains.map((chain) => ({ network: chain.settings.network, address: chain.token })),
      exclude: excludeInputs,
      confirmations,
      resultDecimals,
    },
  }
}

/** The request in canonical form ({@link SupplyRequest.inputs}); a 400 when it is refused. */
export const canonicalRequest = (params: SupplyRequestParams, settings: Settings): SupplyRequestParams =>
  checkRequest(params, settings.MAX_EXCLUDED).inputs
