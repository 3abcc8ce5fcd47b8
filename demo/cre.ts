/**
 * `npm run demo -- --runtime cre`: the demo's ten steps on the Chainlink Runtime Environment path. The feed is
 * Chainlink's DataFeedsCache behind its EACAggregatorProxy, written by the por-feed workflow; the guard is paused
 * by the reserve-guard workflow's report; both workflows' own code runs in the CRE rehearsal (cre/): a DON of
 * local nodes running each workflow's bundle, its reports signed by the local DON's keys and delivered through
 * Chainlink's KeystoneForwarder. Everything else (the chain, the token, the guard, the adapters, the ledger, the
 * mints and the unpause) is the demo of demo/run.ts; this file is what differs.
 */
import { keystoneForwarderAt, type DataFeedsCache } from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import { Reason, Role, enumName } from '#chain/types'
import { deployCreFeed } from '#devkit/data-feeds'
import { triggerText, writeLine } from '../cre/format'
import { deployLocalCre, rehearsalWorkflowId, type LocalCreDeployment } from '../cre/local'
import { Rehearsal, type ExecutionReport } from '../cre/rehearsal'
import { formatUnits } from '#common/decimal'
import { show } from './report'
import {
  Demo,
  btc,
  type FeedUpdate,
  type RuntimeDescription,
  type RuntimePause,
  type StepContext,
} from './run'
import { StepFailed, check } from './steps'
import { STEPS, type StepTitles } from './summary'
import { deviationPercent, type Observation, type RoundOutcome } from './updater'
import { sent } from './tx'

/** The feed's decimals and the rules of the por-feed workflow (deviation 1 %, the token's heartbeat). */
const FEED_DECIMALS = 8
const DEVIATION_BPS = 100
const HEARTBEAT_SECONDS = 90_000
/** The chain selector the workflows' configs name: the rehearsal serves every selector from the local chain. */
const CHAIN_SELECTOR_NAME = 'ethereum-testnet-sepolia'

const CRE_STEPS: StepTitles = STEPS.map(([title, label], i) => {
  const cre: Record<number, readonly [string, string]> = {
    2: [
      "Deploy the token, the reserve feed (Chainlink's DataFeedsCache), the address list and the guard; " +
        "Chainlink's KeystoneForwarder with a local DON",
      'contracts and CRE',
    ],
    4: ['The por-feed workflow, on a local DON, publishes the reserves', 'first feed report'],
    5: ['The reserve-guard workflow checks the guard (its cron and log triggers)', 'guard workflow'],
    9: ["The feed drops, the reserve-guard workflow's report pauses the token", 'feed drop, pause'],
  }
  return cre[i + 1] ?? [title, label]
})

const CRE: RuntimeDescription = {
  name: 'cre',
  parts: {
    real: [
      "Chainlink's KeystoneForwarder (@chainlink/contracts 1.5.0): every report's DON signatures checked, delivered to onReport",
      "Chainlink's DataFeedsCache (the feed) and EACAggregatorProxy (the feed's address for consumers)",
      'SecureMintToken, ReserveGuard, PoRAddressList (this repository)',
      "the por-address-list and btc-balance adapters' HTTP servers (this repository)",
      "the por-feed and reserve-guard workflows' own code: the JavaScript bundle cre-compile makes WASM of",
    ],
    standIns: {
      "CRE's DONs (workflow and capability DONs)":
        "the rehearsal (cre/): 4 local nodes, each running the workflow's bundle behind CRE's host functions; " +
        'consensus by the DON rules; reports signed by the local DON keys, sent by a local transmitter',
      'Esplora (Blockstream, mempool.space)':
        "devkit's Esplora simulator serving a regtest ledger on loopback",
      'the chain': 'a local hardhat node, one block per transaction',
    },
  },
  publication: {
    deviationPercent: formatUnits(BigInt(DEVIATION_BPS), 2),
    heartbeatSeconds: String(HEARTBEAT_SECONDS),
  },
  steps: CRE_STEPS,
}

