import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { providerError } from '#common/errors'
import { ProviderUnanswered, type EsploraApi, type ProviderTipBlock } from './esplora'

/** A provider able to serve a reading: the API asking it alone, and its tip, read before any balance. */
export interface StateSource {
  endpoint: number
  api: EsploraApi
  tip: number
}

/**
 * One chain state for a whole reading: the height H balances are taken at, from the tip of one
 * provider (the anchor). Every address is read from one provider, all of its calls: the anchor,
 * or, when the anchor does not answer, the next URL of the list that is proven to hold the same
 * chain at H (its tip at or above H, and the same block hash at H as the anchor's). A provider
 * behind H, on another branch, or that cannot be compared is not used: if none is left, the
 * address fails with a 502 naming every provider and why.
 *
 * A provider serving an address brings its own tip, read before that address's totals: the
 * balance rule's check for a block landing mid-read is made against the tip of the provider
 * that answers, not the anchor's (a lagging one could take in a block the anchor already had).
 */
export class ChainState {
  private readonly sources = new Map<number, Promise<StateSource>>()
  /** Providers found not answering during this reading, and why: later addresses skip them. */
  private readonly unanswered = new Map<number, string>()
  private anchorHash?: Promise<string>

  constructor(
    private readonly api: EsploraApi,
    private readonly anchor: ProviderTipBlock,
    /** H: the height every balance is taken at (the anchor's tip when the mempool counts). */
    readonly height: number,
  ) {
    const endpoint = anchor.endpoint
    this.sources.set(endpoint, Promise.resolve({ endpoint, api: api.at(endpoint), tip: anchor.height }))
    if (height === anchor.height) this.anchorHash = Promise.resolve(anchor.hash)
  }

  /**
   * `read(source)` from the anchor, else from the next provider proven to share its chain at H.
   * Fails over only when a provider does not answer ({@link ProviderUnanswered}); any other
   * failure (a 4xx, a malformed answer) fails the read at once.
   */
  async read<T>(subject: string, read: (source: StateSource) => Promise<T>): Promise<T> {
    const reasons: string[] = []
    for (const endpoint of this.order()) {
      const skipped = this.unanswered.get(endpoint)
      if (skipped !== undefined) {
        reasons.push(skipped)
        continue
      }
      let source: StateSource
      try {
        source = await this.source(endpoint)
      } catch (error) {
        if (!(error instanceof AdapterError)) throw error
        reasons.push(error.message)
        continue
      }
      try {
        return await read(source)
      } catch (error) {
        if (!(error instanceof ProviderUnanswered)) throw error
        // The client's message names the URL and each failure.
        const reason = withoutSubject(error.message, subject)
        this.unanswered.set(endpoint, reason)
        reasons.push(reason)
      }
    }
    throw providerError(
      `${subject}: no provider could serve height ${this.height} (the tip ${this.anchor.height} of ` +
        `${this.api.setting} ${this.api.name(this.anchor.endpoint)}): ${reasons.join('; ')}`,
    )
  }

  /** The anchor first, then the other URLs in list order. */
  private order(): number[] {
    const others = this.api.endpoints().filter((endpoint) => endpoint !== this.anchor.endpoint)
    return [this.anchor.endpoint, ...others]
  }

  private source(endpoint: number): Promise<StateSource> {
    let source = this.sources.get(endpoint)
    if (!source) {
      source = this.prove(endpoint)
      this.sources.set(endpoint, source)
    }
    return source
  }

  /** Provider `endpoint` as a source of this state, once it is shown to hold the anchor's block at H. */
  private async prove(endpoint: number): Promise<StateSource> {
    const api = this.api.at(endpoint)
    const name = this.api.name(endpoint)
    const anchorName = this.api.name(this.anchor.endpoint)
    const h = this.height
    const compare = async (): Promise<{ tip: number; problem?: string }> => {
      const tip = (await api.tip()).height
      if (tip < h) return { tip, problem: `${name} is at height ${tip}, below ${h}` }
      this.anchorHash ??= this.api.at(this.anchor.endpoint).blockHash(h)
      const [hash, anchorHash] = await Promise.all([api.blockHash(h), this.anchorHash])
      if (hash === anchorHash) return { tip }
      return {
        tip,
        problem: `${name} holds block ${hash} at height ${h}, not ${anchorHash} as ${anchorName} does`,
      }
    }
    let outcome: { tip: number; problem?: string }
    try {
      outcome = await compare()
    } catch (error) {
      if (!(error instanceof AdapterError)) throw error
      throw providerError(`${name} could not be compared with ${anchorName} at height ${h}: ${error.message}`)
    }
    if (outcome.problem !== undefined) throw providerError(outcome.problem)
    return { endpoint, api, tip: outcome.tip }
  }
}

/** A provider's message without the subject it starts with (it is named once, at the front). */
function withoutSubject(message: string, subject: string): string {
  return message.startsWith(`${subject}: `) ? message.slice(subject.length + 2) : message
}
