/**
 * The contracts that take Chainlink Runtime Environment (CRE) reports for this guard, and their last reports:
 *
 * - the guard itself (a `ReportReceiver`): the `KeystoneForwarder` it takes reports from (`forwarder()`), the
 *   workflows its admin allowed (`WorkflowAllowed` less `WorkflowDisallowed`), and each delivery the forwarder
 *   recorded for it (`ReportProcessed(receiver = guard)`: taken, or reverted and open to a retry);
 * - a reserve feed written by CRE: Chainlink's `DataFeedsCache` behind the feed's proxy, the workflows allowed to
 *   write the feed's data id (`DecimalFeedConfigSet`), and each report it wrote or refused (`DecimalReportUpdated`,
 *   `StaleDecimalReport`, `InvalidUpdatePermission`).
 */
import { Contract, ZeroAddress, toUtf8String, type Interface, type JsonRpcProvider, type Log } from 'ethers'
import { dataFeedsCacheAt, keystoneForwarderAt, type ReserveGuard } from '#chain/contracts'
import { formatUnits } from '#common/decimal'
import { resolveLogSource } from '../../upkeeps/index'
import type { Links } from '../links'
import type { ReceiverView, ReportView } from '../snapshot'
import { readDecimals } from './assets'
import { BlockTimes, LogScanner, topicOf } from './logs'

/** The most reports kept per receiver (the latest). */
const KEPT = 5

const TYPE_AND_VERSION = new Contract(ZeroAddress, ['function typeAndVersion() view returns (string)'])
  .interface as Interface

/** A workflow's on-chain name (bytes10: ten ASCII hex digits of its name's hash), as text when it is. */
function workflowName(hex: string): string {
  try {
    const text = toUtf8String(hex)
    return /^[0-9a-f]{10}$/.test(text) ? text : hex
  } catch {
    return hex
  }
}

/** A short hex for a line of text. */
const short = (hex: string) => `${hex.slice(0, 10)}…`

interface ReportRecord {
  log: Log
  outcome: string
  detail: string
}

/** Keeps the last reports of one receiver, read by a scanner. */
class ReportTrail {
  readonly records: ReportRecord[] = []
  constructor(readonly scanner: LogScanner) {}

  async update(block: number, describe: (log: Log) => { outcome: string; detail: string } | undefined) {
    for (const log of await this.scanner.scan(block)) {
      const described = describe(log)
      if (described) this.records.push({ log, ...described })
    }
    this.records.splice(0, Math.max(0, this.records.length - KEPT))
  }

  async views(times: BlockTimes, links: Links): Promise<ReportView[]> {
    return Promise.all(
      [...this.records].reverse().map(async ({ log, outcome, detail }) => ({
        block: log.blockNumber,
        time: await times.of(log.blockNumber),
        blockUrl: links.block(log.blockNumber),
        tx: log.transactionHash,
        txUrl: links.tx(log.transactionHash),
        outcome,
        detail,
      })),
    )
  }
}

export interface ReceiverSources {
  fromBlock: number
  logRange: number
}

