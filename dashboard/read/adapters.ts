/**
 * The adapters' health and staleness, from their Prometheus /metrics (scraped each poll, parsed by the alert
 * rules' own parser) and their `GET /health`; their alerts judged on each scrape by the rules the docs' rules
 * file is written from (`reserveAlertRules`, for each adapter's `CACHE_MAX_AGE`).
 */
import {
  AlertEvaluator,
  parseMetricsText,
  reserveAlertRules,
  type ActiveAlert,
  type Scrape,
} from '#common/alerts'
import { fetchBounded } from '#common/http-fetch'
import { RESERVE_METRIC } from '#common/metric-names'
import type { AdapterTarget } from '../config'
import { HTTP_TIMEOUT_MS } from '../defaults'
import type { AdapterMetricView, AdapterView } from '../snapshot'

/** The most bytes of a scrape read: an adapter's metrics are bounded (METRICS_FEED_LIMIT), far below this. */
const MAX_SCRAPE_BYTES = 8 * 1024 ** 2
const MAX_HEALTH_BYTES = 64 * 1024

const get = (url: string, maxBodyBytes: number) =>
  fetchBounded(url, {
    headers: { accept: 'text/plain, application/json' },
    timeoutMs: HTTP_TIMEOUT_MS,
    maxBodyBytes,
  })

/** Each endpoint's staleness figures: the largest of its series. */
function endpointFigures(scrape: Scrape): AdapterMetricView[] {
  const endpoints = new Map<string, AdapterMetricView>()
  const take = (metric: string, field: 'oldestFigureAgeSeconds' | 'staleRequests' | 'unservedRequests') => {
    for (const sample of scrape.samples) {
      if (sample.name !== metric || Number.isNaN(sample.value)) continue
      const name = sample.labels.adapter_endpoint ?? ''
      const view = endpoints.get(name) ?? { endpoint: name }
      view[field] = Math.max(view[field] ?? -Infinity, sample.value)
      endpoints.set(name, view)
    }
  }
  take(RESERVE_METRIC.oldestFigureAge, 'oldestFigureAgeSeconds')
  take(RESERVE_METRIC.staleRequests, 'staleRequests')
  take(RESERVE_METRIC.unservedRequests, 'unservedRequests')
  return [...endpoints.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint))
}

export class AdapterWatch {
  private readonly evaluators: Map<string, AlertEvaluator>

  constructor(private readonly targets: readonly AdapterTarget[]) {
    this.evaluators = new Map(
      targets.map((t) => [t.name, new AlertEvaluator(reserveAlertRules(t.cacheMaxAgeMs))]),
    )
  }

  /** Every adapter now (`now`: the scrapes' time, ms), and the alerts their scrapes raise. */
  async update(
    now: number,
  ): Promise<{ adapters: AdapterView[]; alerts: { adapter: string; alert: ActiveAlert }[] }> {
    const results = await Promise.all(this.targets.map((target) => this.read(target, now)))
    return {
      adapters: results.map((r) => r.view),
      alerts: results.flatMap((r) => r.alerts.map((alert) => ({ adapter: r.view.name, alert }))),
    }
  }

  private async read(
    target: AdapterTarget,
    now: number,
  ): Promise<{ view: AdapterView; alerts: ActiveAlert[] }> {
    const view: AdapterView = {
      name: target.name,
      metricsUrl: target.metricsUrl,
      scraped: false,
      endpoints: [],
    }
    let alerts: ActiveAlert[] = []
    if (target.healthUrl) {
      try {
        const health = await get(target.healthUrl, MAX_HEALTH_BYTES)
        view.healthy = health.status === 200
        const version = (JSON.parse(health.text) as { version?: unknown }).version
        if (typeof version === 'string') view.version = version
      } catch {
        view.healthy = false
      }
    }
    try {
      const answer = await get(target.metricsUrl, MAX_SCRAPE_BYTES)
      if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`)
      const scrape = parseMetricsText(answer.text)
      view.scraped = true
      view.endpoints = endpointFigures(scrape)
      alerts = this.evaluators.get(target.name)!.observe(scrape, now)
    } catch (error) {
      view.error = (error as Error).message.split('\n')[0]
    }
    return { view, alerts }
  }
}