export class CreDemo extends Demo {
  private local!: LocalCreDeployment
  private cache!: DataFeedsCache
  private dataId!: string
  private rehearsal!: Rehearsal
  private readonly executions: ExecutionReport[] = []
  /** executions already looked at by {@link expectIdle} */
  private seen = 0

  constructor(print: (line: string) => void) {
    super(print, CRE)
  }

  protected override async feedAnswer(): Promise<bigint> {
    // DataFeedsCache answers 0 (round 0, updated at 0) before its first report, without reverting.
    return (await this.proxy.latestRoundData())[1]
  }

  protected override async deployFeed(s: StepContext): Promise<Record<string, string>> {
    const { chainlink, issuer } = this.accounts
    this.local = await deployLocalCre(chainlink, issuer.address)
    const { forwarder, don } = this.local
    s.say(
      `KeystoneForwarder ${forwarder} (Chainlink's), a local DON: f = ${don.f}, ${don.signerKeys.length} signers; ` +
        `the workflows' owner: the issuer ${issuer.address}`,
    )
    const feed = await deployCreFeed(issuer, {
      decimals: FEED_DECIMALS,
      description: 'sBTC reserves (BTC)',
      writers: [{ forwarder, workflowOwner: issuer.address, workflowName: 'por-feed' }],
    })
    this.cache = feed.cache
    this.dataId = feed.dataId
    this.proxy = feed.proxy
    s.say(
      `DataFeedsCache ${feed.cacheAddress}: feed ${feed.dataId} (8 decimals, no report yet), written only by the ` +
        `por-feed workflow (the forwarder, the issuer, its name)`,
    )
    s.say(`EACAggregatorProxy (the reserve feed) ${feed.proxyAddress}, mapped to the feed`)
    check((await this.proxy.aggregator()) === feed.cacheAddress, 'the proxy does not point at the cache')
    return { forwarder, dataFeedsCache: feed.cacheAddress }
  }

  protected override async letRuntimePause(s: StepContext): Promise<void> {
    const { issuer } = this.accounts
    const { forwarder } = this.local
    const id = rehearsalWorkflowId(issuer.address, 'reserve-guard')
    const guard = this.guard.connect(issuer)
    this.counted(
      s,
      '  RECEIVER_ADMIN_ROLE to the issuer',
      sent(await mined(guard.grantRole(Role.RECEIVER_ADMIN, issuer.address))),
    )
    this.counted(s, '  setForwarder(KeystoneForwarder)', sent(await mined(guard.setForwarder(forwarder))))
    this.counted(
      s,
      '  allowWorkflow(reserve-guard, the issuer)',
      sent(await mined(guard.allowWorkflow(id, issuer.address))),
    )
    check((await this.guard.forwarder()) === forwarder, 'the guard takes reports from another forwarder')
    check(await this.guard.isWorkflowAllowed(id, issuer.address), 'the guard does not allow the workflow')
    s.fact('workflowAllowed', true)
  }

  protected override async startFeedWriter(seen: Observation): Promise<void> {
    const por = {
      schedule: '0 */10 * * * *',
      adapterUrl: this.reader.options.balance.url,
      // The node job's btc-balance request, byte for byte: the workflow's nodes read the answer a round made fresh.
      adapterRequest: { data: this.reader.balanceRequest(seen) },
      decimals: FEED_DECIMALS,
      chainSelectorName: CHAIN_SELECTOR_NAME,
      dataFeedsCacheAddress: await this.cache.getAddress(),
      dataId: this.dataId,
      deviationBps: DEVIATION_BPS,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      deliveryMarginSeconds: 120,
      gasLimit: '500000',
    }
    const guard = {
      chainSelectorName: CHAIN_SELECTOR_NAME,
      guardAddress: await this.guard.getAddress(),
      gasLimit: '1500000',
      schedule: '0 */5 * * * *',
      watchedAggregators: [await this.cache.getAddress()],
    }
    this.rehearsal = await Rehearsal.create({
      provider: this.provider,
      deployment: this.local,
      workflows: [
        { name: 'por-feed', config: por },
        { name: 'reserve-guard', config: guard },
      ],
    })
    this.rehearsal.on('execution', (report: ExecutionReport) => this.executions.push(report))
    this.summary.workflows = Object.fromEntries(
      this.rehearsal
        .triggers()
        .map(({ workflow, identity, triggers }) => [
          workflow,
          { workflowId: identity.id, triggers: triggers.map(triggerText) },
        ]),
    )
  }

