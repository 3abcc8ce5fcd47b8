/**
 * The alert rules (adapters/common/alerts.ts): their PromQL, the reading of a scrape, and their
 * evaluator judging a running adapter's metrics, step by step, while its provider fails until
 * its figure expires, then recovers: the alerts rise with the trouble and do not clear before
 * it is over. The framework's cache_data_staleness_seconds is in milliseconds.
 */
import { describe, expect, it } from '@jest/globals'
import { advanceClock, backgroundTicks } from '#devkit/clock'
import { POR_SETTING_DEFAULTS } from '../adapter'
import {
  AlertEvaluator,
  chainAlertRules,
  parseMetricsText,
  prometheusExpression,
  reserveAlertRules,
  type AlertRule,
  type Scrape,
} from '../alerts'
import { providerError } from '../errors'
import { FRAMEWORK_METRIC } from '../metric-names'
import { useToyAdapterWithMetrics } from './toy-adapter'

const rules = reserveAlertRules(POR_SETTING_DEFAULTS.CACHE_MAX_AGE)
const rule = (name: string): AlertRule => rules.find((r) => r.name === name)!
/** Milliseconds in one of a rule's time units. */
const MS_PER: Partial<Record<AlertRule['unit'], number>> = { seconds: 1_000, milliseconds: 1 }

describe('the alert rules', () => {
  it('are PromQL over the metrics, the thresholds in each metric’s own unit', () => {
    expect(Object.fromEntries(rules.map((r) => [r.name, prometheusExpression(r)]))).toEqual({
      ReserveRequestsUnserved: 'max by (app_name, adapter_endpoint) (reserve_unserved_requests) > 0',
      ReserveFigureStale: 'max by (app_name, adapter_endpoint) (reserve_stale_requests) > 0',
      ReserveFigureOld: 'max by (app_name, adapter_endpoint) (reserve_oldest_figure_age_seconds) > 240',
      ReserveComputationsFailing:
        'sum by (app_name, adapter_endpoint, status_code) (increase(reserve_computation_failures_total[10m])) > 0',
      ReserveAnswerServedOld: 'max by (app_name, feed_id) (cache_data_staleness_seconds) > 240000',
    })
  })

  it("on the chain, are PromQL over the dashboard's flags, and its read age in seconds", () => {
    const chain = chainAlertRules(12_000)
    expect(Object.fromEntries(chain.map((r) => [r.name, prometheusExpression(r)]))).toEqual({
      ReserveAssetShort: 'max by (guard, asset) (reserve_guard_asset_short) > 0',
      ReserveFeedStale: 'max by (guard, asset) (reserve_guard_asset_stale) > 0',
      ReserveAssetPaused: 'max by (guard, asset) (reserve_guard_asset_paused) > 0',
      ReserveUpkeepUnderfunded: 'max by (registry, upkeep) (reserve_upkeep_underfunded) > 0',
      ReserveUpkeepInactive: 'max by (registry, upkeep) (reserve_upkeep_inactive) > 0',
      ReserveUpkeepForwarderNotAllowed: 'max by (guard, upkeep) (reserve_upkeep_forwarder_not_allowed) > 0',
      ReserveChainReadOld: 'max by (guard) (reserve_dashboard_chain_read_age_seconds) > 72',
    })
    expect(chainAlertRules(500).find((r) => r.name === 'ReserveChainReadOld')!.threshold).toBe(3)
    const evaluator = new AlertEvaluator(chain)
    const scrape = parseMetricsText(
      [
        'reserve_guard_asset_short{guard="0xG",asset="0xA"} 1',
        'reserve_guard_asset_short{guard="0xG",asset="0xB"} 0',
        'reserve_dashboard_chain_read_age_seconds{guard="0xG"} 12',
      ].join('\n'),
    )
    expect(evaluator.observe(scrape, 0).map((a) => [a.rule.name, a.labels, a.state, a.summary])).toEqual([
      [
        'ReserveAssetShort',
        { guard: '0xG', asset: '0xA', severity: 'critical' },
        'firing',
        '0xA: the guard finds its reserves short of the supply and margin',
      ],
    ])
  })

  it('read a scrape: labels with escapes, histogram buckets, infinities', () => {
    const scrape = parseMetricsText(
      [
        '# HELP a_total A counter',
        '# TYPE a_total counter',
        'a_total{path="C:\\\\x",quote="say \\"hi\\"",line="1\\n2"} 3',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 7',
        'g NaN',
        'g2{x="1"} -Inf 1700000000000',
      ].join('\n'),
    )
    expect(scrape.types).toEqual(
      new Map([
        ['a_total', 'counter'],
        ['h', 'histogram'],
      ]),
    )
    expect(scrape.samples).toEqual([
      { name: 'a_total', labels: { path: 'C:\\x', quote: 'say "hi"', line: '1\n2' }, value: 3 },
      { name: 'h_bucket', labels: { le: '+Inf' }, value: 7 },
      { name: 'g', labels: {}, value: NaN },
      { name: 'g2', labels: { x: '1' }, value: -Infinity },
    ])
  })

  it('judge a counter on its increase over the window, from two samples on, across a restart', () => {
    const evaluator = new AlertEvaluator([rule('ReserveComputationsFailing')])
    const failures = (value: number): Scrape => ({
      types: new Map(),
      samples: [
        {
          name: 'reserve_computation_failures_total',
          labels: { app_name: 'A', adapter_endpoint: 'e', status_code: '502' },
          value,
        },
      ],
    })
    const firing = (value: number, at: number) => evaluator.observe(failures(value), at).map((a) => a.state)
    expect(firing(3, 0)).toEqual([]) // one sample: no increase yet
    expect(firing(3, 60_000)).toEqual([])
    expect(firing(4, 120_000)).toEqual(['firing'])
    expect(firing(4, 650_000)).toEqual(['firing']) // 3 at 60 s and 4 at 120 s are in the last 10 minutes
    expect(firing(4, 690_000)).toEqual([]) // from 90 s on: 4, 4
    expect(firing(4, 730_000)).toEqual([])
    expect(firing(1, 790_000)).toEqual(['firing']) // restarted at 0, failed once
  })

  it('refuse a counter rule that is not `> 0` (Prometheus extrapolates increase(): only its sign is the evaluator’s)', () => {
    expect(() => new AlertEvaluator([{ ...rule('ReserveComputationsFailing'), threshold: 2 }])).toThrow(/> 0/)
  })
})

