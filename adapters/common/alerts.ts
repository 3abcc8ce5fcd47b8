/**
 * The alerts an operator sets on the adapters' metrics ({@link reserveAlertRules}) and on the
 * chain as the dashboard reads it ({@link chainAlertRules}), defined once, as data: rendered as a
 * Prometheus rules file ({@link prometheusRulesFile}: docs/reserve-alerts.rules.yml, written by
 * `npm run docs`), and judged by {@link AlertEvaluator} against scrapes of an adapter's or the
 * dashboard's /metrics ({@link parseMetricsText}), so that the dashboard's page and Prometheus
 * never disagree.
 *
 * Names only, no framework: this module loads anywhere (a page, a tool), given a scrape.
 */
import { CHAIN_METRIC, FRAMEWORK_METRIC, RESERVE_METRIC } from './metric-names'

/** How a rule's aggregated value is compared with its threshold. */
export type Comparison = '>' | '>=' | '<' | '<='

/**
 * The unit a metric is exposed in, which a rule's threshold is written in. The framework's
 * `cache_data_staleness_seconds` is in milliseconds, whatever its name says. A `flag` is 1 while a
 * condition holds, 0 otherwise.
 */
export type MetricUnit = 'seconds' | 'milliseconds' | 'requests' | 'computations' | 'flag'

/** One alert: `<aggregation> by (<by>) (<metric>{<match>}) <comparison> <threshold>`, held `for`. */
export interface AlertRule {
  /** The alert's name (Prometheus `alert:`). */
  name: string
  metric: string
  /** Only the series with these label values. */
  match: Readonly<Record<string, string>>
  /**
   * For a counter: its increase over this many seconds is judged, not its value. Such a rule
   * compares with `> 0` only (Prometheus extrapolates `increase()` to the window's edges, the
   * evaluator does not: their values differ, their sign does not).
   */
  increaseOverSeconds?: number
  /** How the matching series are combined, per group of the `by` labels. */
  aggregation: 'max' | 'sum'
  by: readonly string[]
  comparison: Comparison
  threshold: number
  /** The metric's unit as exposed: the threshold's unit. */
  unit: MetricUnit
  /** How long the condition must hold before the alert fires (0: at once). */
  forSeconds: number
  severity: 'critical' | 'warning'
  /** One line; `{{ $labels.<label> }}` and `{{ $value }}` are filled in (Prometheus templates). */
  summary: string
  /** What it means and what to do. */
  description: string
}

/** The labels that name an adapter's endpoint in every series of this repository's metrics. */
const ENDPOINT = ['app_name', 'adapter_endpoint'] as const

/**
 * The alerts on the adapters' metrics, for adapters whose `CACHE_MAX_AGE` is `cacheMaxAgeMs`
 * (a figure is refreshed at half of it and expires at it: a figure older than two thirds of it
 * has missed a refresh, and has a sixth of its life left).
 */
