import { createHash } from 'node:crypto'
import type { EndpointContext } from '@chainlink/external-adapter-framework/adapter'
import type {
  TransportDependencies,
  TransportGenerics,
} from '@chainlink/external-adapter-framework/transports'
import { SubscriptionTransport } from '@chainlink/external-adapter-framework/transports/abstract/subscription'
import {
  makeLogger,
  type AdapterResponse,
  type TimestampedProviderResult,
} from '@chainlink/external-adapter-framework/util'
import type { TypeFromDefinition } from '@chainlink/external-adapter-framework/validation/input-params'
import { DetailedAdapterError, describeFailure, isFinalFailure, providerError } from './errors'
import { onBehalfOf } from './provider-client'
import { OVERFLOW_FEED, forgetFeeds, reserveMetrics } from './metrics'

/** The range of an on-chain answer (an aggregator's int256). */
export const INT256_MIN = -(2n ** 255n)
export const INT256_MAX = 2n ** 255n - 1n

/**
 * Refuses (502, naming it) an integer result that an on-chain answer cannot hold: a figure a
 * feed would have to truncate or wrap is not a figure to report.
 */
export function checkReportable(result: unknown): void {
  if (typeof result !== 'string' || !/^-?\d+$/.test(result)) return
  const value = BigInt(result)
  if (value < INT256_MIN || value > INT256_MAX) {
    throw providerError(
      `result ${result} does not fit the int256 of an on-chain answer (−2^255 to 2^255 − 1)`,
    )
  }
}

const logger = makeLogger('ComputeTransport')

/** Failures of one request are logged at most this often (with a count of those in between). */
export const FAILURE_LOG_INTERVAL_MS = 60_000

/**
 * How often a request not due is checked for its cached answer: one that vanished (Redis
 * restarted or emptied, a key evicted) is computed again on the next tick instead of when due.
 */
export const CACHE_CHECK_INTERVAL_MS = 5_000

/** A failure's message as logged: the start of it (the whole is in the cached error response). */
const LOGGED_MESSAGE_LENGTH = 300

/** The settings of `RESERVE_SETTINGS` (adapters/common/adapter.ts) the transport reads. */
interface ReserveTransportSettings {
  RETRY_FAILED_AFTER_MS: number
  RETRY_FAILED_MAX_MS: number
  METRICS_FEED_LIMIT: number
}

/**
 * How often the feed ids of requests this process has answered but never computed (a reader's:
 * its writer computes them) are looked over, to forget those no longer asked.
 */
export const FEED_SWEEP_INTERVAL_MS = 60_000

/** What a {@link ComputeTransport} produces for one request. */
export interface ComputedResponse<T extends TransportGenerics> {
  result: T['Response']['Result']
  data: T['Response']['Data']
  /** When the provider says the figure was true (attestation time, block time), if it says. */
  providerIndicatedTimeUnixMs?: number
}

/** What the transport keeps of one request, from its first computation until it has expired. */
interface RequestRecord {
  /** Its digest, its response-cache key, and its name in logs (`<endpoint>:<digest prefix>`). */
  digest: string
  key: string
  name: string
  /** When the background first saw it. */
  since: number
  /** When its last computation ended; undefined before the first. */
  computedAt?: number
  /** Computations failed in a row, and whether the last failure was an answer (a 4xx, a 400). */
  failures: number
  final: boolean
  inFlight: boolean
  /** Compute it on the next tick, whatever its schedule. */
  dueNow: boolean
  /** The inputs of the live request (undefined once its subscription has expired). */
  params?: unknown
  /** When the figure cached by its last success was read from the provider. */
  figureReadAt?: number
  /** Whether its last failure withdrew that figure (a ripcord). */
  withdrawn: boolean
  /** When its last failure was logged, and the failures not logged since. */
  loggedAt?: number
  unlogged: number
  /** When a response was last written for it: its cache entry expires CACHE_MAX_AGE later. */
  writtenAt?: number
  /** When its cache entry was last looked for, and whether that is under way. */
  checkedAt?: number
  checking: boolean
}