export class ReceiverWatch {
  private guardForwarder?: { address: string; trail: ReportTrail }
  private readonly workflows = new Set<string>()
  private readonly workflowScanner: LogScanner
  private readonly caches = new Map<
    string,
    { view: Omit<ReceiverView, 'lastReports'>; trail: ReportTrail; decimals: number }
  >()

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly guard: ReserveGuard,
    private readonly sources: ReceiverSources,
  ) {
    const iface = guard.interface
    this.workflowScanner = new LogScanner(
      provider,
      {
        address: String(guard.target),
        topics: [
          [iface.getEvent('WorkflowAllowed').topicHash, iface.getEvent('WorkflowDisallowed').topicHash],
        ],
      },
      sources.fromBlock,
      sources.logRange,
    )
  }

  /** The receivers at `block`: the guard, and the DataFeedsCache behind any of `reserveFeeds`. */
  async update(
    block: number,
    reserveFeeds: string[],
    times: BlockTimes,
    links: Links,
  ): Promise<ReceiverView[]> {
    return [
      await this.guardReceiver(block, times, links),
      ...(await this.feedCaches(block, reserveFeeds, times, links)),
    ]
  }

  private async guardReceiver(block: number, times: BlockTimes, links: Links): Promise<ReceiverView> {
    const { guard, provider, sources } = this
    for (const log of await this.workflowScanner.scan(block)) {
      const parsed = guard.interface.parseLog(log)!
      const key = `${parsed.args.workflowId}@${parsed.args.workflowOwner}`
      if (parsed.name === 'WorkflowAllowed') this.workflows.add(key)
      else this.workflows.delete(key)
    }
    const address = String(guard.target)
    const forwarder = await guard.forwarder({ blockTag: block })
    const view: ReceiverView = {
      address,
      role: 'the guard (ReportReceiver): a report is performed as performUpkeep',
      forwarder: forwarder === ZeroAddress ? undefined : forwarder,
      workflows: [...this.workflows],
      lastReports: [],
    }
    if (forwarder === ZeroAddress) {
      view.note =
        'No KeystoneForwarder is set: the guard takes no CRE report (the Automation upkeeps still watch it).'
      return view
    }
    if (this.guardForwarder?.address !== forwarder) {
      const processed = keystoneForwarderAt(forwarder).interface.getEvent('ReportProcessed')
      this.guardForwarder = {
        address: forwarder,
        trail: new ReportTrail(
          new LogScanner(
            provider,
            { address: forwarder, topics: [processed.topicHash, topicOf(address)] },
            sources.fromBlock,
            sources.logRange,
          ),
        ),
      }
    }
    const iface = keystoneForwarderAt(forwarder).interface
    await this.guardForwarder.trail.update(block, (log) => {
      const { args } = iface.parseLog(log)!
      return {
        outcome: args.result ? 'taken' : 'reverted (may be sent again with more gas)',
        detail: `workflow execution ${short(String(args.workflowExecutionId))}, report ${args.reportId}`,
      }
    })
    view.lastReports = await this.guardForwarder.trail.views(times, links)
    if (view.workflows.length === 0) view.note = 'No workflow is allowed: every report is refused.'
    return view
  }

  /** A DataFeedsCache behind each reserve feed that has one (a CRE data feed), with its last reports. */
  private async feedCaches(
    block: number,
    feeds: string[],
    times: BlockTimes,
    links: Links,
  ): Promise<ReceiverView[]> {
    const views: ReceiverView[] = []
    for (const feed of new Set(feeds)) {
      let entry = this.caches.get(feed)
      if (!entry) {
        entry = await this.openCache(feed, block)
        if (!entry) continue
        this.caches.set(feed, entry)
      }
      const { decimals } = entry
      const iface = dataFeedsCacheAt(entry.view.address).interface
      await entry.trail.update(block, (log) => {
        const parsed = iface.parseLog(log)
        if (!parsed) return undefined
        if (parsed.name === 'DecimalReportUpdated') {
          return {
            outcome: 'written',
            detail: `answer ${formatUnits(parsed.args.answer as bigint, decimals)}, round ${parsed.args.roundId}, reported at ${parsed.args.timestamp}`,
          }
        }
        if (parsed.name === 'StaleDecimalReport') {
          return {
            outcome: 'refused: older than the feed',
            detail: `reported at ${parsed.args.reportTimestamp}, the feed's is ${parsed.args.latestTimestamp}`,
          }
        }
        return {
          outcome: 'refused: not allowed to write',
          detail: `sender ${parsed.args.sender}, workflow owner ${parsed.args.workflowOwner}`,
        }
      })
      views.push({ ...entry.view, lastReports: await entry.trail.views(times, links) })
    }
    return views
  }

  /** The DataFeedsCache a feed reads, if its aggregator is one; undefined otherwise. */
  private async openCache(feed: string, block: number) {
    const { provider, sources } = this
    const { emitter, viaProxy } = await resolveLogSource(provider, feed)
    if (!viaProxy) return undefined
    try {
      const raw = await provider.call({
        to: emitter,
        data: TYPE_AND_VERSION.encodeFunctionData('typeAndVersion'),
      })
      const version = String(TYPE_AND_VERSION.decodeFunctionResult('typeAndVersion', raw)[0])
      if (!version.startsWith('DataFeedsCache')) return undefined
    } catch {
      return undefined // no typeAndVersion: not Chainlink's cache
    }
    const cache = dataFeedsCacheAt(emitter, provider)
    const dataId = await cache.getDataIdForProxy(feed, { blockTag: block })
    const dataTopic = dataId.padEnd(66, '0') // bytes16, left-aligned in its topic
    const iface = cache.interface
    const configs = await new LogScanner(
      provider,
      { address: emitter, topics: [iface.getEvent('DecimalFeedConfigSet').topicHash, dataTopic] },
      sources.fromBlock,
      sources.logRange,
    ).scan(block)
    const last = configs.at(-1)
    const workflows = last
      ? (
          iface.parseLog(last)!.args.workflowMetadata as {
            allowedSender: string
            allowedWorkflowOwner: string
            allowedWorkflowName: string
          }[]
        ).map(
          (w) => `${workflowName(w.allowedWorkflowName)}@${w.allowedWorkflowOwner} via ${w.allowedSender}`,
        )
      : []
    const topics = ['DecimalReportUpdated', 'StaleDecimalReport', 'InvalidUpdatePermission'].map(
      (name) => iface.getEvent(name as 'DecimalReportUpdated').topicHash,
    )
    return {
      view: {
        address: emitter,
        role: `Chainlink's DataFeedsCache behind the reserve feed ${feed} (data id ${dataId})`,
        workflows,
        note: workflows.length === 0 ? 'No workflow may write this data id.' : undefined,
      },
      trail: new ReportTrail(
        new LogScanner(
          provider,
          { address: emitter, topics: [topics, dataTopic] },
          sources.fromBlock,
          sources.logRange,
        ),
      ),
      // The cache answers decimals() for the proxy calling it: ask the proxy.
      decimals: (await readDecimals(provider, feed, block)) ?? 0,
    }
  }
}
