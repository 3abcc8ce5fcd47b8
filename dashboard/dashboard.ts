/**
 * The dashboard's reading loop: every `pollMs`, one snapshot of everything it shows, the chain read at one block
 * (the head when the poll began: every `eth_call` names it), the adapters scraped; then its alerts judged, and
 * their changes posted to the webhook. A poll that fails keeps the last snapshot, marked with the failure.
 */
import { ZeroAddress, type JsonRpcProvider } from 'ethers'
import { reserveGuardAt, type ReserveGuard } from '#chain/contracts'
import { ChainAlerts, Webhook, alertView, chainMetricsText } from './alerts'
import type { DashboardSettings } from './config'
import { explorerLinks, type Links } from './links'
import { AdapterWatch } from './read/adapters'
import { assetView, readGuardAssets, type GuardAsset } from './read/assets'
import { AssetHistory } from './read/history'
import { BlockTimes } from './read/logs'
import { PauseLog } from './read/pauses'
import { ReceiverWatch } from './read/receivers'
import { UpkeepWatch } from './read/upkeeps'
import type { AssetView, Snapshot } from './snapshot'

/** What the dashboard reads: a connected chain, and the settings. */
export interface DashboardTarget {
  provider: JsonRpcProvider
  chainId: number
  /** the network's name (networks.json, `local`, or the chain id) */
  networkName: string
  settings: Omit<DashboardSettings, 'rpcUrl' | 'host' | 'port'>
}

export class Dashboard {
  /** the last snapshot; undefined until the first poll ends */
  snapshot?: Snapshot
  /** the time (ms) of the last poll that read everything */
  private lastGoodRead?: number
  private readonly guard: ReserveGuard
  private readonly links: Links
  private readonly times: BlockTimes
  private readonly histories = new Map<string, AssetHistory>()
  private readonly pauses: PauseLog
  private readonly upkeeps: UpkeepWatch
  private readonly receivers: ReceiverWatch
  private readonly adapters: AdapterWatch
  private readonly chainAlerts: ChainAlerts
  private readonly webhook?: Webhook
  private timer?: NodeJS.Timeout
  private stopped = false
  private polling?: Promise<void>
  /** where the page is served, for the webhook's links (set by the server) */
  url = ''

  constructor(private readonly target: DashboardTarget) {
    const { provider, settings } = target
    this.guard = reserveGuardAt(settings.guard, provider)
    this.links = explorerLinks(settings.explorer)
    this.times = new BlockTimes(provider)
    this.pauses = new PauseLog(provider, this.guard, settings.fromBlock, settings.logRange)
    this.upkeeps = new UpkeepWatch(provider, {
      guard: settings.guard,
      registry: settings.registry,
      registrar: settings.registrar,
      ids: settings.upkeeps,
      fromBlock: settings.fromBlock,
      logRange: settings.logRange,
    })
    this.receivers = new ReceiverWatch(provider, this.guard, settings)
    this.adapters = new AdapterWatch(settings.adapters)
    this.chainAlerts = new ChainAlerts(settings.pollMs)
    if (settings.webhook) this.webhook = new Webhook(settings.webhook, () => this.url)
  }

  get settings() {
    return this.target.settings
  }

  get provider(): JsonRpcProvider {
    return this.target.provider
  }