export function reserveAlertRules(cacheMaxAgeMs: number): AlertRule[] {
  const oldAfterSeconds = Math.round((cacheMaxAgeMs * 2) / 3 / 1000)
  const where = '{{ $labels.app_name }} {{ $labels.adapter_endpoint }}'
  /** A gauge of this repository's, set per endpoint: its largest value of each adapter's endpoint. */
  const perEndpoint = { match: {}, aggregation: 'max', by: ENDPOINT } as const
  /** Any live request counted. */
  const anyRequest = { comparison: '>', threshold: 0, unit: 'requests' } as const
  return [
    {
      name: 'ReserveRequestsUnserved',
      metric: RESERVE_METRIC.unservedRequests,
      ...perEndpoint,
      ...anyRequest,
      forSeconds: 60,
      severity: 'critical',
      summary: `${where}: {{ $value }} requests answered with an error, no figure left to serve`,
      description:
        "Requests whose computation fails with no figure left to answer with (none read yet, expired, or withdrawn by the provider): the node gets a 5xx for each until a computation succeeds. The adapter's warn log (ComputeTransport) names each request and its failure.",
    },
    {
      name: 'ReserveFigureStale',
      metric: RESERVE_METRIC.staleRequests,
      ...perEndpoint,
      ...anyRequest,
      forSeconds: 120,
      severity: 'warning',
      summary: `${where}: {{ $value }} requests answered with a figure whose refresh fails`,
      description: `The last figure read is still answered, until it is CACHE_MAX_AGE (${cacheMaxAgeMs / 1000} s) old; then those requests are answered with the error (ReserveRequestsUnserved).`,
    },
    {
      name: 'ReserveFigureOld',
      metric: RESERVE_METRIC.oldestFigureAge,
      ...perEndpoint,
      comparison: '>',
      threshold: oldAfterSeconds,
      unit: 'seconds',
      forSeconds: 0,
      severity: 'warning',
      summary: `${where}: a live request's last success was {{ $value }} s ago`,
      description: `A figure is refreshed every ${cacheMaxAgeMs / 2000} s and expires at ${cacheMaxAgeMs / 1000} s (CACHE_MAX_AGE): its refreshes are late or failing. Stays on while the request fails, after its figure has expired too, until a computation succeeds or the request is no longer asked.`,
    },
    {
      name: 'ReserveComputationsFailing',
      metric: RESERVE_METRIC.computationFailures,
      match: {},
      increaseOverSeconds: 600,
      aggregation: 'sum',
      by: [...ENDPOINT, 'status_code'],
      comparison: '>',
      threshold: 0,
      unit: 'computations',
      forSeconds: 0,
      severity: 'warning',
      summary: `${where}: computations failed with {{ $labels.status_code }} in the last 10 minutes`,
      description:
        "A provider read failed (retried with backoff; the last figure is served meanwhile while it lasts). The adapter's warn log names the request and the reason.",
    },
    {
      name: 'ReserveAnswerServedOld',
      metric: FRAMEWORK_METRIC.cacheDataStaleness,
      match: {},
      aggregation: 'max',
      by: ['app_name', 'feed_id'],
      comparison: '>',
      threshold: oldAfterSeconds * 1000,
      unit: 'milliseconds',
      forSeconds: 0,
      severity: 'warning',
      summary: '{{ $labels.app_name }} {{ $labels.feed_id }}: an answer served was {{ $value }} ms old',
      description: `The framework's cache_data_staleness_seconds is in milliseconds: the age of the last answer served from the cache, since it was read from the provider. Above ${oldAfterSeconds} s, refreshes are late or failing. It only sees answers served: a request answered with an error shows in ReserveRequestsUnserved.`,
    },
  ]
}

/** The labels of the dashboard's gauges of one guarded asset. */
const ASSET = ['guard', 'asset'] as const
/** The labels of the dashboard's gauges of one Automation upkeep. */
const UPKEEP = ['registry', 'upkeep'] as const

/**
 * The alerts on the chain, as the dashboard reads it every `pollMs` and exposes it on its own
 * /metrics ({@link CHAIN_METRIC}): the guard's verdict and pauses (its own views), and the
 * Automation upkeeps that keep it watching (the registry's). Each condition is a flag the dashboard
 * decides exactly; only its read age is a duration.
 */
