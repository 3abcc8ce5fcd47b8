/**
 * The guard's pauses and unpauses, from its events: who made each (the upkeep, through which registry and
 * upkeep; a CRE report; a guardian; an unpauser) and why (the rule that found the shortfall, and the figures it
 * was made on).
 */
import { Interface, type JsonRpcProvider, type Log } from 'ethers'
import type { ReserveGuard } from '#chain/contracts'
import { registryInterface } from '#chain/automation'
import { Hold, Reason, enumName } from '#chain/types'
import { formatUnits } from '#common/decimal'
import type { Links } from '../links'
import { shortNumber } from '../page/html'
import type { PauseEvent } from '../snapshot'
import { BlockTimes, LogScanner } from './logs'

/** The guard's events that pause, unpause or fail to. */
const EVENTS = [
  'AssetPaused',
  'AssetPausedByGuardian',
  'AssetUnpaused',
  'PauseHoldLifted',
  'AssetPauseFailed',
] as const

/** The most events kept (the latest). */
const KEPT = 200

export interface PauseContext {
  /** the Automation registry the upkeeps perform through, if known */
  registry?: string
  /** the KeystoneForwarder the guard takes CRE reports from, if any */
  creForwarder?: string
  /** the decimals of an asset's reserves and supply, to show the figures an event carries */
  decimalsOf(target: string): { reserve: number; supply: number } | undefined
}

export class PauseLog {
  readonly events: PauseEvent[] = []
  private readonly scanner: LogScanner
  private readonly iface: Interface

  constructor(
    private readonly provider: JsonRpcProvider,
    guard: ReserveGuard,
    fromBlock: number,
    logRange: number,
  ) {
    this.iface = guard.interface as unknown as Interface
    const topics = EVENTS.map((name) => this.iface.getEvent(name)!.topicHash)
    this.scanner = new LogScanner(
      provider,
      { address: String(guard.target), topics: [topics] },
      fromBlock,
      logRange,
    )
  }

  async update(block: number, times: BlockTimes, links: Links, context: PauseContext): Promise<void> {
    for (const log of await this.scanner.scan(block)) {
      const parsed = this.iface.parseLog(log)
      if (!parsed) continue
      const target = String(parsed.args.target)
      const { who, whoAddress, why } = await this.describe(parsed.name, parsed.args, log, context)
      this.events.push({
        block: log.blockNumber,
        time: await times.of(log.blockNumber),
        blockUrl: links.block(log.blockNumber),
        tx: log.transactionHash,
        txUrl: links.tx(log.transactionHash),
        event: parsed.name,
        target,
        who,
        whoAddress,
        why,
      })
    }
    this.events.splice(0, Math.max(0, this.events.length - KEPT))
  }

  private async describe(
    name: string,
    args: Record<string, unknown>,
    log: Log,
    context: PauseContext,
  ): Promise<{ who: string; whoAddress?: string; why: string }> {
    const decimals = context.decimalsOf(String(args.target))
    const figures = () => {
      const reserves = args.reserves as bigint
      const supply = args.supply as bigint
      return decimals
        ? `reserves ${formatUnits(reserves, decimals.reserve)}, supply ${formatUnits(supply, decimals.supply)}`
        : `reserves ${reserves} units, supply ${supply} units`
    }
    switch (name) {
      case 'AssetPaused':
        return {
          ...(await this.performer(log, context)),
          why: `${enumName(Reason, args.reason as bigint)}: ${figures()}`,
        }
      case 'AssetPauseFailed':
        return {
          ...(await this.performer(log, context)),
          why: `found ${enumName(Reason, args.reason as bigint)} but the pause failed (the upkeep backs off and tries again)`,
        }
      case 'AssetPausedByGuardian':
        return {
          who: 'a guardian',
          whoAddress: String(args.guardian),
          why: 'paused by hand, whatever the reserves',
        }
      case 'AssetUnpaused':
        return {
          who: 'an unpauser',
          whoAddress: String(args.unpauser),
          why: `backed again when unpaused: ${figures()}`,
        }
      default: {
        const hold = enumName(Hold, args.hold as bigint)
        return {
          who: hold === 'Upkeep' ? 'an unpauser' : 'a guardian',
          whoAddress: String(args.account),
          why: `lifted the ${hold === 'Upkeep' ? "upkeep's" : "guardian's"} hold; the other hold keeps it paused`,
        }
      }
    }
  }

  /** Who called the guard's perform: an Automation upkeep (through the registry), a CRE report, or an account. */
  private async performer(log: Log, context: PauseContext): Promise<{ who: string; whoAddress?: string }> {
    const tx = await this.provider.getTransaction(log.transactionHash)
    const to = tx?.to?.toLowerCase()
    if (context.registry && to === context.registry.toLowerCase()) {
      const receipt = await this.provider.getTransactionReceipt(log.transactionHash)
      const performed = registryInterface().getEvent('UpkeepPerformed')!.topicHash
      // The registry emits UpkeepPerformed after each perform: the first one after the guard's event is its upkeep's.
      const upkeep = receipt?.logs.find(
        (l) => l.address.toLowerCase() === to && l.topics[0] === performed && l.index > log.index,
      )
      return {
        who: upkeep
          ? `Automation upkeep ${shortNumber(BigInt(upkeep.topics[1]).toString())} through the registry`
          : 'an Automation upkeep, through the registry',
        whoAddress: context.registry,
      }
    }
    if (context.creForwarder && to === context.creForwarder.toLowerCase()) {
      return { who: "a CRE workflow's report (KeystoneForwarder)", whoAddress: context.creForwarder }
    }
    return { who: 'performUpkeep by a FORWARDER_ROLE holder', whoAddress: tx?.from }
  }
}
