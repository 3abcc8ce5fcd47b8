// The framework's Adapter loads first (adapters/common/por.ts explains the require cycle).
import {
  Adapter,
  DEFAULT_TRANSPORT_NAME,
  type AdapterParams,
} from '@chainlink/external-adapter-framework/adapter'
import {
  BaseSettingsDefinition,
  type AdapterConfig,
  type SettingsDefinitionMap,
} from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import type { AdapterRequest, AdapterResponse } from '@chainlink/external-adapter-framework/util'
import type { EmptyInputParameters } from '@chainlink/external-adapter-framework/validation/input-params'
import { metrics } from '@chainlink/external-adapter-framework/metrics'
import { cacheGet, cacheMetricsLabel } from '@chainlink/external-adapter-framework/cache/metrics'
import frameworkMetricsUtil from '@chainlink/external-adapter-framework/metrics/util'
import { ValidatedInputs, checkTextLengths } from './input'
import { PoRBalanceEndpoint, PoRTotalBalanceEndpoint } from './por'
import { ComputeTransport } from './transport'

/**
 * The settings defaults of every adapter here: the framework's defaults for PoR adapters (its
 * `PoRAdapter`). A reserve read across thousands of addresses or several chains is slow, and a
 * reserve figure stays good for minutes, so the background read may take 3 minutes, a request
 * waits up to 60 s for the first figure, and a figure is cached for 6 minutes. An adapter's own
 * `envDefaultOverrides` win, with the reason written beside them.
 */
export const POR_SETTING_DEFAULTS = {
  BACKGROUND_EXECUTE_TIMEOUT: 180_000,
  API_TIMEOUT: 60_000,
  CACHE_MAX_AGE: 360_000,
} as const

/**
 * Settings every adapter here has (ReserveAdapter adds them to its config): how its
 * ComputeTransport schedules the computations that failed.
 */
export const RESERVE_SETTINGS = {
  RETRY_FAILED_AFTER_MS: {
    type: 'number',
    description:
      "First retry of a failed computation, in ms; each further failure doubles the wait, up to RETRY_FAILED_MAX_MS. A failure that is an answer (the provider's 4xx other than 408/429, a 400) waits for the next refresh (CACHE_MAX_AGE / 2) instead",
    default: 5_000,
    validate: validator.integer({ min: 100, max: 600_000 }),
  },
  RETRY_FAILED_MAX_MS: {
    type: 'number',
    description: 'Longest wait between two retries of a computation that keeps failing, in ms',
    default: 60_000,
    validate: validator.integer({ min: 1_000, max: 3_600_000 }),
  },
  METRICS_FEED_LIMIT: {
    type: 'number',
    description:
      'Requests per endpoint whose metric series have a feed_id of their own (`<endpoint>:<digest>`); the requests beyond share `<endpoint>:other`, so /metrics stays bounded however many distinct requests are asked. A label frees when its request expires',
    default: 100,
    validate: validator.integer({ min: 0, max: 100_000 }),
  },
} as const

/** The endpoints' input parameters of every ReserveAdapter (see {@link skipFrameworkFeedIds}). */
const reserveInputParameters = new WeakSet<object>()
let frameworkFeedIdsSkipped = false

/**
 * The framework works out a feed id for each valid request before handling it (the inputs as
 * JSON, every text lower-cased and keys sorted, SHA-1 past 300 characters: tens of µs for a few
 * addresses, milliseconds for thousands), which ReserveAdapter.handleRequest then replaces with
 * its transport's short one. For ReserveAdapter endpoints that work is skipped: the framework's
 * `getMetricsMeta` (which its request validation calls through the module's exports) answers a
 * placeholder for them, and works as before for any other adapter.
 */
function skipFrameworkFeedIds(): void {
  if (frameworkFeedIdsSkipped) return
  frameworkFeedIdsSkipped = true
  // The module's exports object (a default import of CommonJS), whose properties it is read through.
  const util = frameworkMetricsUtil as {
    -readonly [K in keyof typeof frameworkMetricsUtil]: (typeof frameworkMetricsUtil)[K]
  }
  const getMetricsMeta = util.getMetricsMeta
  util.getMetricsMeta = (args, data) =>
    reserveInputParameters.has(args.inputParameters) ? { feedId: 'N/A' } : getMetricsMeta(args, data)
}