/** What a request is known by, worked out once per inputs object. */
interface RequestIdentity {
  digest: string
  /** Its response-cache key without the operator's CACHE_PREFIX, and with it. */
  requestKey: string
  cacheKey: string
  /** Its name in logs and in the provider clients' fair shares: `<endpoint>:<digest prefix>`. */
  name: string
}

/** The `feed_id` label of a request's metric series, and when the request was last seen. */
export interface FeedLabel {
  id: string
  /** Whether the label is the request's own (or the endpoint's shared {@link OVERFLOW_FEED}). */
  own: boolean
  seenAt: number
}

/** The framework's way of making a cache entry: its censoring of secrets and its metadata. */
interface CacheEntryMaker<T extends TransportGenerics> {
  generateCacheEntry(
    transportNameForMeta: string,
    transportNameForCache: string,
    result: TimestampedProviderResult<T>,
  ): { key: string; value: AdapterResponse<T['Response']> }
}

/**
 * The transport every adapter in this repository uses: the framework's subscription model
 * (requests are registered, computed in the background, answered from the response cache),
 * where computing one request is a single async function.
 *
 * Anything `compute` throws becomes that request's cached error response, with the status
 * code of the AdapterError thrown (502 for anything else): a figure is never partially
 * reported, nor one outside the int256 of an on-chain answer ({@link checkReportable}). A {@link DetailedAdapterError} adds its `details` to that response, and with
 * `replacesCachedResult` evicts a cached success the framework would otherwise keep serving.
 *
 * Responses are cached under {@link ComputeTransport.requestKey}, which `ReserveAdapter` also
 * makes its endpoint's `cacheKeyGenerator`: a digest of the exact (canonical) inputs. The
 * framework's own key lower-cases every text, so two requests differing only in the case of a
 * bitcoin address, an auditor's client or a vault (case-sensitive, all of them) would share an
 * entry, and each would be answered with the other's figure.
 *
 * What is kept per request is bounded by the live requests: a record per subscribed request
 * (its key, feed id and schedule), dropped with its cache entry and its metric series once its
 * subscription and its cached answer have both expired. A background tick serialises nothing,
 * and neither does a cached answer to inputs seen before: each inputs object's digest, keys and
 * names are worked out once.
 *
 * Metric series are bounded too: the first `METRICS_FEED_LIMIT` requests of the endpoint each
 * get a `feed_id` of their own ({@link ComputeTransport.feedId}); the requests beyond share
 * `<endpoint>:other` until a label frees (its request expired).
 */
export abstract class ComputeTransport<T extends TransportGenerics> extends SubscriptionTransport<T> {
  abstract compute(
    params: TypeFromDefinition<T['Parameters']>,
    settings: T['Settings'],
  ): Promise<ComputedResponse<T>>

  /** What each request is known by, once per inputs object (the subscription set keeps it). */
  private readonly identities = new WeakMap<object, RequestIdentity>()
  /** Every request computed and not yet expired, by digest. */
  private readonly records = new Map<string, RequestRecord>()
  /** The feed label of every request seen (answered or computed) and not yet forgotten, by digest. */
  private readonly feedLabels = new Map<string, FeedLabel>()
  /** How many of {@link feedLabels} are a request's own, and when they were last looked over. */
  private ownFeedLabels = 0
  private feedsSweptAt = 0

  override async initialize(
    dependencies: TransportDependencies<T>,
    adapterSettings: T['Settings'],
    endpointName: string,
    transportName: string,
  ): Promise<void> {
    await super.initialize(dependencies, adapterSettings, endpointName, transportName)
    // The response cache of this endpoint keys entries as its cacheKeyGenerator does.
    this.responseCache.getCacheKey = (_transportName, params) => this.cacheKey(params)
  }

  /** What the request is known by (worked out once per inputs object). */
  private identity(params: TypeFromDefinition<T['Parameters']>): RequestIdentity {
    const inputs = params as object
    let identity = this.identities.get(inputs)
    if (identity === undefined) {
      const digest = createHash('sha256').update(sortedJson(inputs)).digest('base64url')
      const { adapterName, endpointName, adapterSettings } = this.responseCache
      const requestKey = `${adapterName}-${endpointName}-${this.name}-${digest}`
      const prefix = adapterSettings.CACHE_PREFIX
      identity = {
        digest,
        requestKey,
        cacheKey: `${prefix ? `${prefix}-` : ''}${requestKey}`,
        name: `${endpointName}:${digest.slice(0, 16)}`,
      }
      this.identities.set(inputs, identity)
    }
    return identity
  }

