/**
 * What the dashboard serves (`GET /api/snapshot`) and renders: everything read from the chain at one block, and
 * from the adapters at one moment. Amounts travel as decimal strings ({@link Amount}): integers with their
 * decimals, and the exact decimal text; nothing here is a float but a chart's coordinates.
 *
 * Types only, no imports: the page's script (dashboard/client/) reads the same shapes.
 */

/** An amount, exact: its integer units and decimals as the chain holds them, and the decimal text. */
export interface Amount {
  /** integer units, as a decimal string (may be negative for a headroom) */
  units: string
  decimals: number
  /** `formatUnits(units, decimals)`: exact, trailing zeros dropped */
  text: string
}

/** A margin: its ACE mode by name, its amount (basis points, or the supply's units), and both in words. */
export interface MarginView {
  /** `None`, `PositivePercentage`, `PositiveAbsolute`, `NegativePercentage` or `NegativeAbsolute` */
  mode: string
  /** basis points for a percentage mode, the supply's integer units for an absolute one, 0 for `None` */
  amount: string
  /** `PositivePercentage 100 bps (1 %)`, `NegativeAbsolute 5000 USDX` */
  text: string
}

/** Where a figure was read, with the links that prove it. */
export interface ChainRef {
  block: number
  /** unix seconds of the block */
  time: number
  blockUrl: string
  tx?: string
  txUrl?: string
}

/** The guard's verdict in plain words (devkit/reserve-figures.ts). */
export type VerdictWord = 'backed' | 'short' | 'stale'

/** One point of an asset's history: a feed round, and the supply at the block that wrote it. */
export interface HistoryPoint extends ChainRef {
  /** the feed's round id, through the proxy */
  roundId: string
  /** the feed's `updatedAt` (unix seconds) */
  updatedAt: number
  reserves: Amount
  supply: Amount
  /** reserves ÷ supply, percent, rounded down to 2 decimals; absent without supply */
  ratioPercent?: string
  /** the reserves the margin required for the supply then, at the larger precision; absent when none did */
  required?: Amount
  /** reserves over what the margin requires (negative: short), at the larger precision; absent when none did */
  headroom?: Amount
  /** the guard's verdict at that block, from its own view; absent when the guard did not watch the asset then */
  verdict?: VerdictWord
}

export interface Freshness {
  /** the feed the figure comes from */
  feed: string
  feedUrl: string
  description?: string
  /** the feed's `updatedAt` (unix seconds), 0 when it has no answer */
  updatedAt: number
  /** seconds from `updatedAt` to the snapshot's block */
  ageSeconds: number
  heartbeatSeconds: number
  /** age > heartbeat, or no answer: the guard's rule 7 */
  stale: boolean
}

export interface AssetView {
  /** the pause target (the token, for a SecureMintToken) */
  target: string
  targetUrl: string
  name?: string
  symbol?: string
  reserveFeed: Freshness
  /** a supply feed's freshness; absent for a token's live totalSupply */
  supplyFeed?: Freshness
  supplyKind: 'TokenTotalSupply' | 'SupplyFeed'
  supplySource: string
  stalePolicy: 'FailClosed' | 'Skip'
  /** the margin, as the guard reads it: Chainlink ACE's `ReserveMarginMode` */
  margin: MarginView
  /** the guard's verdict now: from `assetStatus` */
  verdict: VerdictWord
  /** the check's reason (`ReserveCheck.Reason`), `None` when backed */
  reason: string
  reserves: Amount
  supply: Amount
  ratioPercent?: string
  /**
   * the least reserves that back the supply under the margin, at the larger precision; absent when none do (a
   * 100 % positive percentage, and a supply)
   */
  required?: Amount
  /** reserves over `required` (negative: short); absent when `required` is */
  headroom?: Amount
  /** `isAssetPaused`: every operation it is configured to pause is paused */
  paused: boolean
  /** how the target is paused: some of its operations (a SecureMintToken), or all of it (`pause()`) */
  pauseMode: 'Operations' | 'Pausable'
  /** the operations paused together on a shortfall, by name (`mint`, `redeem`, `burn`); empty for `Pausable` */
  operations: string[]
  /** who holds the guard's pause: the upkeep (a shortfall) and/or a guardian */
  holds: { upkeep: boolean; guardian: boolean }
  /** the plain explanation of the figures */
  explanation: string[]
  history: HistoryPoint[]
  /** why history is missing or partial (no archive state, too many rounds), if it is */
  historyNote?: string
}