/**
 * Has `adapter`'s start-up warnings about risky settings (the framework's private
 * `logConfigWarnings`) speak of `MAX_PAYLOAD_SIZE_LIMIT` only when the operator set it: the
 * framework warns whenever it differs from the framework's own default, so an adapter whose
 * default is larger (btc-balance's address lists) would warn at every start about a setting
 * nobody set.
 */
function warnOnlyOfSettingsGiven(adapter: Adapter): void {
  const frameworkWarnings = (Adapter.prototype as unknown as { logConfigWarnings(this: Adapter): void })
    .logConfigWarnings
  ;(adapter as unknown as { logConfigWarnings: () => void }).logConfigWarnings = () => {
    const settings = adapter.config.settings as unknown as { MAX_PAYLOAD_SIZE_LIMIT: number }
    const own = settings.MAX_PAYLOAD_SIZE_LIMIT
    if (!process.env.MAX_PAYLOAD_SIZE_LIMIT) {
      settings.MAX_PAYLOAD_SIZE_LIMIT = BaseSettingsDefinition.MAX_PAYLOAD_SIZE_LIMIT.default
    }
    try {
      frameworkWarnings.call(adapter)
    } finally {
      settings.MAX_PAYLOAD_SIZE_LIMIT = own
    }
  }
}

/** The values of {@link RESERVE_SETTINGS}. */
export type ReserveSettings = { [N in keyof typeof RESERVE_SETTINGS]: number }

/**
 * The base of every adapter in this repository: the framework's `Adapter` with
 * {@link POR_SETTING_DEFAULTS} and {@link RESERVE_SETTINGS}; every endpoint reading through one
 * {@link ComputeTransport}, whose exact, case-preserving request key is the endpoint's `cacheKeyGenerator`; every text
 * input of every endpoint capped at `MAX_INPUT_TEXT_LENGTH` (adapters/common/input.ts) before
 * the endpoint's own checks; and, like the framework's `PoRAdapter`, the
 * `porBalanceAddressLength` metric for address-list endpoints. Not `PoRAdapter` itself: it
 * requires one of the framework's PoR endpoint classes, and those type a provider's result as a
 * JS number, which cannot carry an exact reserve figure.
 */
export class ReserveAdapter<T extends SettingsDefinitionMap> extends Adapter<T> {
  constructor(
    params: AdapterParams<T> & {
      config: NonNullable<AdapterParams<T>['config']>
      /**
       * For an adapter whose provider settings are all optional (one per network): what to set
       * when none is, or undefined. The adapter then refuses to start (an adapter that started
       * would report healthy and answer every request with a 400 that reads like the caller's
       * fault); a request for a network left unconfigured stays a 400 naming its setting.
       */
      noProviderConfigured?: (settings: AdapterConfig<T>['settings']) => string | undefined
    },
  ) {
    const { config, noProviderConfigured } = params
    if (noProviderConfigured) {
      // The framework's bootstrap runs once the settings are read and valid, before anything starts.
      const bootstrap = params.bootstrap
      params = {
        ...params,
        bootstrap: async (adapter) => {
          const missing = noProviderConfigured(config.settings)
          if (missing !== undefined) {
            throw new Error(`${params.name}: no provider is configured: ${missing}`)
          }
          await bootstrap?.(adapter)
        },
      }
    }
    // Added to the adapter's own settings (its README's table lists them), unless it defines them.
    const definitions = (config as unknown as { settingsDefinition: Record<string, unknown> })
      .settingsDefinition
    for (const [name, definition] of Object.entries(RESERVE_SETTINGS)) definitions[name] ??= definition
    config.options = {
      ...config.options,
      envDefaultOverrides: { ...POR_SETTING_DEFAULTS, ...config.options?.envDefaultOverrides },
    }
    super(params)
    skipFrameworkFeedIds()
    warnOnlyOfSettingsGiven(this)
    for (const endpoint of this.endpoints) {
      const transport = endpoint.transportRoutes.get(DEFAULT_TRANSPORT_NAME)
      if (!(transport instanceof ComputeTransport) || endpoint.transportRoutes.routeNames().length !== 1) {
        throw new Error(`${params.name}: endpoint "${endpoint.name}" must read through one ComputeTransport`)
      }
      endpoint.cacheKeyGenerator = (data) => transport.requestKey(data)
      // The same body validates to the same object (the framework's InputParameters may be
      // shared by several adapters: each endpoint gets its own remembering copy).
      const inputParameters = endpoint.inputParameters
      const validated = new ValidatedInputs((data) => inputParameters.validateInput(data))
      endpoint.inputParameters = Object.assign(Object.create(inputParameters) as typeof inputParameters, {
        validateInput: (data: unknown) => validated.get(data),
      })
      reserveInputParameters.add(endpoint.inputParameters)
      const lengthsChecked = new WeakSet<object>()
      const own = endpoint.customInputValidation
      endpoint.customInputValidation = (req, settings) => {
        const data = req.requestContext.data as object
        if (!lengthsChecked.has(data)) {
          checkTextLengths(data)
          lengthsChecked.add(data)
        }
        return own?.(req, settings)
      }
    }
  }