  /** SHA-256 of the inputs' JSON (keys sorted), base64url: case and every character kept. */
  digest(params: TypeFromDefinition<T['Parameters']>): string {
    return this.identity(params).digest
  }

  /**
   * The request's key, without the operator's CACHE_PREFIX: what the endpoint's
   * cacheKeyGenerator returns (the framework adds the prefix).
   */
  requestKey(params: TypeFromDefinition<T['Parameters']>): string {
    return this.identity(params).requestKey
  }

  /** The request's response-cache key. */
  cacheKey(params: TypeFromDefinition<T['Parameters']>): string {
    return this.identity(params).cacheKey
  }

  /**
   * The request's `feed_id` in the framework's metrics: its name in logs
   * (`<endpoint>:<digest prefix>`; the framework's would be the inputs themselves, up to 300
   * characters), for the first `METRICS_FEED_LIMIT` requests of the endpoint; for the requests
   * beyond, `<endpoint>:other`, shared. A request keeps its label until it is forgotten (expired
   * here, or no longer asked of a reader), which frees its own label for the next request.
   */
  feedId(params: TypeFromDefinition<T['Parameters']>): string {
    return this.feedLabel(params).id
  }

  /** The request's {@link ComputeTransport.feedId}, and whether it is the request's own (or shared). */
  feedLabel(params: TypeFromDefinition<T['Parameters']>): Readonly<FeedLabel> {
    const { digest, name } = this.identity(params)
    const now = Date.now()
    let label = this.feedLabels.get(digest)
    if (label === undefined) {
      const limit = (this.responseCache.adapterSettings as unknown as ReserveTransportSettings)
        .METRICS_FEED_LIMIT
      const own = this.ownFeedLabels < limit
      if (own) this.ownFeedLabels++
      label = { id: own ? name : `${this.responseCache.endpointName}:${OVERFLOW_FEED}`, own, seenAt: now }
      this.feedLabels.set(digest, label)
    }
    label.seenAt = now
    if (now - this.feedsSweptAt >= FEED_SWEEP_INTERVAL_MS) void this.sweepFeeds(now)
    return label
  }

  /**
   * Forgets the feed labels of requests this process answered from the cache but never computed
   * (a reader's) and has not been asked for since they must have expired (their subscription
   * and their cached answer), with their metric series. A request computed here is forgotten
   * with its record ({@link ComputeTransport.forgetExpired}).
   */
  private async sweepFeeds(now: number): Promise<void> {
    this.feedsSweptAt = now
    const { WARMUP_SUBSCRIPTION_TTL, CACHE_MAX_AGE } = this.responseCache.adapterSettings
    const unused = [...this.feedLabels]
      .filter(
        ([digest, label]) =>
          !this.records.has(digest) && now - label.seenAt >= WARMUP_SUBSCRIPTION_TTL + CACHE_MAX_AGE,
      )
      .map(([digest]) => digest)
    await this.forgetFeedLabels(unused)
  }

  /** Forgets the feed labels of `digests`, and the metric series of those that were a request's own. */
  private async forgetFeedLabels(digests: string[]): Promise<void> {
    const own = new Set<string>()
    for (const digest of digests) {
      const label = this.feedLabels.get(digest)
      if (label === undefined) continue
      this.feedLabels.delete(digest)
      if (!label.own) continue
      this.ownFeedLabels--
      own.add(label.id)
    }
    await forgetFeeds(own)
  }

  /** How many requests the transport keeps a record of (live, or with an unexpired answer). */
  get trackedRequests(): number {
    return this.records.size
  }

