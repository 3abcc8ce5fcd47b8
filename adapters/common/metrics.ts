/**
 * The framework's Prometheus metrics, kept bounded: it labels a request's series with its feed
 * id and never removes them, so every distinct request ever asked would stay a series. A
 * ComputeTransport gives each request a short feed id and, once the request has expired, has
 * its series removed here.
 */
import { metrics } from '@chainlink/external-adapter-framework/metrics'

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
