import { parseDecimal, type ScaledAmount } from '#common/decimal'
import { inputError } from '#common/errors'
import { quoteInput } from '#common/input'
import type { VaultSettings } from '../config'
import type { BarLimits } from '../rules/bars'
import type { InventoryRequestParams } from './inventory'

/** Most output decimals accepted. */
export const MAX_DECIMALS = 36
/** Most vaults read in one request. */
export const MAX_VAULTS = 20
/** A vault's name: one URL path segment. */
const VAULT = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/

/**
 * Everything about a request that can be judged without the custodian's API: the vault list
 * (one name, or several separated by commas, each a URL path segment) and decimals. Throws a 400
 * naming the field.
 */
export function checkRequest(params: InventoryRequestParams): { vaults: string[] } {
  const { vault, decimals } = params
  const vaults = typeof vault === 'string' ? vault.split(',').map((v) => v.trim()) : []
  if (vaults.length === 0 || vaults.some((v) => !VAULT.test(v))) {
    throw inputError(
      `vault must be a vault name, or several separated by commas (letters, digits, ".", "_", "~", "-", at most 128 each; each becomes a URL path), got ${quoteInput(vault)}`,
    )
  }
  if (vaults.length > MAX_VAULTS)
    throw inputError(`vault lists ${vaults.length} vaults; the most is ${MAX_VAULTS}`)
  // Names are URL paths, where case matters: compared as sent, like the cache key.
  const seen = new Set<string>()
  for (const v of vaults) {
    if (seen.has(v)) throw inputError(`vault lists ${v} twice`)
    seen.add(v)
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw inputError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${quoteInput(decimals)}`)
  }
  return { vaults }
}

/** The request in canonical form: the vault names trimmed, joined by bare commas, as sent otherwise (URL paths, where case matters). */
export function canonicalRequest(params: InventoryRequestParams): InventoryRequestParams {
  const { vaults } = checkRequest(params)
  return { vault: vaults.join(','), format: params.format, decimals: params.decimals }
}

/** What the figures of a request must satisfy, from the settings (validated when the adapter starts). */
export interface VaultLimits {
  bars: BarLimits
  /** The most gold a request's vaults may hold together, troy ounces (GOLD_VAULT_MAX_TOTAL_TROY_OUNCES). */
  maxTotalTroyOunces: ScaledAmount
  /** How far a grams_locked may be from its bar list's fine gold (GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS). */
  summaryToleranceGrams: ScaledAmount
}

export function vaultLimits(settings: VaultSettings): VaultLimits {
  return {
    bars: {
      minFineness: parseDecimal(settings.GOLD_VAULT_MIN_FINENESS, 'GOLD_VAULT_MIN_FINENESS'),
      maxFineness: parseDecimal(settings.GOLD_VAULT_MAX_FINENESS, 'GOLD_VAULT_MAX_FINENESS'),
      maxGrossTroyOunces: parseDecimal(
        settings.GOLD_VAULT_MAX_BAR_TROY_OUNCES,
        'GOLD_VAULT_MAX_BAR_TROY_OUNCES',
      ),
    },
    maxTotalTroyOunces: parseDecimal(
      settings.GOLD_VAULT_MAX_TOTAL_TROY_OUNCES,
      'GOLD_VAULT_MAX_TOTAL_TROY_OUNCES',
    ),
    summaryToleranceGrams: parseDecimal(
      settings.GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS,
      'GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS',
    ),
  }
}
