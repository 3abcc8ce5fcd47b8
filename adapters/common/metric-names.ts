/**
 * The names of the metrics the alert rules read (adapters/common/alerts.ts): this repository's
 * own (registered by adapters/common/metrics.ts), the framework's, and the chain's as the
 * dashboard exposes them. A module of names only, so that the rules and their evaluator load
 * without the framework.
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

/**
 * What the dashboard reads from the chain, as gauges on its own /metrics (dashboard/metrics.ts says
 * what each means): a condition is 1 while it holds and 0 otherwise, decided exactly (integers) by
 * the dashboard, from the guard's own views and the Automation registry.
 */
export const CHAIN_METRIC = {
  assetShort: 'reserve_guard_asset_short',
  assetStale: 'reserve_guard_asset_stale',
  assetPaused: 'reserve_guard_asset_paused',
  feedAge: 'reserve_guard_feed_age_seconds',
  feedHeartbeat: 'reserve_guard_feed_heartbeat_seconds',
  upkeepUnderfunded: 'reserve_upkeep_underfunded',
  upkeepInactive: 'reserve_upkeep_inactive',
  upkeepForwarderNotAllowed: 'reserve_upkeep_forwarder_not_allowed',
  chainReadAge: 'reserve_dashboard_chain_read_age_seconds',
} as const