export function chainAlertRules(pollMs: number): AlertRule[] {
  const asset = '{{ $labels.asset }}'
  const upkeep = 'upkeep {{ $labels.upkeep }}'
  /** A flag of the dashboard's, per label set: raised while it is 1. */
  const raised = (by: readonly string[]) =>
    ({ match: {}, aggregation: 'max', by, comparison: '>', threshold: 0, unit: 'flag' }) as const
  const readOldAfterSeconds = Math.ceil((pollMs * 6) / 1000)
  return [
    {
      name: 'ReserveAssetShort',
      metric: CHAIN_METRIC.assetShort,
      ...raised(ASSET),
      forSeconds: 0,
      severity: 'critical',
      summary: `${asset}: the guard finds its reserves short of the supply and margin`,
      description:
        "The guard's own check (assetStatus) finds the reserve feed's answer below the supply plus the margin: the upkeep pauses what the asset is configured to pause, and the token refuses every mint. An unpauser lifts the pause once the feed shows the reserves back.",
    },
    {
      name: 'ReserveFeedStale',
      metric: CHAIN_METRIC.assetStale,
      ...raised(ASSET),
      forSeconds: 0,
      severity: 'critical',
      summary: `${asset}: no fresh reading (the reserve or supply feed is older than its heartbeat, or cannot be read)`,
      description:
        "The guard's check has no fresh reading: the feed stopped updating (the oracle network, its adapters or their provider) or cannot be read. Fail-closed assets count it as short and are paused; skip assets are not protected meanwhile. Nothing is minted either way.",
    },
    {
      name: 'ReserveAssetPaused',
      metric: CHAIN_METRIC.assetPaused,
      ...raised(ASSET),
      forSeconds: 0,
      severity: 'warning',
      summary: `${asset}: paused by the guard`,
      description:
        'Every operation the asset is configured to pause is paused (by the upkeep for a shortfall, or by a guardian). The dashboard lists who paused it and why.',
    },
    {
      name: 'ReserveUpkeepUnderfunded',
      metric: CHAIN_METRIC.upkeepUnderfunded,
      ...raised(UPKEEP),
      forSeconds: 0,
      severity: 'critical',
      summary: `${upkeep}: balance below the registry's minimum`,
      description:
        'Below its minimum balance the registry does not perform the upkeep: the guard stops pausing on a shortfall. Fund it (npm run upkeeps -- fund).',
    },
    {
      name: 'ReserveUpkeepInactive',
      metric: CHAIN_METRIC.upkeepInactive,
      ...raised(UPKEEP),
      forSeconds: 0,
      severity: 'warning',
      summary: `${upkeep}: paused or cancelled on the registry`,
      description:
        "The registry neither checks nor performs a paused or cancelled upkeep: unless another upkeep (or the CRE workflow) watches the guard, shortfalls go unanswered. A guardian's pauseAsset still works.",
    },
    {
      name: 'ReserveUpkeepForwarderNotAllowed',
      metric: CHAIN_METRIC.upkeepForwarderNotAllowed,
      match: {},
      aggregation: 'max',
      by: ['guard', 'upkeep'],
      comparison: '>',
      threshold: 0,
      unit: 'flag',
      forSeconds: 0,
      severity: 'critical',
      summary: `${upkeep}: its forwarder does not hold the guard's FORWARDER_ROLE`,
      description:
        "The guard refuses performUpkeep from the upkeep's forwarder: a shortfall is found and never acted on. The guard's admin grants the role (npm run upkeeps -- grant-forwarder).",
    },
    {
      name: 'ReserveChainReadOld',
      metric: CHAIN_METRIC.chainReadAge,
      match: {},
      aggregation: 'max',
      by: ['guard'],
      comparison: '>',
      threshold: readOldAfterSeconds,
      unit: 'seconds',
      forSeconds: 0,
      severity: 'warning',
      summary: "{{ $labels.guard }}: the dashboard's last complete read of the chain was {{ $value }} s ago",
      description: `The dashboard reads the chain every ${pollMs / 1000} s; six reads in a row failed (the RPC is down, lags or refuses a call): every other chain alert is judged on the last read that succeeded.`,
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// Prometheus

/** `600` → `10m`, `90` → `90s`: a Prometheus duration. */
function promDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

/** The rule's condition in PromQL. */
export function prometheusExpression(rule: AlertRule): string {
  const matchers = Object.entries(rule.match).map(([label, value]) => `${label}=${JSON.stringify(value)}`)
  const selector = `${rule.metric}${matchers.length > 0 ? `{${matchers.join(', ')}}` : ''}`
  const series =
    rule.increaseOverSeconds === undefined
      ? selector
      : `increase(${selector}[${promDuration(rule.increaseOverSeconds)}])`
  return `${rule.aggregation} by (${rule.by.join(', ')}) (${series}) ${rule.comparison} ${rule.threshold}`
}

/** A group of a rules file: its name, and its rules. */
export interface RuleGroup {
  name: string
  rules: readonly AlertRule[]
}

/** A Prometheus rules file of `groups`, with `header` as its opening comment lines. */
export function prometheusRulesFile(groups: readonly RuleGroup[], header: string[]): string {
  const lines = [...header.map((line) => `# ${line}`), 'groups:']
  for (const group of groups) {
    lines.push(`  - name: ${group.name}`, '    rules:')
    for (const rule of group.rules) lines.push(...ruleLines(rule))
  }
  return `${lines.join('\n')}\n`
}

/** One rule of a rules file. */
function ruleLines(rule: AlertRule): string[] {
  const text = JSON.stringify
  return [
    `      - alert: ${rule.name}`,
    `        expr: ${text(prometheusExpression(rule))}`,
    ...(rule.forSeconds > 0 ? [`        for: ${promDuration(rule.forSeconds)}`] : []),
    '        labels:',
    `          severity: ${rule.severity}`,
    '        annotations:',
    `          summary: ${text(rule.summary)}`,
    `          description: ${text(rule.description)}`,
  ]
}

// ---------------------------------------------------------------------------------------------
// Scrapes

/** One sample of a scrape: a series (its name and labels) and its value. */
export interface Sample {
  name: string
  labels: Readonly<Record<string, string>>
  value: number
}

/** A scrape of /metrics: its samples, and each metric's type (`# TYPE` lines). */
export interface Scrape {
  samples: Sample[]
  types: ReadonlyMap<string, string>
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y

/** Reads Prometheus's text exposition format (what /metrics serves). Throws on a line it cannot read. */
export function parseMetricsText(text: string): Scrape {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)/.exec(line)
      if (type) types.set(type[1], type[2])
      continue
    }
    const match = SAMPLE_LINE.exec(line)
    if (!match) throw new Error(`not a metrics line: ${line.slice(0, 200)}`)
    const [, name, labelText = '', valueText] = match
    const labels: Record<string, string> = {}
    LABEL.lastIndex = 0
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText)
      if (!label) throw new Error(`labels not read: ${line.slice(0, 200)}`)
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText)
    samples.push({ name, labels, value })
  }
  return { samples, types }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** An alert whose condition holds: pending until it has held for its rule's `for`, then firing. */