  protected override publicationRule(): string {
    const triggers = this.rehearsal
      .triggers()
      .map(({ workflow, triggers }) => `${workflow}: ${triggers.map(triggerText).join('; ')}`)
    return (
      `the rehearsal: each workflow's own bundle on ${this.rehearsal.nodes} local nodes (${triggers.join(' | ')}); ` +
      `por-feed writes on a deviation of ${show(BigInt(DEVIATION_BPS), 2, '%')} or more, or before the answer outlives ` +
      `the readers' ${HEARTBEAT_SECONDS} s heartbeat`
    )
  }

  /**
   * Narrates an execution: what fired it, the workflow's own log, what its reports did; counts their gas, but
   * for a feed write, which the demo counts as every feed update.
   */
  private narrate(s: StepContext, report: ExecutionReport): void {
    const fired =
      report.trigger.kind === 'cron'
        ? 'cron'
        : `log trigger, AnswerUpdated of tx ${report.trigger.txHash.slice(0, 12)}… (block ${report.trigger.block})`
    s.say(`${report.workflow} (${fired}, ${report.nodes} nodes):`)
    for (const line of report.logs) s.say(`  ${line}`)
    for (const write of report.writes) {
      if (report.workflow !== 'por-feed') s.gas(write.gasUsed ?? 0n)
      s.say(`  ${writeLine(write)}`)
    }
    if (report.error) throw new StepFailed(`the ${report.workflow} execution failed: ${report.error}`)
    if (report.divergentNodes.length > 0)
      throw new StepFailed(`nodes ${report.divergentNodes.join(', ')} diverged`)
  }

  protected override async publish(s: StepContext): Promise<RoundOutcome> {
    const began = Date.now()
    // The adapters' figure, made fresh (read after this round began) before the workflow's nodes ask for it.
    const observation = await this.reader.observe(began)
    const [, answer, , updatedAt] = await this.proxy.latestRoundData()
    s.say(
      `adapters: ${observation.addresses.length} addresses → ${btc(observation.reserves)} at height ` +
        `${observation.height}; the feed says ${btc(answer)}`,
    )
    const report = await this.rehearsal.fireCron('por-feed')
    this.narrate(s, report)
    const now = BigInt((await this.provider.getBlock('latest'))!.timestamp)
    const outcome: RoundOutcome = {
      observation,
      previous: { answer, updatedAt },
      ageSeconds: now - updatedAt,
      deviationPercent: answer > 0n ? deviationPercent(answer, observation.reserves) : undefined,
      updated: report.writes.length > 0,
      why: report.logs.find((line) => /^(write due|no write) /.test(line)) ?? report.output ?? '',
    }
    const write = report.writes[0]
    if (write) {
      check(write.delivered, `DataFeedsCache refused the report: ${write.error}`)
      const receipt = (await this.provider.getTransactionReceipt(write.txHash!))!
      const [event] = eventsNamed(receipt, this.cache, 'AnswerUpdated')
      check(event !== undefined, 'the report made no new round')
      outcome.update = { ...sent(receipt), roundId: event.roundId, answer: event.current }
    }
    return outcome
  }

