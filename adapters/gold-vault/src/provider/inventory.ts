import { add, formatUnits, type ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'
import type { ProviderClient } from '#common/provider-client'
import { ageProblem } from '#common/time'
import type { VaultSettings } from '../config'
import type { InventoryEndpointTypes, InventoryRequestParams, VaultTotal } from '../endpoint/inventory'
import { checkRequest, vaultLimits } from '../endpoint/inventory-request'
import { tallyBars, type SeenBars } from '../rules/bars'
import { checkPlausibleGold, checkSummaryAgrees } from '../rules/totals'
import { ZERO, gramsToTroyOunceUnits, inGrams } from '../rules/weights'
import { readSource, type VaultSource } from './sources'

/** A request's vaults, read and checked: the answer's data, and the fine gold exactly. */
export interface Inventory {
  data: InventoryEndpointTypes['Response']['Data']
  /** The fine gold of every vault together, in grams, exactly (the data's figures are rounded down). */
  grams: ScaledAmount
  /** The oldest date among the vaults' sources, in milliseconds; undefined when none is dated. */
  asOfMs?: number
}

/**
 * Reads every vault a request names through `client` (the adapter's one client for the
 * custodian's API, `GOLD_VAULT_API_URL`), for whatever adapter reads them (the gold-vault
 * adapter's transport, the proof-of-reserves composite): each vault's bar list or summary, its
 * age, every bar, and the gold of them all. Any vault that cannot be read or trusted fails the
 * whole read.
 */
export async function readInventory(
  params: InventoryRequestParams,
  settings: VaultSettings,
  client: ProviderClient,
): Promise<Inventory> {
  const { vaults } = checkRequest(params)
  const limits = vaultLimits(settings)
  // Every vault is read; any one that cannot be read or trusted fails the whole answer.
  const sources = await Promise.all(
    vaults.map(async (vault) => {
      const subject = `vault ${vault}`
      const response = await client.get(encodeURIComponent(vault), subject)
      const source = readSource(response.text, response.headers, params.format, subject)
      return { vault, subject, body: response.text, source }
    }),
  )

  const now = Date.now()
  const seen: SeenBars = new Map()
  let totalGrams = ZERO
  let barCount: number | null = 0
  let oldest: VaultSource['asOf']
  const totals: VaultTotal[] = []
  for (const { vault, subject, source } of sources) {
    if (source.asOf) {
      const problem = ageProblem(
        source.asOf.ms,
        now,
        settings.GOLD_VAULT_MAX_AGE_SECONDS,
        settings.GOLD_VAULT_FUTURE_SKEW_SECONDS,
      )
      const what = source.format === 'summary' ? 'the summary' : 'the bar list'
      if (problem)
        throw providerError(`${subject}: ${what} (${source.asOf.from} ${source.asOf.text}) ${problem}`)
      if (!oldest || source.asOf.ms < oldest.ms) oldest = source.asOf
    }
    let grams: ScaledAmount
    if (source.format === 'summary') {
      grams = inGrams(source.grams.value, 'g')
      checkPlausibleGold(grams, limits.maxTotalTroyOunces, `${subject}: grams_locked ${source.grams.text} g`)
      const { barList } = source
      if (barList) {
        const barGrams = tallyBars(barList.bars, barList.unit, subject, limits.bars, seen)
        checkSummaryAgrees(source.grams, barGrams, barList.bars.length, limits.summaryToleranceGrams, subject)
      }
      barCount = null
    } else {
      grams = tallyBars(source.bars, source.unit, subject, limits.bars, seen)
      if (source.grams) {
        checkSummaryAgrees(source.grams, grams, source.bars.length, limits.summaryToleranceGrams, subject)
      }
      if (barCount !== null) barCount += source.bars.length
    }
    totalGrams = add(totalGrams, grams)
    const units = gramsToTroyOunceUnits(grams, params.decimals)
    totals.push({
      vault,
      name: source.name,
      format: source.format,
      bars: source.format === 'summary' ? null : source.bars.length,
      result: units.toString(),
      fineTroyOunces: formatUnits(units, params.decimals),
      asOf: source.asOf?.text ?? null,
    })
  }

  checkOneReadingPerVault(sources)
  const which = vaults.length === 1 ? `vault ${vaults[0]}` : `vaults ${vaults.join(', ')} together`
  const ounces = formatUnits(gramsToTroyOunceUnits(totalGrams, 6), 6)
  checkPlausibleGold(totalGrams, limits.maxTotalTroyOunces, `the fine gold of ${which}, ${ounces} troy oz,`)

  // The total is converted once from the exact sum: it may exceed the sum of the rounded
  // per-vault figures by less than one unit, and never overstates the gold.
  const units = gramsToTroyOunceUnits(totalGrams, params.decimals)
  const result = units.toString()
  return {
    grams: totalGrams,
    asOfMs: oldest?.ms,
    data: {
      result,
      decimals: params.decimals,
      unit: 'toz',
      fineTroyOunces: formatUnits(units, params.decimals),
      bars: barCount,
      asOf: oldest?.text ?? null,
      vaults: totals,
    },
  }
}

/**
 * Vault names are URL paths, compared case-sensitively: `london` and `LONDON` are two vaults.
 * A custodian whose paths ignore case (or have aliases) answers both with one body: the same
 * bars are then refused as listed twice, and two vaults answering the very same body (say, one
 * summary) are refused here, as one vault read twice.
 */
function checkOneReadingPerVault(sources: { vault: string; body: string }[]): void {
  const firstWith = new Map<string, string>()
  for (const { vault, body } of sources) {
    const first = firstWith.get(body)
    if (first !== undefined) {
      throw providerError(
        `vault ${first} and vault ${vault} answered the very same body: one vault read twice (paths that ignore case, or an alias); name each vault once`,
      )
    }
    firstWith.set(body, vault)
  }
}