  /**
   * Has every live request whose inputs match, and which still serves a figure, computed on the
   * next tick instead of at its own refresh: for a failure seen by one request that withdraws
   * the figure of others too (an auditor's ripcord withdraws every figure of that client).
   */
  recomputeServing(matches: (params: TypeFromDefinition<T['Parameters']>) => boolean): void {
    for (const record of this.records.values()) {
      // (Also those whose refresh failed: they serve their last figure until it expires.)
      if (record.params === undefined || record.withdrawn || record.figureReadAt === undefined) continue
      if (matches(record.params as TypeFromDefinition<T['Parameters']>)) record.dueNow = true
    }
  }

  /**
   * How long after its last computation a request is due again: a success after half of
   * CACHE_MAX_AGE (so the cache never runs dry while requests keep coming); a failure that is an
   * answer (a provider's 4xx, a 400: asking again soon would only repeat it) likewise; any other
   * failure after RETRY_FAILED_AFTER_MS, doubled for each failure in a row, at most
   * RETRY_FAILED_MAX_MS.
   */
  private dueAfter(record: RequestRecord, settings: T['Settings']): number {
    if (record.failures === 0 || record.final) return settings.CACHE_MAX_AGE / 2
    const { RETRY_FAILED_AFTER_MS, RETRY_FAILED_MAX_MS } = settings as unknown as ReserveTransportSettings
    return Math.min(RETRY_FAILED_AFTER_MS * 2 ** Math.min(record.failures - 1, 30), RETRY_FAILED_MAX_MS)
  }

  /**
   * Starts computing every subscribed request that is due ({@link ComputeTransport.dueAfter}),
   * without waiting for it: a new request is picked up on the next wake
   * (BACKGROUND_EXECUTE_MS_HTTP) even while a long computation (10,000 addresses) is still
   * running. Then forgets the requests that have expired.
   */
  async backgroundHandler(
    context: EndpointContext<T>,
    entries: TypeFromDefinition<T['Parameters']>[],
  ): Promise<void> {
    const settings = context.adapterSettings
    const now = Date.now()
    const live = new Set<string>()
    for (const params of entries) {
      const { digest, cacheKey, name } = this.identity(params)
      live.add(digest)
      let record = this.records.get(digest)
      if (!record) {
        record = {
          digest,
          key: cacheKey,
          name,
          since: now,
          failures: 0,
          final: false,
          inFlight: false,
          dueNow: false,
          withdrawn: false,
          unlogged: 0,
          checking: false,
        }
        this.records.set(digest, record)
      }
      record.params = params
      if (record.inFlight) continue
      const due =
        record.dueNow ||
        record.computedAt === undefined ||
        now - record.computedAt >= this.dueAfter(record, settings)
      if (!due) {
        this.checkCached(record, now, settings.CACHE_MAX_AGE)
        continue
      }
      const computing = record
      computing.inFlight = true
      computing.dueNow = false
      void this.computeAndCache(params, settings).then(({ failure }) => {
        computing.computedAt = Date.now()
        computing.writtenAt = computing.computedAt
        computing.inFlight = false
        this.noteOutcome(computing, failure, settings)
      })
    }
    this.reportStaleness(live, now, settings.CACHE_MAX_AGE)
    await this.forgetExpired(live, now, settings.CACHE_MAX_AGE)
    await new Promise((resolve) => setTimeout(resolve, settings.BACKGROUND_EXECUTE_MS_HTTP))
  }

  /**
   * Looks for the cache entry of a request that is not due (at most once per
   * {@link CACHE_CHECK_INTERVAL_MS}, without holding up the tick): if its unexpired answer has
   * vanished from the cache (a Redis restarted or emptied: readers answer 504 meanwhile), the
   * request is computed on the next tick instead of at its own refresh.
   */
  private checkCached(record: RequestRecord, now: number, cacheMaxAge: number): void {
    if (record.checking || record.writtenAt === undefined || now - record.writtenAt >= cacheMaxAge) return
    if (record.checkedAt !== undefined && now - record.checkedAt < CACHE_CHECK_INTERVAL_MS) return
    record.checking = true
    record.checkedAt = now
    this.isCached(record.key)
      .then(
        (cached) => {
          if (cached || record.inFlight) return
          logger.warn(`${record.name}: its cached answer is gone from the cache; computing it again`)
          record.dueNow = true
        },
        // The cache unreachable: the next check asks again.
        () => undefined,
      )
      .finally(() => {
        record.checking = false
      })
  }

