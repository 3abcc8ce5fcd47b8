/**
 * What an operator's Prometheus reads, checked on every adapter of adapters/ run as operators
 * run it (`npm start`, a process of its own, its provider behind the fault proxy): each alert
 * rule (adapters/common/alerts.ts, written to docs/reserve-alerts.rules.yml) reads a metric the
 * adapter exposes, of the type the rule assumes, with the labels the rule groups by, in the unit
 * its threshold is written in; and the rules' evaluator, judging the adapter's scrapes, raises
 * ReserveRequestsUnserved while the request has nothing to serve and clears it once it has.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { POR_SETTING_DEFAULTS } from '#common/adapter'
import {
  AlertEvaluator,
  parseMetricsText,
  reserveAlertRules,
  type AlertRule,
  type Scrape,
} from '#common/alerts'
import { FRAMEWORK_METRIC, RESERVE_METRIC } from '#common/metric-names'
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { askUntilComputed, type HttpAnswer } from '#devkit/adapter-server'
import { ADAPTERS_DIR, adapterNames, loadAdapterModule } from '#devkit/adapters'
import type { ConformanceDeclaration, ConformanceProvider } from '#devkit/conformance'
import { startFaultProxy, type FaultProxy, type ProxyAction } from '#devkit/fault-proxy'

const rules = reserveAlertRules(POR_SETTING_DEFAULTS.CACHE_MAX_AGE)
/** Milliseconds in one of a rule's time units. */
const MS_PER: Partial<Record<AlertRule['unit'], number>> = { seconds: 1_000, milliseconds: 1 }
const FAILING: ProxyAction = { status: 500, body: '{"error":"internal server error"}' }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The adapters that declare themselves to the conformance suite (conformance.test.ts checks that all do). */
const declared = adapterNames().filter((name) =>
  existsSync(join(ADAPTERS_DIR, name, 'test', 'conformance.ts')),
)

describe.each(declared)('adapter %s, as a process', (name) => {
  let provider: ConformanceProvider
  let proxy: FaultProxy
  let fault: ProxyAction = FAILING
  let adapter: AdapterProcess
  let endpoint: string
  const evaluator = new AlertEvaluator(rules)

  beforeAll(async () => {
    const path = join(ADAPTERS_DIR, name, 'test', 'conformance.ts')
    const { conformance } = (await import(path)) as { conformance: ConformanceDeclaration }
    const { adapter: built } = await loadAdapterModule(name)
    endpoint = built.defaultEndpoint ?? built.endpoints[0].name
    provider = await conformance.provider()
    proxy = await startFaultProxy(provider.url, () => fault)
    adapter = await startAdapterProcess(name, {
      ...conformance.env(proxy.url, 10_000),
      METRICS_ENABLED: 'true',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
      RETRY_FAILED_AFTER_MS: '200',
    })
  })
  afterAll(async () => {
    await adapter?.stop()
    await proxy?.close()
    await provider?.close?.()
  })

  const scrape = async (): Promise<Scrape> =>
    parseMetricsText(await (await fetch(adapter.metricsUrl!)).text())
  /** The alerts of this adapter's endpoint, by name and state, judged on a scrape taken at `at`. */
  const alerts = async (at: number) =>
    Object.fromEntries(
      evaluator
        .observe(await scrape(), at)
        .filter((alert) => alert.labels.adapter_endpoint === endpoint)
        .map((alert) => [alert.rule.name, alert.state]),
    )

  it('exposes the metric of every alert rule, with its labels and in its unit, and the rules judge it', async () => {
    // Its provider failing from the start: the request has nothing to serve.
    const failed = await askUntilComputed(() => adapter.bridge(provider.sample))
    expect(failed.status).toBeGreaterThanOrEqual(500)
    await sleep(200)
    const failingSince = Date.now()
    expect(await alerts(failingSince)).toMatchObject({ ReserveRequestsUnserved: 'pending' })
    const unservedFor = rules.find((rule) => rule.name === 'ReserveRequestsUnserved')!.forSeconds * 1000
    expect(await alerts(failingSince + unservedFor)).toMatchObject({ ReserveRequestsUnserved: 'firing' })

    // The provider back: the retry reads the figure.
    fault = 'forward'
    let answer: HttpAnswer = failed
    for (let attempt = 0; attempt < 100 && answer.status !== 200; attempt++) {
      await sleep(100)
      answer = await adapter.bridge(provider.sample)
    }
    expect(answer.status).toBe(200)
    const timestamps = answer.body!.timestamps as { providerDataReceivedUnixMs: number }
    const readAt = timestamps.providerDataReceivedUnixMs
    const feedId = (answer.body!.meta as { metrics: { feedId: string } }).metrics.feedId
    // Asked again a while later, from the cache.
    await sleep(1_500)
    const askedAt = Date.now()
    expect((await adapter.bridge(provider.sample)).status).toBe(200)
    await sleep(200)
    const scraped = await scrape()
    const scrapedAt = Date.now()

    for (const rule of rules) {
      const series = scraped.samples.filter((sample) => sample.name === rule.metric)
      const labels = [...rule.by, ...Object.keys(rule.match)]
      expect({
        rule: rule.name,
        type: scraped.types.get(rule.metric),
        labelled: series.some((sample) => labels.every((label) => sample.labels[label] !== undefined)),
      }).toEqual({
        rule: rule.name,
        type: rule.increaseOverSeconds === undefined ? 'gauge' : 'counter',
        labelled: true,
      })
    }

    // Units: each age read in its rule's unit, in ms, lies where the clocks around it say.
    const valueMs = (metric: string, labels: Record<string, string>) => {
      const rule = rules.find((r) => r.metric === metric)!
      const sample = scraped.samples.find(
        (s) => s.name === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )!
      return sample.value * MS_PER[rule.unit]!
    }
    const answerAge = valueMs(FRAMEWORK_METRIC.cacheDataStaleness, { feed_id: feedId })
    expect(answerAge).toBeGreaterThanOrEqual(askedAt - readAt)
    expect(answerAge).toBeLessThanOrEqual(scrapedAt - readAt)
    // Whole seconds, set on the background tick before the scrape.
    const figureAge = valueMs(RESERVE_METRIC.oldestFigureAge, { adapter_endpoint: endpoint })
    expect(figureAge).toBeGreaterThanOrEqual(askedAt - readAt - 1_500)
    expect(figureAge).toBeLessThanOrEqual(scrapedAt - readAt + 500)

    // Only the failures counted in the last 10 minutes remain.
    const after = await alerts(failingSince + unservedFor + 1_000)
    expect(Object.keys(after).filter((alert) => alert !== 'ReserveComputationsFailing')).toEqual([])
  })
})
