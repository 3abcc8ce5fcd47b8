/**
 * Prometheus metrics. The framework's, kept bounded: it labels a request's series with its feed
 * id and never removes them, so every distinct request ever asked would stay a series; a
 * ComputeTransport gives each request a short feed id, at most `METRICS_FEED_LIMIT` of them per
 * endpoint (the requests beyond share {@link OVERFLOW_FEED}), and, once a request has expired,
 * has its series removed here. And this repository's own ({@link reserveMetrics}): staleness.
 */
import { metrics } from '@chainlink/external-adapter-framework/metrics'
import { RESERVE_METRIC } from './metric-names'

/** The feed id (after `<endpoint>:`) shared by an endpoint's requests beyond `METRICS_FEED_LIMIT`. */
export const OVERFLOW_FEED = 'other'

/** What a prom-client metric offers to list and remove its series. */
interface SeriesHolder {
  get(): Promise<{ values: { labels: Record<string, string | number | undefined> }[] }>
  remove(labels: Record<string, string | number | undefined>): void
}

/** Removes every series, of every framework metric, whose `feed_id` is one of `feedIds`. */
export async function forgetFeeds(feedIds: ReadonlySet<string>): Promise<void> {
  if (feedIds.size === 0) return
  for (const metric of Object.values(metrics.getMetricsDefinition() ?? {}) as unknown as SeriesHolder[]) {
    const { values } = await metric.get()
    const seen = new Set<string>()
    for (const { labels } of values) {
      if (typeof labels.feed_id !== 'string' || !feedIds.has(labels.feed_id)) continue
      // A histogram lists one value per bucket (its `le` label); the series is the rest.
      const { le: _bucket, ...series } = labels
      const id = JSON.stringify(series)
      if (seen.has(id)) continue
      seen.add(id)
      metric.remove(series)
    }
  }
}

/** A prom-client gauge or counter, as used here. */
interface Series {
  labels(labels: Record<string, string | number>): { set(value: number): void; inc(value?: number): void }
}
type MetricClass = new (options: { name: string; help: string; labelNames: string[] }) => Series

let ours: { [M in keyof typeof RESERVE_METRIC]: Series } | undefined

/**
 * This repository's own metrics, in the framework's registry (served on its /metrics), each
 * labelled by endpoint only (bounded). prom-client is the framework's dependency, not ours (the
 * production build allows only declared packages): its classes are reached through the
 * framework's own metrics. Each gauge is set from the live requests (subscribed, not expired) on
 * every background tick of the writer:
 *
 * - `reserve_stale_requests{adapter_endpoint}`: live requests answered with a figure whose
 *   refresh has failed (the last success is served until CACHE_MAX_AGE after it was read);
 * - `reserve_unserved_requests{adapter_endpoint}`: live requests whose computation fails with no
 *   figure left to answer with (none read yet, expired, or withdrawn): each is answered with its
 *   error, until a computation succeeds or the request is no longer asked;
 * - `reserve_oldest_figure_age_seconds{adapter_endpoint}`: the longest time since a live
 *   request's last success: the age of the oldest figure answered, and, for a request whose
 *   figure has expired or been withdrawn while it fails, the age of that figure still (for one
 *   never answered, the time since its first computation). It keeps growing while a request
 *   fails, whatever is answered meanwhile; above half of CACHE_MAX_AGE, refreshes are late or
 *   failing;
 * - `reserve_computation_failures_total{adapter_endpoint,status_code}`: computations failed.
 */
export function reserveMetrics(): NonNullable<typeof ours> {
  if (!ours) {
    const Gauge = metrics.get('cacheDataStalenessSeconds').constructor as unknown as MetricClass
    const Counter = metrics.get('cacheDataGetCount').constructor as unknown as MetricClass
    ours = {
      staleRequests: new Gauge({
        name: RESERVE_METRIC.staleRequests,
        help: 'Live requests answered with a figure whose refresh has failed',
        labelNames: ['adapter_endpoint'],
      }),
      unservedRequests: new Gauge({
        name: RESERVE_METRIC.unservedRequests,
        help: 'Live requests whose computation fails with no figure left to answer with: they are answered with the error',
        labelNames: ['adapter_endpoint'],
      }),
      oldestFigureAge: new Gauge({
        name: RESERVE_METRIC.oldestFigureAge,
        help: "Longest time since a live request's last success (its figure read from the provider), in seconds, whether that figure is still answered or not",
        labelNames: ['adapter_endpoint'],
      }),
      computationFailures: new Counter({
        name: RESERVE_METRIC.computationFailures,
        help: 'Computations of a request that failed, by the status answered',
        labelNames: ['adapter_endpoint', 'status_code'],
      }),
    }
  }
  return ours
}
