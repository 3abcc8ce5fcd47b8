/**
 * A stand-in for the oracle network: it does what the nodes of a Proof-of-Reserve feed do, on one machine,
 * with no consensus. It is not Chainlink's oracle network (an OCR2 median job on many independent nodes).
 *
 * Each round it asks the adapters the way a WBTC-style node job chains two bridges (`por-address-list`,
 * then its `data.result` piped into `btc-balance`), then applies the rule PoR feeds publish on: write a new
 * answer when it deviates from the feed's current one by at least the deviation threshold, or when the
 * current one is older than the heartbeat, and otherwise write nothing. It submits the answer to the feed's
 * aggregator, Chainlink's FluxAggregator, as its one oracle: each submission completes a round and emits
 * `AnswerUpdated`, as every Chainlink aggregator does; consumers read the answer through Chainlink's
 * EACAggregatorProxy.
 *
 * A round only uses answers the adapters read from their providers after the round began (their
 * `timestamps.providerDataRequestedUnixMs`), so it never reports a total from before a change on the
 * ledger: the adapters answer from a cache refreshed in the background.
 */
import { formatUnits, rescale } from '#common/decimal'
import { askUntilComputed, type AdapterClient, type HttpAnswer } from '#devkit/adapter-server'
import type { EACAggregatorProxy, FluxAggregator } from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import { sent, type Sent } from './tx'

/** When the feed is written. */
export interface PublicationRules {
  /** a new answer is written when it moves this many basis points from the current one, or more */
  deviationBps: bigint
  /** or when the current answer is this many seconds old, or older */
  heartbeatSeconds: bigint
}

/** What the two bridges answered in one round. */
export interface Observation {
  /** the custodian addresses, as por-address-list read them from the chain */
  addresses: string[]
  /** por-address-list's `data.result` as it answered it: what the job pipes into btc-balance's request */
  listed: unknown[]
  /** the block the list was read at */
  listBlock: number
  /** the reserves, as btc-balance summed them, at the feed's decimals */
  reserves: bigint
  /** the decimals btc-balance answered in */
  adapterDecimals: number
  /** the Bitcoin height the balances were taken at, and the tip then */
  height: number
  tipHeight: number
  /** each address's balance, in the adapter's units */
  balances: { address: string; balance: bigint }[]
}

export interface RoundOutcome<O extends Observed = Observation> {
  observation: O
  /** the feed before the round (through the proxy) */
  previous: { answer: bigint; updatedAt: bigint }
  /** |observed − current| ÷ current in percent, rounded down to 6 decimals; undefined when there was no answer */
  deviationPercent?: string
  /** seconds since the current answer, in chain time */
  ageSeconds: bigint
  updated: boolean
  /** why the round wrote, or did not write, in plain words */
  why: string
  /** the write, when there was one */
  update?: Sent & { roundId: bigint; answer: bigint }
}

/** What a round observed: the reserves at the feed's decimals, and whatever the source reports with them. */
export interface Observed {
  reserves: bigint
}

/**
 * Where a round's reserves come from: the adapters, asked as a node's job asks them, for an answer read from
 * their provider at or after `since` (epoch ms).
 */
export type ReserveSource<O extends Observed> = (since: number) => Promise<O>

export interface UpdaterOptions<O extends Observed> {
  source: ReserveSource<O>
  /** the aggregator, connected to its oracle (the account that submits) */
  aggregator: FluxAggregator
  /** the proxy consumers read */
  proxy: EACAggregatorProxy
  rules: PublicationRules
}

/** The adapters answered something a node job would fail on. */
export class UpdaterError extends Error {}

const DEVIATION_DECIMALS = 6

export function field<T>(body: Record<string, unknown> | undefined, path: string[], what: string): T {
  let value: unknown = body
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key]
  if (value === undefined) throw new UpdaterError(`${what}: the answer has no ${path.join('.')}`)
  return value as T
}

export function integerText(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new UpdaterError(`${what} is not a non-negative integer string: ${JSON.stringify(value)}`)
  }
  return BigInt(value)
}

/**
 * Asks one bridge until it answers 200 with a value read from its provider at or after `since` (epoch ms). A 504
 * "no value yet" is asked again, as a node retries; any other status fails the round.
 */
