/**
 * The names of the metrics the alert rules read (adapters/common/alerts.ts): this repository's
 * own (registered by adapters/common/metrics.ts) and the framework's. A module of names only, so
 * that the rules and their evaluator load without the framework.
 */

/** This repository's metrics (adapters/common/metrics.ts says what each means). */
export const RESERVE_METRIC = {
  staleRequests: 'reserve_stale_requests',
  unservedRequests: 'reserve_unserved_requests',
  oldestFigureAge: 'reserve_oldest_figure_age_seconds',
  computationFailures: 'reserve_computation_failures_total',
} as const

/** The framework's metrics the rules read. */
export const FRAMEWORK_METRIC = {
  /**
   * How old the answer served was when it was read from the cache: `now − providerDataReceivedUnixMs`,
   * in **milliseconds** despite its name (set to 0 when an answer is written), per feed.
   */
  cacheDataStaleness: 'cache_data_staleness_seconds',
} as const