describe('alerts on a running adapter whose provider fails past the figure’s expiry', () => {
  const toy = useToyAdapterWithMetrics()
  const request = { name: 'steady' }
  const evaluator = new AlertEvaluator(rules)
  /** Seconds since the figure was read (the clock is held from before the first computation). */
  let t = 0

  const scrape = async () =>
    parseMetricsText((await toy.testAdapter.metricsApi!.inject({ method: 'GET', url: '/metrics' })).body)
  /** The alerts of the toy endpoint, by name and state, judged on a scrape now. */
  const alerts = async () =>
    Object.fromEntries(
      evaluator
        .observe(await scrape(), Date.now())
        .filter((a) => a.labels.adapter_endpoint === 'toy' || a.labels.feed_id?.startsWith('toy:'))
        .map((a) => [a.rule.name, a.state]),
    )
  /** Moves the clock `seconds` ahead, one at a time, the node asking every 10 s; the alerts at the end. */
  const until = async (second: number) => {
    while (t < second) {
      t++
      advanceClock(1_000)
      if (t % 10 === 0) await toy.testAdapter.request(request)
      await backgroundTicks(toy.transport, 2)
      if (t % 10 === 0) await alerts()
    }
    return alerts()
  }

  it('reads cache_data_staleness_seconds in milliseconds: 75,000 for an answer served 75 s after it was read', async () => {
    advanceClock(0)
    let response = await toy.testAdapter.request(request)
    while (response.statusCode !== 200) {
      await backgroundTicks(toy.transport, 1)
      response = await toy.testAdapter.request(request)
    }
    const readAt = (response.json() as { timestamps: { providerDataReceivedUnixMs: number } }).timestamps
      .providerDataReceivedUnixMs
    advanceClock(readAt + 75_000 - Date.now())
    t = 75
    expect((await toy.testAdapter.request(request)).statusCode).toBe(200)
    const staleness = (await scrape()).samples.find(
      (s) => s.name === FRAMEWORK_METRIC.cacheDataStaleness && s.labels.feed_id?.startsWith('toy:'),
    )!
    const served = rule('ReserveAnswerServedOld')
    expect({ unit: served.unit, seconds: (staleness.value * MS_PER[served.unit]!) / 1000 }).toEqual({
      unit: 'milliseconds',
      seconds: 75,
    })
    expect(await alerts()).toEqual({})
  })

  it('warns when a refresh fails, and stays on, unserved, once the figure has expired', async () => {
    toy.transport.outcome = async () => {
      throw providerError('the provider is down')
    }
    // The refresh at 180 s fails; the figure is served still.
    const refreshFailed = await until(185)
    expect(refreshFailed.ReserveFigureStale).toBe('pending')
    expect(refreshFailed.ReserveFigureOld).toBeUndefined()
    expect(await until(305)).toMatchObject({
      ReserveFigureStale: 'firing',
      ReserveFigureOld: 'firing',
      ReserveComputationsFailing: 'firing',
      ReserveAnswerServedOld: 'firing',
    })
    // At 360 s the figure expires: the node gets the error from then on.
    const expired = await until(370)
    expect(expired).toMatchObject({ ReserveRequestsUnserved: 'pending', ReserveFigureOld: 'firing' })
    expect(expired.ReserveFigureStale).toBeUndefined()
    expect((await toy.testAdapter.request(request)).statusCode).toBeGreaterThanOrEqual(500)
    expect(await until(440)).toMatchObject({ ReserveRequestsUnserved: 'firing', ReserveFigureOld: 'firing' })
    const age = (await scrape()).samples.find(
      (s) => s.name === 'reserve_oldest_figure_age_seconds' && s.labels.adapter_endpoint === 'toy',
    )!
    expect(age.value).toBe(440)
  })

  it('clears once a computation succeeds', async () => {
    toy.transport.outcome = async () => ({ result: '2', data: { result: '2' } })
    // Retries are 60 s apart by now.
    const after = await until(510)
    expect((await toy.testAdapter.request(request)).statusCode).toBe(200)
    expect(after).toEqual({ ReserveComputationsFailing: 'firing' })
  })

  it('clears once a failing request is no longer asked (its subscription ended)', async () => {
    toy.transport.outcome = async () => {
      throw providerError('the provider is down again')
    }
    // Still asked, past the figure's expiry.
    expect(await until(t + POR_SETTING_DEFAULTS.CACHE_MAX_AGE / 1000 + 1)).toMatchObject({
      ReserveRequestsUnserved: 'pending',
      ReserveFigureOld: 'firing',
    })
    advanceClock(Number(toy.testAdapter.adapter.config.settings.WARMUP_SUBSCRIPTION_TTL) + 1_000)
    await backgroundTicks(toy.transport, 3)
    const gone = await alerts()
    expect([gone.ReserveRequestsUnserved, gone.ReserveFigureOld, gone.ReserveFigureStale]).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })
})
