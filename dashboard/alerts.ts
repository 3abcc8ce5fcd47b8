/**
 * The dashboard's alerts: the chain's conditions as gauges on its own /metrics ({@link chainMetricsText}, the
 * metrics of `CHAIN_METRIC`), judged by the rules of `chainAlertRules` with the same evaluator that judges the
 * adapters' scrapes by `reserveAlertRules`, so that the page, this /metrics scraped by Prometheus and the rules
 * file (docs/reserve-alerts.rules.yml) never disagree; and their changes posted to a webhook, in
 * Alertmanager's webhook format (version 4), which chat and paging bridges take.
 */
import { AlertEvaluator, chainAlertRules, parseMetricsText, type ActiveAlert } from '#common/alerts'
import { fetchBounded } from '#common/http-fetch'
import { CHAIN_METRIC } from '#common/metric-names'
import { HTTP_TIMEOUT_MS } from './defaults'
import type { AlertView, Snapshot } from './snapshot'

interface Gauge {
  name: string
  help: string
  samples: { labels: Record<string, string>; value: number }[]
}

const flag = (condition: boolean) => (condition ? 1 : 0)

/** What each gauge means, for its HELP line and the README. */
export const CHAIN_METRIC_HELP: Record<keyof typeof CHAIN_METRIC, string> = {
  assetShort:
    "1 while the guard's check (assetStatus) finds the asset's reserves short of its supply and margin",
  assetStale:
    "1 while the guard's check has no fresh reading of the asset (a feed older than its heartbeat, or unreadable)",
  assetPaused: '1 while every operation the asset is configured to pause is paused (isAssetPaused)',
  feedAge: "seconds since the asset's reserve feed was updated, at the block read",
  feedHeartbeat: "the asset's heartbeat: the reserve feed's answer is stale past it",
  upkeepUnderfunded: "1 while the upkeep's balance is below the registry's minimum (it is not performed)",
  upkeepInactive: '1 while the upkeep is paused or cancelled on the registry',
  upkeepForwarderNotAllowed: "1 while the upkeep's forwarder lacks the guard's FORWARDER_ROLE",
  chainReadAge: 'seconds since the last complete read of the chain',
}

/** The labels of each gauge (the rules group by some of them; dashboard/test checks they are exposed). */
export const CHAIN_METRIC_LABELS: Record<keyof typeof CHAIN_METRIC, readonly string[]> = {
  assetShort: ['guard', 'asset'],
  assetStale: ['guard', 'asset'],
  assetPaused: ['guard', 'asset'],
  feedAge: ['guard', 'asset', 'feed'],
  feedHeartbeat: ['guard', 'asset', 'feed'],
  upkeepUnderfunded: ['registry', 'upkeep'],
  upkeepInactive: ['registry', 'upkeep'],
  upkeepForwarderNotAllowed: ['guard', 'upkeep'],
  chainReadAge: ['guard'],
}