  /**
   * Whether the cache holds an entry under `key`. For Redis, Redis itself: the framework's Redis
   * cache answers from a local copy of what this process wrote, which would hide a loss.
   */
  private async isCached(key: string): Promise<boolean> {
    const cache = this.responseCache.cache as { client?: { exists?(key: string): Promise<number> } }
    if (typeof cache.client?.exists === 'function') return (await cache.client.exists(key)) > 0
    return (await this.responseCache.cache.get(key)) !== undefined
  }

  /**
   * Keeps a request's schedule and failure count after a computation, counts a failure
   * (reserve_computation_failures_total), and logs it at warn with what is served meanwhile:
   * the first of a run at once, then at most once per {@link FAILURE_LOG_INTERVAL_MS} with the
   * number of failures since; the recovery at info.
   */
  private noteOutcome(record: RequestRecord, failure: unknown, settings: T['Settings']): void {
    const now = record.computedAt ?? Date.now()
    if (failure === undefined) {
      if (record.failures > 0) {
        const plural = record.failures > 1 ? 's' : ''
        logger.info(`${record.name} recovered after ${record.failures} failure${plural}`)
      }
      record.failures = 0
      record.final = false
      record.withdrawn = false
      record.loggedAt = undefined
      record.unlogged = 0
      return
    }
    record.failures++
    record.final = isFinalFailure(failure)
    if (failure instanceof DetailedAdapterError && failure.replacesCachedResult) record.withdrawn = true
    const { statusCode, message } = describeFailure(failure)
    reserveMetrics()
      .computationFailures.labels({
        adapter_endpoint: this.responseCache.endpointName,
        status_code: statusCode,
      })
      .inc()
    if (record.loggedAt !== undefined && now - record.loggedAt < FAILURE_LOG_INTERVAL_MS) {
      record.unlogged++
      return
    }
    const what =
      record.loggedAt === undefined || record.unlogged === 0
        ? 'failed'
        : `failed again ${record.unlogged + 1} times since ${new Date(record.loggedAt).toISOString()}`
    const shown =
      message.length > LOGGED_MESSAGE_LENGTH ? `${message.slice(0, LOGGED_MESSAGE_LENGTH)}…` : message
    logger.warn(
      `${record.name} ${what}: ${statusCode} ${shown}; ${this.servedMeanwhile(record, now, settings)}`,
    )
    record.loggedAt = now
    record.unlogged = 0
  }

  /** What a request is answered with while its computations fail. */
  private servedMeanwhile(record: RequestRecord, now: number, settings: T['Settings']): string {
    const readAt = record.figureReadAt
    const expiresAt = readAt === undefined ? 0 : readAt + settings.CACHE_MAX_AGE
    if (readAt === undefined || record.withdrawn || expiresAt <= now) {
      return 'no figure is served: requests get this error'
    }
    const seconds = (ms: number) => Math.round(ms / 1000)
    return (
      `serving the figure read at ${new Date(readAt).toISOString()} ` +
      `(${seconds(now - readAt)} s ago) until it expires in ${seconds(expiresAt - now)} s`
    )
  }

  /**
   * Sets the staleness gauges of this endpoint from its live requests (adapters/common/metrics.ts
   * says what each means): how many are answered with a figure whose refresh has failed
   * (reserve_stale_requests), how many fail with no figure left to answer with
   * (reserve_unserved_requests), and the longest time since a live request's last success
   * (reserve_oldest_figure_age_seconds). A failing request stays in these until it recovers or
   * is no longer asked: its figure expiring makes it unserved, not gone.
   */
  private reportStaleness(live: Set<string>, now: number, cacheMaxAge: number): void {
    let stale = 0
    let unserved = 0
    let oldest = 0
    for (const [digest, record] of this.records) {
      if (!live.has(digest)) {
        record.params = undefined
        continue
      }
      const readAt = record.figureReadAt
      const serving = readAt !== undefined && !record.withdrawn && now - readAt < cacheMaxAge
      if (record.failures > 0) {
        if (serving) stale++
        else unserved++
      } else if (!serving) {
        // Not computed yet, or its figure has just expired before its refresh ended.
        continue
      }
      oldest = Math.max(oldest, now - (readAt ?? record.since))
    }
    const labels = { adapter_endpoint: this.responseCache.endpointName }
    const { staleRequests, unservedRequests, oldestFigureAge } = reserveMetrics()
    staleRequests.labels(labels).set(stale)
    unservedRequests.labels(labels).set(unserved)
    oldestFigureAge.labels(labels).set(Math.round(oldest / 1000))
  }