export interface ActiveAlert {
  rule: AlertRule
  /** The group's labels (the rule's `by` labels that the series have) and `severity`. */
  labels: Readonly<Record<string, string>>
  value: number
  state: 'pending' | 'firing'
  /** When the condition started to hold (ms). */
  activeSince: number
  /** The rule's summary, filled in. */
  summary: string
}

const COMPARE: Record<Comparison, (value: number, threshold: number) => boolean> = {
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
}

const seriesId = (sample: Sample) => JSON.stringify([sample.name, Object.entries(sample.labels).sort()])

/**
 * Judges alert rules as Prometheus does, scrape after scrape: each rule's series aggregated by
 * its `by` labels, compared with its threshold, held for its `for`. Counters are judged on their
 * increase over the rule's window, from the scrapes given within it (at least two, as
 * Prometheus needs two samples).
 */
export class AlertEvaluator {
  /** Counter samples within the longest window, per series. */
  private readonly history = new Map<string, { at: number; value: number }[]>()
  /** When each alert's condition started to hold, by rule and group. */
  private readonly since = new Map<string, number>()
  private readonly longestWindowMs: number

  constructor(readonly rules: readonly AlertRule[]) {
    for (const rule of rules) {
      if (rule.increaseOverSeconds !== undefined && (rule.comparison !== '>' || rule.threshold !== 0)) {
        throw new Error(`${rule.name}: a rule on a counter's increase compares with > 0 only`)
      }
    }
    this.longestWindowMs = Math.max(0, ...rules.map((rule) => (rule.increaseOverSeconds ?? 0) * 1000))
  }