  protected override async startRunner(s: StepContext): Promise<void> {
    const cron = await this.rehearsal.fireCron('reserve-guard')
    this.narrate(s, cron)
    check(cron.output === 'backed', `the reserve-guard workflow found ${cron.output}`)
    // The first report's AnswerUpdated wakes its log trigger too.
    const logs = await this.rehearsal.pollLogs()
    for (const report of logs) this.narrate(s, report)
    check(
      logs.length === 1 && logs[0].output === 'backed',
      'the log trigger did not see the first report as backed',
    )
    this.seen = this.executions.length
    s.fact('firstCheck', { cron: cron.output, log: logs[0].output })
  }

  protected override async expectIdle(_from: number, _through: number, what: string): Promise<void> {
    await this.rehearsal.pollLogs()
    const since = this.executions.slice(this.seen)
    this.seen = this.executions.length
    const reports = since.filter((e) => e.workflow === 'reserve-guard' && e.writes.length > 0)
    check(reports.length === 0, `the reserve-guard workflow reported ${what}`)
  }

  protected override async watchBackedToken(s: StepContext): Promise<void> {
    const report = await this.rehearsal.fireCron('reserve-guard')
    this.narrate(s, report)
    check(report.output === 'backed', `the reserve-guard workflow found ${report.output}`)
    await this.expectIdle(0, 0, 'after the move')
    s.fact('guardReports', 0)
  }

  /** The reserve-guard execution the update's AnswerUpdated triggered. */
  private async onLogOf(s: StepContext, update: FeedUpdate): Promise<ExecutionReport> {
    const executions = await this.rehearsal.pollLogs()
    for (const report of executions) this.narrate(s, report)
    this.seen = this.executions.length
    const woken = executions.find(
      (e) => e.workflow === 'reserve-guard' && e.trigger.kind === 'log' && e.trigger.txHash === update.hash,
    )
    check(woken !== undefined, "the reserve-guard workflow's log trigger did not fire on the update")
    return woken
  }

  protected override async pauseOnUpdate(s: StepContext, update: FeedUpdate): Promise<RuntimePause> {
    const token = await this.token.getAddress()
    const report = await this.onLogOf(s, update)
    const [write] = report.writes
    check(write?.delivered === true, 'the reserve-guard report was not delivered')
    const receipt = (await this.provider.getTransactionReceipt(write.txHash!))!
    const tx = (await this.provider.getTransaction(write.txHash!))!
    const paused = eventsNamed(receipt, this.guard, 'AssetPaused').find((e) => e.target === token)
    check(paused !== undefined, 'the report paused nothing')
    // Through the forwarder, as CRE does: the local DON's transmitter sent the signed report to KeystoneForwarder,
    // which checked the signatures and called the guard's onReport.
    check(tx.to === this.local.forwarder, 'the report was not sent to KeystoneForwarder')
    const [processed] = eventsNamed(receipt, keystoneForwarderAt(this.local.forwarder), 'ReportProcessed')
    check(
      processed?.result === true && processed.receiver === (await this.guard.getAddress()),
      'the forwarder did not deliver to the guard',
    )
    return {
      block: receipt.blockNumber,
      receipt,
      reason: enumName(Reason, paused.reason),
      reserves: paused.reserves,
      supply: paused.supply,
      summary: {
        by: "the reserve-guard workflow's report, on its log trigger, through KeystoneForwarder",
        workflow: 'reserve-guard',
        reportGasUsed: receipt.gasUsed.toString(),
      },
    }
  }

  protected override async watchRestoredFeed(s: StepContext, update: FeedUpdate): Promise<void> {
    const report = await this.onLogOf(s, update)
    check(
      report.output === 'backed',
      `the reserve-guard workflow found ${report.output} on restored reserves`,
    )
    s.say('(the token is backed and paused: unpausing is for a human)')
  }

  protected override async stopRuntime(): Promise<void> {
    await this.rehearsal?.stop()
  }
}