  /**
   * Drops every request no longer subscribed whose cached answer has expired: its record, its
   * cache entry (the framework's local cache deletes an expired entry only when it is read)
   * and its metric series.
   */
  private async forgetExpired(live: Set<string>, now: number, cacheMaxAge: number): Promise<void> {
    const expired: RequestRecord[] = []
    for (const [digest, record] of this.records) {
      if (live.has(digest) || record.inFlight) continue
      if (record.writtenAt !== undefined && now - record.writtenAt < cacheMaxAge) continue
      this.records.delete(digest)
      expired.push(record)
    }
    if (expired.length === 0) return
    await Promise.all(expired.map((record) => this.responseCache.cache.delete(record.key)))
    await this.forgetFeedLabels(expired.map((record) => record.digest))
  }

  /**
   * Computes one request and writes the outcome, success or error, to the response cache.
   * Resolves to what it failed with, if it failed. Its provider calls count against the
   * request's share of each provider (`onBehalfOf`).
   */
  async computeAndCache(
    params: TypeFromDefinition<T['Parameters']>,
    settings: T['Settings'],
  ): Promise<{ failure?: unknown }> {
    const { digest, name } = this.identity(params)
    const record = this.records.get(digest)
    const providerDataRequestedUnixMs = Date.now()
    try {
      // Each request its own share of the providers: its name, not its metric label (shared beyond the limit).
      const { result, data, providerIndicatedTimeUnixMs } = await onBehalfOf(name, () =>
        this.compute(params, settings),
      )
      checkReportable(result)
      const providerDataReceivedUnixMs = Date.now()
      await this.write(params, {
        result,
        data,
        timestamps: { providerDataRequestedUnixMs, providerDataReceivedUnixMs, providerIndicatedTimeUnixMs },
      } as AdapterResponse<T['Response']>)
      if (record) record.figureReadAt = providerDataReceivedUnixMs
      return {}
    } catch (error) {
      const { statusCode, message, details } = describeFailure(error)
      if (error instanceof DetailedAdapterError && error.replacesCachedResult) {
        await this.responseCache.cache.delete(this.cacheKey(params))
      }
      await this.write(params, {
        ...details,
        statusCode,
        errorMessage: message,
        timestamps: {
          providerDataRequestedUnixMs,
          providerDataReceivedUnixMs: Date.now(),
          providerIndicatedTimeUnixMs: undefined,
        },
      } as AdapterResponse<T['Response']>)
      return { failure: error }
    }
  }

  /**
   * Writes one response as the framework's response cache would (censored, with its metadata),
   * its metrics labelled with {@link ComputeTransport.feedId}. A request beyond
   * METRICS_FEED_LIMIT gets no cache-write series: the framework's cache labels those with the
   * cache key too (`participant_id`), one series per request whatever its feed id.
   */
  private async write(
    params: TypeFromDefinition<T['Parameters']>,
    response: AdapterResponse<T['Response']>,
  ): Promise<void> {
    const maker = this.responseCache as unknown as CacheEntryMaker<T>
    const { key, value } = maker.generateCacheEntry(this.name, this.name, {
      params,
      response,
    } as TimestampedProviderResult<T>)
    const meta = value.meta as { metrics?: { feedId?: string } } | undefined
    if (meta?.metrics) {
      const label = this.feedLabel(params)
      if (label.own) meta.metrics = { ...meta.metrics, feedId: label.id }
      else delete meta.metrics
    }
    await this.responseCache.writeEntries([{ key, value }])
  }

  getSubscriptionTtlFromConfig(settings: T['Settings']): number {
    return settings.WARMUP_SUBSCRIPTION_TTL
  }
}

/** JSON with every object's keys sorted, so that the same inputs always give the same text. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  )
}
