/**
 * The Automation 2.3 upkeeps that watch the guard, read as `npm run upkeeps -- status` reads them (the upkeeps
 * tooling's `readUpkeep`, `upkeepState`, `isUnderfunded`, `hasForwarderRole`), at the snapshot's block, and the
 * last time the registry performed each (its `UpkeepPerformed` events: a log-trigger upkeep has no
 * `lastPerformedBlockNumber`).
 */
import type { Contract, JsonRpcProvider, Log } from 'ethers'
import { registryInterface } from '#chain/automation'
import {
  guardContract,
  hasForwarderRole,
  isUnderfunded,
  openRegistry,
  readUpkeep,
  upkeepState,
  upkeepsOfGuard,
} from '../../upkeeps/index'
import { amountJson } from '../../upkeeps/format'
import { DISCOVERY_INTERVAL_MS } from '../defaults'
import type { Links } from '../links'
import type { UpkeepView } from '../snapshot'
import { BlockTimes, LogScanner, topicOf } from './logs'

const UPKEEP_PERFORMED = registryInterface().getEvent('UpkeepPerformed')!.topicHash

export interface UpkeepSources {
  guard: string
  /** the Automation 2.3 registry; without one, no upkeep is shown */
  registry?: string
  /** where registrations for the guard are looked for, when `ids` is not given */
  registrar?: string
  ids?: bigint[]
  fromBlock: number
  logRange: number
}

export class UpkeepWatch {
  private registry?: Contract
  private ids: bigint[] = []
  private discoveredAt = -Infinity
  private readonly lastPerforms = new Map<bigint, { scanner: LogScanner; last?: Log }>()

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly sources: UpkeepSources,
  ) {}

  /** The upkeeps at `block`; `note` says why some or all are missing. */
  async update(
    block: number,
    times: BlockTimes,
    links: Links,
  ): Promise<{ upkeeps: UpkeepView[]; note?: string }> {
    const { sources, provider } = this
    if (!sources.registry) {
      return {
        upkeeps: [],
        note: 'No Automation registry: pass --network (a network with a registry) or --registry to see the upkeeps.',
      }
    }
    this.registry ??= await openRegistry(provider, sources.registry)
    if (sources.ids) this.ids = sources.ids
    else if (!sources.registrar) {
      return { upkeeps: [], note: 'No registrar to find the upkeeps on: pass --upkeep <id> or --registrar.' }
    } else if (Date.now() - this.discoveredAt >= DISCOVERY_INTERVAL_MS) {
      this.ids = await upkeepsOfGuard(provider, sources.registrar, sources.guard, sources.fromBlock)
      this.discoveredAt = Date.now()
    }
    const guard = guardContract(sources.guard, provider)
    const upkeeps: UpkeepView[] = []
    const elsewhere: string[] = []
    for (const id of this.ids) {
      const info = await readUpkeep(this.registry, id, block)
      if (info.target.toLowerCase() !== sources.guard.toLowerCase()) {
        elsewhere.push(`upkeep ${id} targets ${info.target}`)
        continue
      }
      const last = await this.lastPerform(id, block)
      upkeeps.push({
        id: id.toString(),
        trigger: info.trigger,
        state: upkeepState(info),
        balance: amountJson(info.balance),
        minBalance: amountJson(info.minBalance),
        underfunded: isUnderfunded(info),
        forwarder: info.forwarder,
        forwarderAllowed: await hasForwarderRole(guard, info.forwarder, block),
        lastPerform: last && {
          block: last.blockNumber,
          time: await times.of(last.blockNumber),
          blockUrl: links.block(last.blockNumber),
          tx: last.transactionHash,
          txUrl: links.tx(last.transactionHash),
          success: BigInt(last.topics[2]) === 1n,
        },
        listensTo: info.logTrigger?.contractAddress,
      })
    }
    const note =
      elsewhere.length > 0
        ? `Not shown (they watch another contract): ${elsewhere.join('; ')}.`
        : this.ids.length === 0
          ? 'No upkeep watches this guard on the registry.'
          : undefined
    return { upkeeps, note }
  }

  /** The registry's last UpkeepPerformed of upkeep `id` through `block`. */
  private async lastPerform(id: bigint, block: number): Promise<Log | undefined> {
    let entry = this.lastPerforms.get(id)
    if (!entry) {
      const scanner = new LogScanner(
        this.provider,
        { address: this.sources.registry!, topics: [UPKEEP_PERFORMED, topicOf(id)] },
        this.sources.fromBlock,
        this.sources.logRange,
      )
      entry = { scanner }
      this.lastPerforms.set(id, entry)
    }
    const logs = await entry.scanner.scan(block)
    entry.last = logs.at(-1) ?? entry.last
    return entry.last
  }
}