  /** Reads once, then every `pollMs` (a poll starts when the last has ended). */
  async start(): Promise<void> {
    await this.poll()
    const next = () => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.polling = this.poll().finally(next)
      }, this.settings.pollMs)
    }
    next()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.polling
  }

  /** The chain's gauges now (the dashboard's /metrics). */
  metricsText(now = Date.now()): string {
    if (!this.snapshot) return ''
    return chainMetricsText(this.snapshot, this.readAgeSeconds(now))
  }

  private readAgeSeconds(now: number): number {
    return this.lastGoodRead === undefined ? 0 : Math.floor((now - this.lastGoodRead) / 1000)
  }

  /** One poll: a new snapshot, or the last one marked with what failed. */
  async poll(): Promise<void> {
    const now = Date.now()
    const scraped = this.adapters.update(now)
    try {
      const snapshot = await this.readChain(now)
      this.lastGoodRead = now
      this.snapshot = snapshot
    } catch (error) {
      if (!this.snapshot) {
        // Nothing read yet: the page says so, and the read-age alert has nothing to measure from.
        this.lastGoodRead ??= now
        this.snapshot = this.empty(now)
      }
      this.snapshot = { ...this.snapshot, readError: (error as Error).message.split('\n')[0] }
    }
    const { adapters, alerts: adapterAlerts } = await scraped
    const chain = this.chainAlerts.judge(this.metricsText(now), now)
    const alerts = [
      ...chain.map((alert) => alertView(alert, 'chain')),
      ...adapterAlerts.map(({ adapter, alert }) => alertView(alert, `adapter ${adapter}`)),
    ]
    this.snapshot = { ...this.snapshot!, adapters, alerts, takenAt: now }
    if (this.webhook) {
      await this.webhook.notify(alerts, now)
      this.snapshot.webhook = { host: new URL(this.settings.webhook!).host, last: this.webhook.last }
    }
  }

  private empty(now: number): Snapshot {
    const { settings, networkName, chainId } = this.target
    return {
      network: { name: networkName, chainId },
      guard: settings.guard,
      guardUrl: this.links.address(settings.guard),
      block: 0,
      blockTime: 0,
      blockUrl: '',
      takenAt: now,
      pollMs: settings.pollMs,
      assets: [],
      pauses: [],
      upkeeps: [],
      receivers: [],
      adapters: [],
      alerts: [],
      registry: settings.registry,
    }
  }

  /** Everything on the chain, at the head's block. */
  private async readChain(now: number): Promise<Snapshot> {
    const { provider, settings } = this.target
    const head = await provider.getBlock('latest')
    if (!head) throw new Error('the RPC has no latest block')
    const block = head.number
    const links = this.links
    const guardAssets = await readGuardAssets(this.guard, block)
    const assets: AssetView[] = []
    for (const asset of guardAssets) {
      const history = await this.history(asset)
      await history.update(block, this.times, links)
      const view = await assetView(provider, asset, block, head.timestamp, links)
      assets.push({ ...view, history: [...history.points], historyNote: history.note })
    }
    const forwarder = await this.guard.forwarder({ blockTag: block })
    const decimals = new Map(guardAssets.map((a) => [a.target.toLowerCase(), a.decimals]))
    await this.pauses.update(block, this.times, links, {
      registry: settings.registry,
      creForwarder: forwarder === ZeroAddress ? undefined : forwarder,
      decimalsOf: (target) => decimals.get(target.toLowerCase()),
    })
    const upkeeps = await this.upkeeps.update(block, this.times, links)
    const receivers = await this.receivers.update(
      block,
      guardAssets.map((a) => a.config.reserveFeed),
      this.times,
      links,
    )
    return {
      ...this.empty(now),
      block,
      blockTime: head.timestamp,
      blockUrl: links.block(block),
      assets,
      pauses: [...this.pauses.events].reverse(),
      upkeeps: upkeeps.upkeeps,
      upkeepsNote: upkeeps.note,
      receivers,
    }
  }

  /** An asset's history, opened once per reserve feed it reads. */
  private async history(asset: GuardAsset): Promise<AssetHistory> {
    const key = `${asset.target}|${asset.config.reserveFeed}`
    let history = this.histories.get(key)
    if (!history) {
      const { provider, settings } = this.target
      history = await AssetHistory.open(provider, this.guard, asset.target, asset.config, {
        fromBlock: settings.fromBlock,
        logRange: settings.logRange,
        maxPoints: settings.historyPoints,
      })
      this.histories.set(key, history)
    }
    return history
  }
}
