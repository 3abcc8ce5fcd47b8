/**
 * `npm run dashboard`, started as a user starts it (its command line: `--network local` and the local Automation
 * deployment, the upkeeps found on the registrar, an adapter, a webhook), against USDX on a chain of its own
 * (demo/scenarios/world.ts): the page's key figures are in its HTML (no script needed), the JSON API carries the
 * chain's figures as decimal strings, /metrics exposes every chain alert rule's metric with the labels it groups
 * by, and the webhook gets a shortfall as it fires and its end as it resolves.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chainAlertRules, parseMetricsText } from '#common/alerts'
import { CHAIN_METRIC } from '#common/metric-names'
import { formatUnits } from '#common/decimal'
import { FIRST_MINT, ScenarioWorld, DECIMALS } from '../../demo/scenarios/world'
import { unpauseThroughGuard } from '../../demo/guard'
import { CHAIN_METRIC_LABELS } from '../alerts'
import { startFromCommandLine } from '../cli'
import type { Snapshot } from '../snapshot'

const POLL_MS = 300

interface WebhookMessage {
  status: string
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[]
}

let world: ScenarioWorld
let running: Awaited<ReturnType<typeof startFromCommandLine>>
let receiver: Server
const received: WebhookMessage[] = []
let token: string

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push(JSON.parse(body) as WebhookMessage)
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  world = await ScenarioWorld.start()
  await world.startAdapter()
  await world.deploy()
  await world.updater.round()
  await world.startRunner()
  await world.mint(FIRST_MINT)
  token = await world.token.getAddress()
  const { adapters } = world.watchTarget()
  running = await startFromCommandLine(
    [
      '--network',
      'local',
      '--rpc-url',
      world.chain.url,
      '--guard',
      String(world.guard.target),
      '--port',
      '0',
      '--poll-ms',
      String(POLL_MS),
      '--adapter',
      `attestation=${adapters[0].metricsUrl},${adapters[0].healthUrl}`,
      '--webhook',
      `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
    ],
    { UPKEEPS_LOCAL_DEPLOYMENT: world.automation.deploymentFile },
    process.cwd(),
  )
}, 180_000)

afterAll(async () => {
  await running?.close()
  running?.target.provider.destroy()
  await world?.close()
  receiver?.close()
})

const get = async (path: string) => {
  const answer = await fetch(`${running.url}${path}`)
  return { status: answer.status, type: answer.headers.get('content-type'), text: await answer.text() }
}
const snapshot = async () => JSON.parse((await get('/api/snapshot')).text) as Snapshot

/** Polls until `condition` holds of the dashboard's snapshot. */
async function until(condition: (s: Snapshot) => boolean, what: string): Promise<Snapshot> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const now = await snapshot()
    if (condition(now)) return now
    if (Date.now() > deadline) throw new Error(`the dashboard never showed ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('npm run dashboard, on a local chain', () => {
  it('serves the key figures in the HTML itself: no script needed', async () => {
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.type).toBe('text/html; charset=utf-8')
    const answer = (await world.feed.proxy.latestRoundData())[1]
    expect(page.text).toContain(`<dd data-field="reserves">${formatUnits(answer, DECIMALS)}</dd>`)
    expect(page.text).toContain(`<span data-field="supply">${formatUnits(FIRST_MINT, DECIMALS)}</span>`)
    expect(page.text).toMatch(/data-field="verdict"\s*>Backed</)
    expect(page.text).toContain('<noscript><meta http-equiv="refresh"')
    expect(page.text).not.toContain(world.chain.url) // the RPC URL may carry a key: never on the page
  })

  it("carries the chain's figures as decimal strings, and finds the upkeeps on the registrar", async () => {
    const now = await snapshot()
    const [asset] = now.assets
    const at = { blockTag: now.block }
    expect(asset).toMatchObject({
      target: token,
      verdict: 'backed',
      reason: 'None',
      paused: false,
      reserves: { units: (await world.feed.proxy.latestRoundData(at))[1].toString(), decimals: DECIMALS },
      supply: { units: (await world.token.totalSupply(at)).toString(), decimals: DECIMALS },
      // 1 % of the reserves kept: 990,000,000 USDX need 1,000,000,000 USD.
      margin: { mode: 'PositivePercentage', amount: '100', text: 'PositivePercentage 100 bps (1 %)' },
      required: { text: '1000000000' },
      ratioPercent: '101.06',
      headroom: { text: '523419.87' },
    })
    expect(now.network.name).toBe('local')
    expect(now.upkeeps.map((u) => u.id).sort()).toEqual(
      [world.upkeeps.conditional.id, world.upkeeps.log.id].map(String).sort(),
    )
    expect(now.upkeeps.every((u) => u.forwarderAllowed && !u.underfunded && u.state === 'active')).toBe(true)
    expect(now.receivers[0]).toMatchObject({ address: String(world.guard.target), lastReports: [] })
    expect(now.adapters).toMatchObject([{ name: 'attestation', healthy: true, scraped: true }])
  })

  it("exposes every chain alert rule's metric, with the labels the rule groups by", async () => {
    const metrics = await get('/metrics')
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8')
    const scrape = parseMetricsText(metrics.text)
    for (const rule of chainAlertRules(POLL_MS)) {
      const samples = scrape.samples.filter((s) => s.name === rule.metric)
      expect({ rule: rule.name, exposed: samples.length > 0 }).toEqual({ rule: rule.name, exposed: true })
      for (const sample of samples)
        expect(Object.keys(sample.labels)).toEqual(expect.arrayContaining([...rule.by]))
    }
    for (const [key, labels] of Object.entries(CHAIN_METRIC_LABELS)) {
      const metric = CHAIN_METRIC[key as keyof typeof CHAIN_METRIC]
      for (const sample of scrape.samples.filter((s) => s.name === metric)) {
        expect({ metric, labels: Object.keys(sample.labels) }).toEqual({ metric, labels })
      }
    }
  })

  it('posts a shortfall to the webhook as it fires, and its end as it resolves', async () => {
    const firing = (name: string) =>
      received.flatMap((m) => m.alerts).find((a) => a.status === 'firing' && a.labels.alertname === name)
    const resolved = (name: string) =>
      received.flatMap((m) => m.alerts).find((a) => a.status === 'resolved' && a.labels.alertname === name)
    // 990,000,000 USD for as many USDX: all of the supply, not the 990,000,000 ÷ 0.99 the margin requires; a 1.05 % move, so written
    world.attestation.totalReserve = '990000000'
    const drop = (await world.updater.round()).update!
    await until(
      (s) => s.block >= drop.block && s.alerts.some((a) => a.name === 'ReserveAssetShort'),
      'the shortfall',
    )
    await until(() => firing('ReserveAssetShort') !== undefined, 'the webhook post')
    expect(firing('ReserveAssetShort')).toMatchObject({
      labels: { alertname: 'ReserveAssetShort', severity: 'critical', source: 'chain', asset: token },
      annotations: { summary: `${token}: the guard finds its reserves short of the supply and margin` },
    })
    await until((s) => s.assets[0].paused, 'the pause')

    world.attestation.totalReserve = '1000523419.87'
    const back = (await world.updater.round()).update!
    await world.don.through(back.block)
    await unpauseThroughGuard(world.guard, world.accounts.unpauser, token)
    await until((s) => !s.assets[0].paused && s.alerts.length === 0, 'the end of the alerts')
    await until(
      () => resolved('ReserveAssetShort') !== undefined && resolved('ReserveAssetPaused') !== undefined,
      'the resolutions',
    )
    const pauses = (await snapshot()).pauses.map((p) => [p.event, p.why.split(':')[0]])
    expect(pauses).toEqual([
      ['AssetUnpaused', 'backed again when unpaused'],
      ['AssetPaused', 'InsufficientReserves'],
    ])
  })
})