/** The chain's gauges in Prometheus's text format, from a snapshot read `readAgeSeconds` ago. */
export function chainMetricsText(snapshot: Snapshot, readAgeSeconds: number): string {
  const { guard } = snapshot
  const perAsset = (value: (a: Snapshot['assets'][number]) => number) =>
    snapshot.assets.map((a) => ({ labels: { guard, asset: a.target }, value: value(a) }))
  const active = snapshot.upkeeps.filter((u) => u.state !== 'closed')
  const perUpkeep = (
    upkeeps: Snapshot['upkeeps'],
    labels: 'registry' | 'guard',
    value: (u: Snapshot['upkeeps'][number]) => number,
  ) =>
    upkeeps.map((u) => ({
      labels: { [labels]: labels === 'guard' ? guard : (snapshot.registry ?? ''), upkeep: u.id },
      value: value(u),
    }))
  const gauges: Gauge[] = [
    {
      name: CHAIN_METRIC.assetShort,
      help: CHAIN_METRIC_HELP.assetShort,
      samples: perAsset((a) => flag(a.verdict === 'short')),
    },
    {
      name: CHAIN_METRIC.assetStale,
      help: CHAIN_METRIC_HELP.assetStale,
      samples: perAsset((a) => flag(a.verdict === 'stale')),
    },
    {
      name: CHAIN_METRIC.assetPaused,
      help: CHAIN_METRIC_HELP.assetPaused,
      samples: perAsset((a) => flag(a.paused)),
    },
    {
      name: CHAIN_METRIC.feedAge,
      help: CHAIN_METRIC_HELP.feedAge,
      samples: snapshot.assets.map((a) => ({
        labels: { guard, asset: a.target, feed: a.reserveFeed.feed },
        value: a.reserveFeed.ageSeconds,
      })),
    },
    {
      name: CHAIN_METRIC.feedHeartbeat,
      help: CHAIN_METRIC_HELP.feedHeartbeat,
      samples: snapshot.assets.map((a) => ({
        labels: { guard, asset: a.target, feed: a.reserveFeed.feed },
        value: a.reserveFeed.heartbeatSeconds,
      })),
    },
    // A cancelled upkeep's balance is only left to withdraw: it is inactive, not underfunded.
    {
      name: CHAIN_METRIC.upkeepUnderfunded,
      help: CHAIN_METRIC_HELP.upkeepUnderfunded,
      samples: perUpkeep(active, 'registry', (u) => flag(u.underfunded)),
    },
    {
      name: CHAIN_METRIC.upkeepInactive,
      help: CHAIN_METRIC_HELP.upkeepInactive,
      samples: perUpkeep(snapshot.upkeeps, 'registry', (u) => flag(u.state !== 'active')),
    },
    {
      name: CHAIN_METRIC.upkeepForwarderNotAllowed,
      help: CHAIN_METRIC_HELP.upkeepForwarderNotAllowed,
      samples: perUpkeep(active, 'guard', (u) => flag(!u.forwarderAllowed)),
    },
    {
      name: CHAIN_METRIC.chainReadAge,
      help: CHAIN_METRIC_HELP.chainReadAge,
      samples: [{ labels: { guard }, value: readAgeSeconds }],
    },
  ]
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
  const lines: string[] = []
  for (const gauge of gauges) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`)
    for (const { labels, value } of gauge.samples) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',')
      lines.push(`${gauge.name}{${text}} ${value}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** An alert as the page and the webhook show it. */
export function alertView(alert: ActiveAlert, source: string): AlertView {
  return {
    name: alert.rule.name,
    severity: alert.rule.severity,
    state: alert.state,
    summary: alert.summary,
    labels: { ...alert.labels },
    source,
    since: alert.activeSince,
  }
}

/** The chain's alerts, judged on each snapshot's gauges. */
export class ChainAlerts {
  private readonly evaluator: AlertEvaluator

  constructor(pollMs: number) {
    this.evaluator = new AlertEvaluator(chainAlertRules(pollMs))
  }

  judge(metricsText: string, now: number): ActiveAlert[] {
    return this.evaluator.observe(parseMetricsText(metricsText), now)
  }
}

/** An alert's identity across polls: its source, its rule and its group's labels (its summary carries its value). */
const alertKey = (alert: AlertView) =>
  JSON.stringify([alert.source, alert.name, Object.entries(alert.labels).sort()])

export interface WebhookDelivery {
  at: number
  status?: number
  error?: string
  firing: number
  resolved: number
}

/**
 * Posts what changed since the last poll: alerts that started firing, and alerts that stopped (resolved), as one
 * Alertmanager webhook message (`version: "4"`). A failed delivery is tried again with the next change.
 */
export class Webhook {
  private firing = new Map<string, AlertView>()
  private unsent: { status: 'firing' | 'resolved'; alert: AlertView; at: number }[] = []
  last?: WebhookDelivery

  constructor(
    private readonly url: string,
    private readonly dashboardUrl: () => string,
  ) {}

  async notify(alerts: AlertView[], now: number): Promise<void> {
    const current = new Map(alerts.filter((a) => a.state === 'firing').map((a) => [alertKey(a), a]))
    for (const [key, alert] of current)
      if (!this.firing.has(key)) this.unsent.push({ status: 'firing', alert, at: now })
    for (const [key, alert] of this.firing)
      if (!current.has(key)) this.unsent.push({ status: 'resolved', alert, at: now })
    this.firing = current
    if (this.unsent.length === 0) return
    const batch = this.unsent
    const message = {
      version: '4',
      status: current.size > 0 ? 'firing' : 'resolved',
      receiver: 'reserve-dashboard',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: this.dashboardUrl(),
      alerts: batch.map(({ status, alert, at }) => ({
        status,
        labels: { ...alert.labels, alertname: alert.name, source: alert.source },
        annotations: { summary: alert.summary },
        startsAt: new Date(alert.since).toISOString(),
        endsAt: status === 'resolved' ? new Date(at).toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: this.dashboardUrl(),
      })),
    }
    const counts = {
      firing: batch.filter((b) => b.status === 'firing').length,
      resolved: batch.filter((b) => b.status === 'resolved').length,
    }
    try {
      const answer = await fetchBounded(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        timeoutMs: HTTP_TIMEOUT_MS,
        maxBodyBytes: 64 * 1024,
      })
      this.last = { at: now, status: answer.status, ...counts }
      if (answer.status >= 200 && answer.status < 300) this.unsent = []
    } catch (error) {
      this.last = { at: now, error: (error as Error).message.split('\n')[0], ...counts }
    }
  }
}