  /** Judges every rule on `scrape`, taken at `at` (ms): the alerts pending or firing. */
  observe(scrape: Scrape, at: number): ActiveAlert[] {
    this.remember(scrape, at)
    const active: ActiveAlert[] = []
    const holding = new Set<string>()
    for (const rule of this.rules) {
      for (const [group, { labels, value }] of this.groups(rule, scrape, at)) {
        if (!COMPARE[rule.comparison](value, rule.threshold)) continue
        const key = JSON.stringify([rule.name, group])
        holding.add(key)
        const activeSince = this.since.get(key) ?? at
        this.since.set(key, activeSince)
        active.push({
          rule,
          labels: { ...labels, severity: rule.severity },
          value,
          state: at - activeSince >= rule.forSeconds * 1000 ? 'firing' : 'pending',
          activeSince,
          summary: rule.summary
            .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => labels[label] ?? '')
            .replace(/\{\{ \$value \}\}/g, String(value)),
        })
      }
    }
    for (const key of this.since.keys()) if (!holding.has(key)) this.since.delete(key)
    return active
  }

  /** Keeps the counters' samples of the longest window. */
  private remember(scrape: Scrape, at: number): void {
    const counters = new Set(
      this.rules.filter((rule) => rule.increaseOverSeconds !== undefined).map((rule) => rule.metric),
    )
    for (const sample of scrape.samples) {
      if (!counters.has(sample.name)) continue
      const id = seriesId(sample)
      const samples = this.history.get(id) ?? []
      samples.push({ at, value: sample.value })
      this.history.set(id, samples)
    }
    for (const [id, samples] of this.history) {
      const kept = samples.filter((sample) => at - sample.at <= this.longestWindowMs)
      if (kept.length === 0) this.history.delete(id)
      else this.history.set(id, kept)
    }
  }

  /** The rule's value per group of its `by` labels. */
  private groups(rule: AlertRule, scrape: Scrape, at: number) {
    const groups = new Map<string, { labels: Record<string, string>; value: number }>()
    for (const sample of scrape.samples) {
      if (sample.name !== rule.metric) continue
      if (Object.entries(rule.match).some(([label, value]) => sample.labels[label] !== value)) continue
      const value = rule.increaseOverSeconds === undefined ? sample.value : this.increase(sample, rule, at)
      if (value === undefined || Number.isNaN(value)) continue
      const labels = Object.fromEntries(
        rule.by
          .filter((label) => sample.labels[label] !== undefined)
          .map((label) => [label, sample.labels[label]]),
      )
      const group = JSON.stringify(rule.by.map((label) => sample.labels[label] ?? ''))
      const known = groups.get(group)
      const combined =
        known === undefined
          ? value
          : rule.aggregation === 'max'
            ? Math.max(known.value, value)
            : known.value + value
      groups.set(group, { labels, value: combined })
    }
    return groups
  }

  /** The series' increase over the rule's window (a drop is a restarted counter); undefined with fewer than two samples. */
  private increase(sample: Sample, rule: AlertRule, at: number): number | undefined {
    const windowMs = rule.increaseOverSeconds! * 1000
    const samples = (this.history.get(seriesId(sample)) ?? []).filter((s) => at - s.at < windowMs)
    if (samples.length < 2) return undefined
    let increase = 0
    for (let i = 1; i < samples.length; i++) {
      const delta = samples[i].value - samples[i - 1].value
      increase += delta >= 0 ? delta : samples[i].value
    }
    return increase
  }
}