export async function askFresh(
  server: AdapterClient,
  data: Record<string, unknown>,
  since: number,
  what: string,
  freshWithinMs = 20_000,
): Promise<HttpAnswer> {
  const deadline = Date.now() + freshWithinMs
  for (;;) {
    const answer = await askUntilComputed(() => server.bridge(data))
    if (answer.status !== 200) {
      throw new UpdaterError(`${what} answered ${answer.status}: ${answer.text}`)
    }
    const requested = field<number>(answer.body, ['timestamps', 'providerDataRequestedUnixMs'], what)
    if (requested >= since) return answer
    if (Date.now() > deadline) {
      throw new UpdaterError(`${what} gave no answer read after the round began within the time allowed`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The WBTC-style job's two bridges: the address list, piped into the balances. */
export interface ReaderOptions {
  list: AdapterClient
  /** btc-balance, served over HTTP (the CRE path's workflow asks it at its URL too) */
  balance: AdapterClient & { url: string }
  /** the por-address-list request (its documented inputs) */
  listRequest: Record<string, unknown>
  /** btc-balance's `minConfirmations` */
  minConfirmations: number
  /** the proxy consumers read (its decimals are the feed's) */
  proxy: EACAggregatorProxy
  /** how long a round waits for fresh answers before it fails (default 20 s) */
  freshWithinMs?: number
}

/** |observed − current| ÷ current in percent, rounded down to 6 decimals. */
export function deviationPercent(current: bigint, observed: bigint): string {
  const difference = observed > current ? observed - current : current - observed
  return formatUnits((difference * 10n ** BigInt(2 + DEVIATION_DECIMALS)) / current, DEVIATION_DECIMALS)
}

/**
 * Reads the reserves as the WBTC-style node job does: the two bridges chained, only answers read after a given
 * time. {@link AdapterReader.source} is its {@link ReserveSource} for the feed updater.
 */
export class AdapterReader {
  constructor(readonly options: ReaderOptions) {}

  /** This reader as a feed updater's source. */
  readonly source: ReserveSource<Observation> = (since) => this.observe(since)

  /**
   * The btc-balance request data a round sends for `observation`'s addresses: the job's, byte for byte, so that
   * another client sending it (the por-feed workflow) is answered from the same cache entry.
   */
  balanceRequest(observation: Observation): Record<string, unknown> {
    return { addresses: observation.listed, minConfirmations: this.options.minConfirmations }
  }

  /** One observation, the two bridges chained as the node job chains them. */
  async observe(since = Date.now()): Promise<Observation> {
    const { list, balance, listRequest, minConfirmations, proxy, freshWithinMs } = this.options
    const listed = await askFresh(list, listRequest, since, 'por-address-list', freshWithinMs)
    // jsonparse data,result, interpolated as is into the next bridge's request data
    const parsed = field<unknown>(listed.body, ['data', 'result'], 'por-address-list')
    if (!Array.isArray(parsed)) throw new UpdaterError('por-address-list: data.result is not a list')
    const summed = await askFresh(
      balance,
      { addresses: parsed, minConfirmations },
      since,
      'btc-balance',
      freshWithinMs,
    )
    const total = integerText(
      field(summed.body, ['data', 'result'], 'btc-balance'),
      'btc-balance data.result',
    )
    if (integerText(summed.body?.result, 'btc-balance result') !== total) {
      throw new UpdaterError('btc-balance: result and data.result differ')
    }
    const adapterDecimals = field<number>(summed.body, ['data', 'decimals'], 'btc-balance')
    const feedDecimals = Number(await proxy.decimals())
    return {
      addresses: parsed.map((entry) => String((entry as { address?: unknown }).address)),
      listed: parsed,
      listBlock: field<number>(listed.body, ['data', 'blockNumber'], 'por-address-list'),
      // Down, if the feed had fewer decimals than the adapter: a reserve is never rounded up.
      reserves: rescale(total, adapterDecimals, feedDecimals, 'down'),
      adapterDecimals,
      height: field<number>(summed.body, ['data', 'height'], 'btc-balance'),
      tipHeight: field<number>(summed.body, ['data', 'tipHeight'], 'btc-balance'),
      balances: field<{ address: string; balance: string }[]>(
        summed.body,
        ['data', 'balances'],
        'btc-balance',
      ).map((b) => ({
        address: b.address,
        balance: integerText(b.balance, `btc-balance balance of ${b.address}`),
      })),
    }
  }
}

export class ReserveFeedUpdater<O extends Observed = Observation> {
  constructor(private readonly options: UpdaterOptions<O>) {}

  /** One observation, read after `since` (default: now). */
  observe(since = Date.now()): Promise<O> {
    return this.options.source(since)
  }

  /**
   * The feed's current answer and its time, through the proxy; 0 and 0 before the aggregator's first round,
   * when `latestRoundData` reverts ("No data present").
   */
  private async current(): Promise<{ answer: bigint; updatedAt: bigint }> {
    if ((await this.options.aggregator.latestRound()) === 0n) return { answer: 0n, updatedAt: 0n }
    const [, answer, , updatedAt] = await this.options.proxy.latestRoundData()
    return { answer, updatedAt }
  }

  /** One round: observe, apply the deviation-or-heartbeat rule, write the answer if the rule says so. */
  async round(): Promise<RoundOutcome<O>> {
    const began = Date.now()
    const { proxy, aggregator, rules } = this.options
    const observation = await this.observe(began)
    const { answer, updatedAt } = await this.current()
    const provider = proxy.runner!.provider!
    const now = BigInt((await provider.getBlock('latest'))!.timestamp)
    const ageSeconds = now - updatedAt
    const previous = { answer, updatedAt }
    const outcome: RoundOutcome<O> = { observation, previous, ageSeconds, updated: false, why: '' }
    const threshold = `${formatUnits(rules.deviationBps, 2)} %`
    if (answer <= 0n) {
      outcome.updated = true
      outcome.why = 'the feed has no reserve reported yet'
    } else {
      const difference =
        observation.reserves > answer ? observation.reserves - answer : answer - observation.reserves
      outcome.deviationPercent = deviationPercent(answer, observation.reserves)
      // Exact: |observed − current| × 10,000 ≥ threshold (bps) × current.
      const deviated = difference * 10_000n >= rules.deviationBps * answer
      const stale = ageSeconds >= rules.heartbeatSeconds
      outcome.updated = deviated || stale
      outcome.why = deviated
        ? `deviation ${outcome.deviationPercent} % ≥ the ${threshold} threshold`
        : stale
          ? `heartbeat: the answer is ${ageSeconds} s old (≥ ${rules.heartbeatSeconds} s)`
          : `deviation ${outcome.deviationPercent} % < the ${threshold} threshold and the answer is ` +
            `${ageSeconds} s old (< the ${rules.heartbeatSeconds} s heartbeat): nothing to write`
    }
    if (outcome.updated) {
      const receipt = await mined(
        aggregator.submit((await aggregator.latestRound()) + 1n, observation.reserves),
      )
      const [event] = eventsNamed(receipt, aggregator, 'AnswerUpdated')
      if (!event) throw new UpdaterError('the new round emitted no AnswerUpdated')
      outcome.update = { ...sent(receipt), roundId: event.roundId, answer: event.current }
    }
    return outcome
  }
}