/** A pause, an unpause or a hold lifted, from the guard's events. */
export interface PauseEvent extends ChainRef {
  tx: string
  txUrl: string
  event: string
  target: string
  /** who did it: an address, and what it is (an upkeep's forwarder, a guardian, an unpauser, a CRE delivery) */
  who: string
  whoAddress?: string
  /** why, in plain words (the reason and the figures it was made on) */
  why: string
}

export interface UpkeepView {
  id: string
  trigger: 'conditional' | 'log'
  state: 'active' | 'paused' | 'closed'
  balance: Amount & { symbol: string }
  minBalance: Amount & { symbol: string }
  underfunded: boolean
  forwarder: string
  forwarderAllowed: boolean
  /** the registry's last `UpkeepPerformed` of it, if any */
  lastPerform?: ChainRef & { success: boolean }
  /** for a log trigger: the contract it listens to */
  listensTo?: string
}

export interface ReportView extends ChainRef {
  /** what the report was: `delivered` or `refused` by the receiver, `written` to the feed, … */
  outcome: string
  detail: string
}

export interface ReceiverView {
  /** the contract taking CRE reports: the guard, or the DataFeedsCache behind the reserve feed */
  address: string
  role: string
  /** the KeystoneForwarder it takes reports from (the guard's `forwarder()`), when it has one */
  forwarder?: string
  /** workflows allowed, `<id>@<owner>` */
  workflows: string[]
  lastReports: ReportView[]
  note?: string
}

export interface AdapterMetricView {
  endpoint: string
  /** the largest `reserve_oldest_figure_age_seconds` of the endpoint */
  oldestFigureAgeSeconds?: number
  staleRequests?: number
  unservedRequests?: number
}

export interface AdapterView {
  name: string
  metricsUrl: string
  /** `GET /health` answered 200; undefined when no health URL is configured */
  healthy?: boolean
  version?: string
  /** the scrape answered and parsed */
  scraped: boolean
  error?: string
  endpoints: AdapterMetricView[]
}

export interface AlertView {
  name: string
  severity: 'critical' | 'warning'
  state: 'pending' | 'firing'
  summary: string
  /** the rule's group labels (which asset, upkeep, adapter endpoint): with the name, which alert this is */
  labels: Record<string, string>
  /** where the rule's metric came from: the chain (the dashboard's own metrics) or an adapter */
  source: string
  since: number
}

export interface Snapshot {
  /** the network's name and chain id */
  network: { name: string; chainId: number }
  guard: string
  guardUrl: string
  /** the block every chain figure was read at */
  block: number
  blockTime: number
  blockUrl: string
  /** when the snapshot was taken (ms, the dashboard's clock) */
  takenAt: number
  pollMs: number
  assets: AssetView[]
  pauses: PauseEvent[]
  upkeeps: UpkeepView[]
  upkeepsNote?: string
  receivers: ReceiverView[]
  adapters: AdapterView[]
  alerts: AlertView[]
  /** the Automation registry the upkeeps were read from */
  registry?: string
  /** where alerts are posted (its host only: a webhook URL often carries a token), and the last delivery */
  webhook?: {
    host: string
    last?: { at: number; status?: number; error?: string; firing: number; resolved: number }
  }
  /** the last read failed: what went wrong (the figures are then the last read's) */
  readError?: string
}