  override async handleRequest(
    req: AdapterRequest<EmptyInputParameters>,
    replySent: Promise<unknown>,
  ): Promise<Readonly<AdapterResponse>> {
    const endpoint = this.endpointsMap[req.requestContext.endpointName]
    const transport = endpoint?.transportRoutes.get(DEFAULT_TRANSPORT_NAME)
    const metricsMeta = req.requestContext.meta?.metrics
    // The framework's feed id is the inputs themselves (up to 300 characters): labels get the
    // transport's short one, whose series go when the request expires.
    if (metricsMeta && transport instanceof ComputeTransport) {
      metricsMeta.feedId = transport.feedId(req.requestContext.data as never)
    }
    const addresses = (req.requestContext.data as { addresses?: unknown } | undefined)?.addresses
    if (
      (endpoint instanceof PoRBalanceEndpoint || endpoint instanceof PoRTotalBalanceEndpoint) &&
      Array.isArray(addresses)
    ) {
      const feedId = req.requestContext.meta?.metrics?.feedId ?? 'N/A'
      metrics.get('porBalanceAddressLength').labels({ feed_id: feedId }).set(addresses.length)
    }
    return super.handleRequest(req, replySent)
  }

  /**
   * The framework's, but for a request beyond METRICS_FEED_LIMIT (feed id `<endpoint>:other`):
   * the framework labels its cache-read series with the cache key as well (`participant_id`),
   * which would make one series per request whatever its feed id. Those get the shared feed id
   * there too.
   */
  override async findResponseInCache(
    req: AdapterRequest<EmptyInputParameters>,
  ): Promise<Readonly<AdapterResponse> | undefined> {
    const transport =
      this.endpointsMap[req.requestContext.endpointName]?.transportRoutes.get(DEFAULT_TRANSPORT_NAME)
    const feed =
      transport instanceof ComputeTransport
        ? transport.feedLabel(req.requestContext.data as never)
        : undefined
    const { METRICS_ENABLED, EXPERIMENTAL_METRICS_ENABLED, CACHE_TYPE } = this.config.settings
    if (feed === undefined || feed.own || !METRICS_ENABLED || !EXPERIMENTAL_METRICS_ENABLED) {
      return super.findResponseInCache(req)
    }
    const response = (await this.dependencies.cache.get(req.requestContext.cacheKey)) as
      Readonly<AdapterResponse> | undefined
    if (!response) return undefined
    const now = Date.now()
    const { providerDataReceivedUnixMs, providerIndicatedTimeUnixMs } = response.timestamps
    cacheGet(cacheMetricsLabel(feed.id, feed.id, CACHE_TYPE), response.result, {
      cache: now - providerDataReceivedUnixMs,
      total: providerIndicatedTimeUnixMs ? now - providerIndicatedTimeUnixMs : null,
    })
    req.requestContext.meta = {
      ...req.requestContext.meta,
      metrics: { ...req.requestContext.meta?.metrics, cacheHit: true },
    }
    return response
  }
}
