import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { providerError } from '#common/errors'
import { headTooFarBehind, headTooOld, type HeadFreshness } from '#common/freshness'
import type { EsploraApi, ProviderTipBlock } from './esplora'

/**
 * The tip a reading is anchored on, from the first provider whose tip is fresh (the project's
 * fresh-head rule): its block (`GET /blocks/tip/hash`, then `GET /block/:hash` for its height
 * and timestamp) no older than `rule.maxHeadAgeSeconds` by the clock and, when several URLs are
 * configured, no more than `rule.maxLagBlocks` behind the highest tip among them (each asked
 * `GET /blocks/tip/height`, in parallel with the first tip). The first tip hash comes from
 * whichever URL answers, in the client's order (it stays on the URL that answered after a
 * failover); a provider that cannot give its tip block, or whose tip is not fresh, is passed
 * over for the next URL of the list. With none left, a 502 naming each provider (position and
 * host), its tip block and why.
 */
export async function readFreshTip(api: EsploraApi, rule: HeadFreshness): Promise<ProviderTipBlock> {
  const endpoints = api.endpoints()
  const others = endpoints.length > 1 ? tipHeights(api, endpoints) : Promise.resolve([])
  // Every URL failing this one is a failure of the whole reading, as the client reports it.
  const first = await api.tipHash()
  const reasons: string[] = []
  const asked = new Set<number>()
  for (
    let endpoint: number | undefined = first.endpoint;
    endpoint !== undefined;
    endpoint = endpoints.find((e) => !asked.has(e))
  ) {
    asked.add(endpoint)
    const provider = api.at(endpoint)
    try {
      const hash = endpoint === first.endpoint ? first.hash : (await provider.tipHash()).hash
      const tip: ProviderTipBlock = { ...(await provider.block(hash)), endpoint }
      const head = { number: BigInt(tip.height), timestamp: tip.timestamp }
      const problem = headTooOld(head, rule, 'tip') ?? headTooFarBehind(head, await others, rule, 'tip')
      if (problem === undefined) return tip
      reasons.push(`${api.name(endpoint)}: ${problem}`)
    } catch (error) {
      if (!(error instanceof AdapterError)) throw error
      reasons.push(error.message)
    }
  }
  throw providerError(`no ${api.setting} provider has a fresh tip (${reasons.join('; ')})`)
}

/** Every URL's tip height, asked in parallel; a URL that does not answer is left out. */
async function tipHeights(api: EsploraApi, endpoints: number[]): Promise<bigint[]> {
  const heights = await Promise.all(
    endpoints.map((endpoint) =>
      api
        .at(endpoint)
        .tip()
        .then(
          (tip) => [BigInt(tip.height)],
          () => [],
        ),
    ),
  )
  return heights.flat()
}
