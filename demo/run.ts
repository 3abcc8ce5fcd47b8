/**
 * `npm run demo`: the whole Proof-of-Reserve loop on one machine, on embedded defaults, with no network.
 *
 * A local chain; a bitcoin-backed token (SecureMintToken, 8 decimals) reading its reserve feed (Chainlink's
 * FluxAggregator behind Chainlink's EACAggregatorProxy); the custodian's addresses published on-chain
 * (PoRAddressList); a ReserveGuard with a conditional and a log-trigger upkeep registered on Chainlink's
 * Automation 2.3 registry through its registrar; the por-address-list and btc-balance adapters (their real
 * HTTP servers) reading a regtest ledger served over Esplora's API; a feed updater standing in for the oracle
 * network, and the local runner standing in for the Automation DON. Then: mint, move coins between the
 * custodian's own addresses (nothing happens), lose coins (the feed drops, the log-triggered upkeep pauses
 * the token), a mint refused, reserves restored and the token unpaused through the guard.
 *
 * Every step checks its outcome on-chain and fails the demo if it did not happen as described.
 */
import {
  MaxInt256,
  Wallet,
  ZeroAddress,
  parseEther,
  toQuantity,
  type JsonRpcProvider,
  type TransactionReceipt,
} from 'ethers'
import {
  deployEACAggregatorProxy,
  deployFluxAggregator,
  deployPoRAddressList,
  deploySecureMintToken,
  type EACAggregatorProxy,
  type FluxAggregator,
  type PoRAddressList,
  type SecureMintToken,
} from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import { formatUnits } from '#common/decimal'
import { MarginMode, NO_MARGIN, Operation, Role, enumName } from '#chain/types'
import { startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { chainProvider, startHardhatNode, type RunningChain } from '#devkit/local-chain'
import { makeAdapter as makeAddressListAdapter } from '#adapters/por-address-list/src/index'
import { makeAdapter as makeBtcBalanceAdapter } from '#adapters/btc-balance/src/index'
import {
  LocalDon,
  deployAutomation,
  registerUpkeep,
  type Automation,
  type RegisteredUpkeep,
} from './automation'
import {
  ADMIN_DELAY_SECONDS,
  deployGuard,
  forwarderAllowed,
  forwarderRoleHolders,
  grantUnpauser,
  guardVerdict,
  guardedFeed,
  isPaused,
  pauseIn,
  PAUSED_OPERATIONS,
  protectToken,
  unpauseRefusal,
  unpauseThroughGuard,
  type GuardRules,
  type ReserveGuard,
} from './guard'
import { BTC_DECIMALS, CUSTODIAN, CustodianLedger, FEE_SATS, OUTSIDE_ADDRESS, SATS_PER_BTC } from './ledger'
import { amount, blocksLater, ratioPercent, show, showGas } from './report'
import {
  STEPS,
  summaryLines,
  type DemoSummary,
  type Figures,
  type RuntimeName,
  type StepSummary,
  type StepTitles,
} from './summary'

import { check, playSteps, type StepHooks, type StepNarration } from './steps'
import { revertOf, sent, type Sent } from './tx'
import {
  AdapterReader,
  ReserveFeedUpdater,
  type Observation,
  type PublicationRules,
  type RoundOutcome,
} from './updater'

// ---------------------------------------------------------------- the embedded defaults

/** The feed: 8 decimals like the token, written on a 1 % deviation or a 24-hour heartbeat. */
const FEED_DECIMALS = 8
/** How long a FluxAggregator round stays open without answers (one oracle answers at once). */
const FLUX_ROUND_TIMEOUT_SECONDS = 3_600
const PUBLICATION: PublicationRules = { deviationBps: 100n, heartbeatSeconds: 86_400n }
/**
 * The token's and the guard's staleness limit: an hour over the feed's heartbeat, as Chainlink advises for
 * consumers, so a feed on its heartbeat is never stale. No margin: reserves must cover the supply.
 */
const GUARD_RULES: GuardRules = { heartbeat: 90_000, ...NO_MARGIN }
/** Balances count at 6 confirmations, as WBTC-style PoR jobs read them. */
const MIN_CONFIRMATIONS = 6
/** The Bitcoin network the custodian's addresses are on (made-up coins: regtest). */
const BITCOIN = { network: 'bitcoin', chainId: 'regtest' } as const
/** The chain name the por-address-list adapter is told the list is on (its RPC settings: DEMO_CHAIN_RPC_*). */
const LIST_NETWORK = 'demo-chain'
const TOKEN_UNIT = 10n ** 8n // SecureMintToken has 8 decimals, like WBTC
const MINTED = 90n * TOKEN_UNIT
/** LINK each upkeep is registered with. */
const UPKEEP_FUNDING = '20'

const [HOT, VAULT, TAPROOT] = CUSTODIAN

/** The width of the labels in step 2's list of deployments. */
const LABEL_WIDTH = 48

export const btc = (sats: bigint) => show(sats, BTC_DECIMALS, 'BTC')
export const sbtc = (units: bigint) => show(units, 8, 'sBTC')

// ---------------------------------------------------------------- the demo

export interface Accounts {
  /** the token's issuer: admin of the token, the list and the guard; minter; pays the upkeeps */
  issuer: Wallet
  /** writes the feed (the oracle network's stand-in) */
  oracle: Wallet
  /** deploys and owns Automation (Chainlink's part) */
  chainlink: Wallet
  /** a human holding the guard's UNPAUSER_ROLE */
  unpauser: Wallet
  /** receives what is minted */
  customer: Wallet
}

export interface StepContext extends StepNarration {
  gas: (used: bigint) => void
}

/** What differs between the runtimes in the summary: what is real, the publication rule, the steps' titles. */
export interface RuntimeDescription {
  name: RuntimeName
  parts: DemoSummary['parts']
  publication: { deviationPercent: string; heartbeatSeconds: string }
  steps: StepTitles
}

/** A write of the feed: its transaction and the answer written. */
export type FeedUpdate = Sent & { answer: bigint }

/** The pause the runtime made: where, the guard's reason and figures, and what the summary says of it. */
export interface RuntimePause {
  block: number
  receipt: TransactionReceipt
  reason: string
  reserves: bigint
  supply: bigint
  summary: Omit<
    NonNullable<DemoSummary['pause']>,
    'feedUpdateBlock' | 'pauseBlock' | 'blocksAfterFeedUpdate' | 'trigger' | 'txHash' | 'reason'
  >
}

/** Chainlink Automation 2.3, the demo's default runtime. */
const AUTOMATION: RuntimeDescription = {
  name: 'automation',
  parts: {
    real: [
      "Chainlink's Automation 2.3 registry (logic A, B, C), registrar and forwarders, LINK token",
      "Chainlink's EACAggregatorProxy (the feed's address for consumers)",
      'SecureMintToken, ReserveGuard, PoRAddressList (this repository)',
      "the por-address-list and btc-balance adapters' HTTP servers (this repository)",
      'the upkeeps tooling: registration through the registrar, the runner performing through transmit',
    ],
    standIns: {
      'oracle network (OCR2 median job on many nodes)':
        'the feed updater: one process asking the adapters and applying the deviation-or-heartbeat rule',
      'Automation DON': "the local runner (upkeeps/runner.ts), holding the local registry's DON keys",
      'Esplora (Blockstream, mempool.space)':
        "devkit's Esplora simulator serving a regtest ledger on loopback",
      "the feed's OCR2 aggregator":
        "Chainlink's FluxAggregator (@chainlink/contracts 0.8.0) with the updater as its one oracle: a round " +
        'and an AnswerUpdated log on each submission (no npm package publishes an OCR2 aggregator)',
      'the chain': 'a local hardhat node, one block per transaction',
    },
  },
  publication: {
    deviationPercent: formatUnits(PUBLICATION.deviationBps, 2),
    heartbeatSeconds: PUBLICATION.heartbeatSeconds.toString(),
  },
  steps: STEPS,
}

export class Demo {
  protected provider!: JsonRpcProvider
  protected chain?: RunningChain
  protected accounts!: Accounts
  protected list!: PoRAddressList
  private aggregator!: FluxAggregator
  protected proxy!: EACAggregatorProxy
  protected token!: SecureMintToken
  protected guard!: ReserveGuard
  private automation!: Automation
  private upkeeps!: { conditional: RegisteredUpkeep; log: RegisteredUpkeep }
  protected ledger?: CustodianLedger
  protected adapters: AdapterServer[] = []
  private updater!: ReserveFeedUpdater
  /** reads the reserves from the adapters as the node job does (the feed's writer, whichever it is, uses it) */
  protected reader!: AdapterReader
  private don?: LocalDon
  protected readonly summary: DemoSummary

  constructor(
    private readonly print: (line: string) => void,
    runtime: RuntimeDescription = AUTOMATION,
  ) {
    this.summary = {
      ok: false,
      runtime: runtime.name,
      wallTimeMs: 0,
      parts: runtime.parts,
      rules: {
        feedDecimals: FEED_DECIMALS,
        ...runtime.publication,
        tokenHeartbeatSeconds: GUARD_RULES.heartbeat,
        margin: {
          mode: enumName(MarginMode, GUARD_RULES.marginMode),
          amount: GUARD_RULES.marginAmount.toString(),
        },
        minConfirmations: MIN_CONFIRMATIONS,
      },
      custodian: {
        ...BITCOIN,
        addresses: CUSTODIAN.map(({ kind, address }) => ({ kind, address })),
        outside: OUTSIDE_ADDRESS,
      },
      feedUpdates: [],
      steps: runtime.steps.map(([title, label], i) => ({
        step: i + 1,
        title,
        label,
        outcome: 'not run',
        facts: {},
      })),
    }
  }

  /** Runs every step in order, stopping at the first that fails; always cleans up. */
  async run(): Promise<DemoSummary> {
    const started = Date.now()
    const bodies: ((s: StepContext) => Promise<void>)[] = [
      this.startChain,
      this.deploy,
      this.startAdapters,
      this.firstReport,
      this.startRunner,
      this.mint,
      this.internalMove,
      this.outflow,
      this.pause,
      this.restore,
    ]
    try {
      await playSteps(
        this.print,
        this.summary.steps,
        bodies.map((body) => body.bind(this)),
        this.stepHooks(),
      )
    } finally {
      await this.cleanUp()
    }
    this.summary.ok = this.summary.steps.every((s) => s.outcome === 'ok')
    this.summary.wallTimeMs = Date.now() - started
    for (const line of summaryLines(this.summary)) this.print(line)
    return this.summary
  }

  /** Each step recorded with its failure, time, gas and the chain after it. */
  private stepHooks(): StepHooks<StepSummary, StepContext> {
    let gasUsed = 0n
    let gasCounted = false
    return {
      begin: (_record, narration) => {
        gasUsed = 0n
        gasCounted = false
        const gas = (used: bigint) => {
          gasUsed += used
          gasCounted = true
        }
        return { context: { ...narration, gas } }
      },
      failed: (record, failure) => (record.failure = failure),
      end: async (record, ms) => {
        record.ms = ms
        if (gasCounted) record.gasUsed = gasUsed.toString()
        if (this.token) {
          try {
            record.after = await this.figures()
          } catch {
            // the chain is gone: the failure above says why
          }
        }
      },
    }
  }

  /** The feed's answer through the proxy; 0 before the first report. */
  protected async feedAnswer(): Promise<bigint> {
    // Before the aggregator's first round, latestRoundData reverts ("No data present"): nothing reported yet.
    return (await this.aggregator.latestRound()) === 0n ? 0n : (await this.proxy.latestRoundData())[1]
  }

  /** The chain as the token and its consumers see it. */
  private async figures(): Promise<Figures> {
    const answer = await this.feedAnswer()
    const supply = await this.token.totalSupply()
    return {
      block: await this.provider.getBlockNumber(),
      feedReserves: amount(answer, FEED_DECIMALS, 'BTC'),
      supply: amount(supply, 8, 'sBTC'),
      ratioPercent: ratioPercent(answer, supply),
      paused: await isPaused(this.guard, await this.token.getAddress()),
    }
  }

  private async fundedWallet(): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, this.provider)
    await this.provider.send('hardhat_setBalance', [wallet.address, toQuantity(parseEther('1000'))])
    return wallet
  }

  // ---------------------------------------------------------------- 1

  private async startChain(s: StepContext): Promise<void> {
    this.chain = await startHardhatNode('localA', 31337)
    this.provider = chainProvider(this.chain.url, this.chain.chainId)
    const chainId = Number((await this.provider.getNetwork()).chainId)
    const block = await this.provider.getBlockNumber()
    check(chainId === 31337, `the chain answers chain id ${chainId}, not 31337`)
    this.summary.chain = { chainId, url: this.chain.url }
    s.say(`hardhat node at ${this.chain.url}, chain id ${chainId}, block ${block}; one block per transaction`)
    s.fact('chainId', chainId)
    this.accounts = {
      issuer: await this.fundedWallet(),
      oracle: await this.fundedWallet(),
      chainlink: await this.fundedWallet(),
      unpauser: await this.fundedWallet(),
      customer: await this.fundedWallet(),
    }
  }

  // ---------------------------------------------------------------- 2

  /** A contract the step deployed, narrated with its address, block and gas. */
  protected async deployed<T extends { deploymentTransaction(): unknown; getAddress(): Promise<string> }>(
    s: StepContext,
    what: string,
    contract: T,
  ): Promise<T> {
    const tx = contract.deploymentTransaction() as { hash: string }
    const receipt = (await this.provider.getTransactionReceipt(tx.hash))!
    s.gas(receipt.gasUsed)
    s.say(
      `${what.padEnd(LABEL_WIDTH)} ${await contract.getAddress()}  block ${receipt.blockNumber}, gas ${showGas(receipt.gasUsed)}`,
    )
    return contract
  }

  /** A transaction the step sent, narrated with its block and gas. */
  protected counted(s: StepContext, what: string, tx: Sent): void {
    s.gas(tx.gasUsed)
    s.say(`${what.padEnd(LABEL_WIDTH)} block ${tx.block}, gas ${showGas(tx.gasUsed)}`)
  }

  private async deploy(s: StepContext): Promise<void> {
    const { issuer, unpauser } = this.accounts
    const custodianAddresses = CUSTODIAN.map((c) => c.address)
    this.list = await this.deployed(
      s,
      `PoRAddressList (${custodianAddresses.length} bitcoin addresses)`,
      await deployPoRAddressList(issuer, issuer.address, custodianAddresses),
    )
    const runtimeContracts = await this.deployFeed(s)
    const feed = await this.proxy.getAddress()
    this.token = await this.deployed(
      s,
      'SecureMintToken "Secure BTC" (sBTC, 8 decimals)',
      await deploySecureMintToken(
        issuer,
        'Secure BTC',
        'sBTC',
        issuer.address,
        ADMIN_DELAY_SECONDS,
        feed,
        GUARD_RULES.heartbeat,
        GUARD_RULES.marginMode,
        GUARD_RULES.marginAmount,
      ),
    )
    const token = await this.token.getAddress()
    this.counted(
      s,
      '  MINTER_ROLE to the issuer',
      sent(await mined(this.token.grantRole(Role.MINTER, issuer.address))),
    )
    const { guard, deployment } = await deployGuard(issuer)
    this.guard = guard
    s.gas(deployment.gasUsed)
    s.say(
      `${'ReserveGuard'.padEnd(LABEL_WIDTH)} ${await guard.getAddress()}  block ${deployment.block}, gas ${showGas(deployment.gasUsed)}`,
    )
    const [pauser, added] = await protectToken(guard, this.token, feed, GUARD_RULES)
    this.counted(s, "  token's PAUSER_ROLE to the guard", pauser)
    this.counted(s, '  addAsset(token): feed, supply, fail-closed', added)
    this.counted(s, '  UNPAUSER_ROLE to a separate account', await grantUnpauser(guard, unpauser.address))

    // The wiring, read back.
    check((await this.token.reserveConfig()).reserveFeed === feed, 'the token does not read the proxy')
    check((await guardedFeed(guard, token)) === feed, 'the guard does not read the proxy')
    check(
      await this.token.hasRole(Role.PAUSER, await guard.getAddress()),
      "the guard lacks the token's PAUSER_ROLE",
    )
    const listed = await this.list.getPoRAddressList(0, custodianAddresses.length)
    check(
      JSON.stringify([...listed]) === JSON.stringify(custodianAddresses),
      `PoRAddressList holds ${listed.join(', ')}, not the custodian's addresses`,
    )
    this.summary.contracts = {
      token,
      guard: guard.target as string,
      feedProxy: feed,
      porAddressList: await this.list.getAddress(),
      ...runtimeContracts,
    }
    await this.letRuntimePause(s)
    s.fact('contracts', this.summary.contracts)
  }

  /**
   * Step 2, the runtime's part before the token: Chainlink's side (here Automation 2.3) and the reserve feed,
   * `this.proxy`; returns the contracts to list in the summary.
   */
  protected async deployFeed(s: StepContext): Promise<Record<string, string>> {
    const { issuer, oracle, chainlink } = this.accounts
    // Automation 2.3, Chainlink's contracts (the feed's aggregator takes its LINK too).
    this.automation = await deployAutomation(chainlink, issuer.address, parseEther('50'))
    const { deployment: automation } = this.automation
    s.say(
      `Automation 2.3 registry ${automation.registry}, registrar ${automation.registrar} (auto-approving)`,
    )
    s.say(`  LINK ${automation.link}; DON: f = ${automation.don.f}, ${automation.don.signers.length} signers`)
    // The feed: Chainlink's FluxAggregator with the updater as its one oracle (paid nothing per answer, answers from 0
    // to int256's largest, a round per submission), behind Chainlink's EACAggregatorProxy.
    this.aggregator = await this.deployed(
      s,
      'FluxAggregator, the aggregator (no report yet)',
      await deployFluxAggregator(
        oracle,
        this.automation.deployment.link,
        0n,
        FLUX_ROUND_TIMEOUT_SECONDS,
        ZeroAddress,
        0n,
        MaxInt256,
        FEED_DECIMALS,
        'sBTC reserves (BTC)',
      ),
    )
    this.counted(
      s,
      '  its oracle: the feed updater',
      sent(await mined(this.aggregator.changeOracles([], [oracle.address], [oracle.address], 1, 1, 0))),
    )
    this.proxy = await this.deployed(
      s,
      'EACAggregatorProxy (the reserve feed)',
      await deployEACAggregatorProxy(oracle, await this.aggregator.getAddress(), ZeroAddress),
    )
    check(
      (await this.proxy.aggregator()) === (await this.aggregator.getAddress()),
      'the proxy does not point at the aggregator',
    )
    return {
      aggregator: await this.aggregator.getAddress(),
      registry: automation.registry,
      registrar: automation.registrar,
      link: automation.link,
    }
  }

  /** Step 2, the runtime's part after the guard: what lets the runtime call it (here the upkeeps). */
  protected async letRuntimePause(s: StepContext): Promise<void> {
    const { issuer } = this.accounts
    const guard = this.guard
    const feed = await this.proxy.getAddress()
    // The issuer registers the guard's upkeeps through the registrar.
    const register = (trigger: 'conditional' | 'log') =>
      registerUpkeep(this.provider, this.automation, this.chain!.url, issuer.privateKey, {
        guard: guard.target as string,
        trigger,
        feed: trigger === 'log' ? feed : undefined,
        amount: UPKEEP_FUNDING,
        name: `sBTC reserve guard (${trigger})`,
      })
    this.upkeeps = { conditional: await register('conditional'), log: await register('log') }
    for (const upkeep of Object.values(this.upkeeps)) {
      for (const tx of upkeep.transactions) s.gas(tx.gasUsed)
      const gas = upkeep.transactions.map((tx) => showGas(tx.gasUsed)).join(' + ')
      s.say(
        `upkeep ${upkeep.id.toString().slice(0, 12)}… (${upkeep.trigger}): ${upkeep.balance} LINK (the registry's ` +
          `minimum: ${upkeep.minBalance}), forwarder ${upkeep.forwarder}, gas ${gas}`,
      )
      if (upkeep.listensTo) s.say(`  listens to AnswerUpdated from the aggregator ${upkeep.listensTo}`)
      check(
        await forwarderAllowed(guard, upkeep.forwarder),
        `forwarder ${upkeep.forwarder} lacks FORWARDER_ROLE`,
      )
    }
    check(
      this.upkeeps.log.listensTo === (await this.aggregator.getAddress()),
      `the log trigger listens to ${this.upkeeps.log.listensTo}, not the aggregator`,
    )
    this.summary.upkeeps = {
      conditional: this.upkeepJson(this.upkeeps.conditional),
      log: this.upkeepJson(this.upkeeps.log),
    }
    s.fact('upkeeps', this.summary.upkeeps)
    s.fact('forwardersAllowed', true)
  }

  private upkeepJson(upkeep: RegisteredUpkeep) {
    return { id: upkeep.id.toString(), forwarder: upkeep.forwarder, listensTo: upkeep.listensTo }
  }

  // ---------------------------------------------------------------- 3

  private async startAdapters(s: StepContext): Promise<void> {
    this.ledger = await CustodianLedger.start(MIN_CONFIRMATIONS)
    s.say(`Esplora-compatible ledger (regtest) at ${this.ledger.url}, tip ${this.ledger.tip}:`)
    for (const c of CUSTODIAN) s.say(`  ${c.kind.padEnd(6)} ${c.address.padEnd(64)} ${btc(c.funding)}`)
    // Quick background refresh: a change on the ledger reaches the adapters' caches within a second.
    const framework = { BACKGROUND_EXECUTE_MS_HTTP: '50', CACHE_MAX_AGE: '1000' }
    const list = await startAdapterServer(makeAddressListAdapter(), {
      ...framework,
      DEMO_CHAIN_RPC_URL: this.chain!.url,
      DEMO_CHAIN_RPC_CHAIN_ID: String(this.chain!.chainId),
    })
    this.adapters.push(list)
    const balance = await startAdapterServer(makeBtcBalanceAdapter(), {
      ...framework,
      BITCOIN_REGTEST_ESPLORA_URL: this.ledger.url,
    })
    this.adapters.push(balance)
    s.say(`por-address-list at ${list.url}; btc-balance at ${balance.url}`)
    this.reader = new AdapterReader({
      list,
      balance,
      listRequest: {
        contractAddress: await this.list.getAddress(),
        contractAddressNetwork: LIST_NETWORK,
        ...BITCOIN,
      },
      minConfirmations: MIN_CONFIRMATIONS,
      proxy: this.proxy,
    })
    const seen = await this.reader.observe()
    s.say(
      `por-address-list: ${seen.addresses.length} addresses read from the chain at block ${seen.listBlock}`,
    )
    s.say(
      `btc-balance: ${btc(seen.reserves)} at height ${seen.height} (tip ${seen.tipHeight}, ` +
        `${MIN_CONFIRMATIONS} confirmations)`,
    )
    const expected = this.ledger.custodianTotal()
    check(
      JSON.stringify(seen.addresses) === JSON.stringify(CUSTODIAN.map((c) => c.address)),
      `por-address-list answered ${seen.addresses.join(', ')}`,
    )
    check(seen.adapterDecimals === BTC_DECIMALS, `btc-balance answered in ${seen.adapterDecimals} decimals`)
    check(
      seen.reserves === expected,
      `btc-balance summed ${btc(seen.reserves)}; the ledger holds ${btc(expected)}`,
    )
    s.fact('addresses', seen.addresses.length)
    s.fact('observedReserves', amount(seen.reserves, BTC_DECIMALS, 'BTC'))
    await this.startFeedWriter(seen)
  }

  /** Step 3, once the adapters answer: whatever writes the feed from them (here the feed updater). */
  protected async startFeedWriter(_seen: Observation): Promise<void> {
    this.updater = new ReserveFeedUpdater({
      source: this.reader.source,
      proxy: this.proxy,
      aggregator: this.aggregator,
      rules: PUBLICATION,
    })
  }

  // ---------------------------------------------------------------- 4

  /** One round of the feed's writer, narrated (here the feed updater's). */
  protected async publish(s: StepContext): Promise<RoundOutcome> {
    const round = await this.updater.round()
    const { observation } = round
    s.say(
      `updater: ${observation.addresses.length} addresses → ${btc(observation.reserves)} at height ` +
        `${observation.height}; the feed says ${btc(round.previous.answer)}`,
    )
    if (round.update) {
      s.say(
        `  ${round.why}: submit(${round.update.answer}) → round ${round.update.roundId}, block ` +
          `${round.update.block}, gas ${showGas(round.update.gasUsed)}`,
      )
    } else {
      s.say(`  ${round.why}`)
    }
    return round
  }

  /** A round, narrated and recorded; `expectUpdate` says whether it must write. */
  private async round(s: StepContext, step: number, expectUpdate: boolean): Promise<RoundOutcome> {
    const round = await this.publish(s)
    const { observation } = round
    if (round.update) {
      s.gas(round.update.gasUsed)
      this.summary.feedUpdates.push({
        step,
        block: round.update.block,
        hash: round.update.hash,
        answer: amount(round.update.answer, FEED_DECIMALS, 'BTC'),
        gasUsed: round.update.gasUsed.toString(),
        why: round.why,
      })
      const [, answer] = await this.proxy.latestRoundData()
      check(
        answer === observation.reserves,
        `the proxy reads ${answer} after the update, not ${observation.reserves}`,
      )
    }
    check(round.updated === expectUpdate, expectUpdate ? 'the feed was not written' : 'the feed was written')
    return round
  }

  private async firstReport(s: StepContext): Promise<void> {
    s.say(this.publicationRule())
    const round = await this.round(s, 4, true)
    s.fact('feedUpdate', {
      block: round.update!.block,
      answer: amount(round.update!.answer, FEED_DECIMALS, 'BTC'),
    })
  }

  /** The feed writer's rule, in words. */
  protected publicationRule(): string {
    return (
      `rules: write on a deviation of ${formatPercent(PUBLICATION.deviationBps)} or more, or after ` +
      `${PUBLICATION.heartbeatSeconds} s; the two bridges chained as a WBTC-style node job`
    )
  }

  // ---------------------------------------------------------------- 5

  /** Step 5: the runtime starts watching the feed (here the Automation runner), and finds nothing to do. */
  protected async startRunner(s: StepContext): Promise<void> {
    // The log-trigger upkeep first: when a feed update shows a shortfall, it is the one that acts on it.
    const { don, mode, description } = await LocalDon.start(this.provider, this.automation.deployment, [
      this.upkeeps.log.id,
      this.upkeeps.conditional.id,
    ])
    this.don = don
    s.say(`runner mode: ${description}`)
    check(mode === 'transmit', `the runner performs by ${mode}, not through the registry's transmit`)
    // The runner checks each new block: mine an empty one so that it checks now.
    await this.provider.send('evm_mine', [])
    s.say('one empty block mined, so that the runner has a new block to check')
    const block = await this.provider.getBlockNumber()
    const ticks = await don.through(block)
    const conditional = ticks.flatMap((t) => t.checks).find((c) => c.upkeepId === this.upkeeps.conditional.id)
    check(conditional !== undefined, 'the runner did not check the conditional upkeep')
    s.say(
      `block ${conditional.block}: the registry's checkUpkeep says ${conditional.failureReason} ` +
        `(check gas ${showGas(conditional.gasUsed)})`,
    )
    check(!conditional.upkeepNeeded, 'the conditional upkeep wants to perform on a backed token')
    s.fact('mode', mode)
    s.fact('firstCheck', {
      block: conditional.block,
      upkeepNeeded: false,
      checkGas: conditional.gasUsed.toString(),
    })
  }

  // ---------------------------------------------------------------- 6

  private async mint(s: StepContext): Promise<void> {
    const { issuer, customer } = this.accounts
    const minted = sent(await mined(this.token.connect(issuer).mint(customer.address, MINTED)))
    s.gas(minted.gasUsed)
    const supply = await this.token.totalSupply()
    const [, reserves] = await this.proxy.latestRoundData()
    s.say(`mint(${sbtc(MINTED)}) to a customer: block ${minted.block}, gas ${showGas(minted.gasUsed)}`)
    s.say(
      `supply ${sbtc(supply)} against reserves ${btc(reserves)}: ratio ${ratioPercent(reserves, supply)} %`,
    )
    check(supply === MINTED, `the supply is ${sbtc(supply)} after minting ${sbtc(MINTED)}`)
    // One unit more than the reserves cover: the token itself refuses it.
    const beyond = reserves - supply + 1n
    const refused = await revertOf(this.token.connect(issuer).mint.staticCall(customer.address, beyond))
    s.say(`mint(${sbtc(beyond)}), one unit past the reserves, is refused by the token: ${refused.name}`)
    check(refused.name === 'MintNotBacked', `a mint past the reserves reverts with ${refused.name}`)
    await this.expectIdle(minted.block, minted.block, 'on a backed token')
    s.fact('minted', {
      amount: amount(MINTED, 8, 'sBTC'),
      block: minted.block,
      gasUsed: minted.gasUsed.toString(),
    })
    s.fact('mintPastReserves', refused)
  }

  // ---------------------------------------------------------------- 7

  private async internalMove(s: StepContext): Promise<void> {
    const ledger = this.ledger!
    const before = ledger.custodianTotal()
    const fromBlock = await this.provider.getBlockNumber()
    const moved = ledger.balance(VAULT.address) - FEE_SATS
    const tx = ledger.transfer(VAULT.address, TAPROOT.address, moved)
    s.say(
      `bitcoin tx ${tx.txid.slice(0, 16)}…: ${btc(moved)} from ${VAULT.kind} to ${TAPROOT.kind}, fee ${btc(tx.fee)}, ` +
        `confirmed at height ${tx.height}`,
    )
    const early = await this.round(s, 7, false)
    check(early.observation.reserves === before, 'at 1 confirmation the reserves moved')
    s.say(`  (1 confirmation: neither the spend nor the receipt counts yet, so the total is unchanged)`)
    ledger.mine(MIN_CONFIRMATIONS - 1)
    s.say(`${MIN_CONFIRMATIONS - 1} more blocks: the move is ${MIN_CONFIRMATIONS} deep`)
    const late = await this.round(s, 7, false)
    check(
      late.observation.reserves === before - tx.fee,
      'at 6 confirmations the reserves did not drop by the fee alone',
    )
    s.say(`  (both sides count now: the total dropped by the fee alone)`)
    await this.watchBackedToken(s, fromBlock)
    const token = await this.token.getAddress()
    const verdict = await guardVerdict(this.guard, token)
    const paused = await isPaused(this.guard, token)
    s.say(`the guard's verdict: ${verdict.verdict}; paused: ${paused ? 'yes' : 'no'}`)
    check(verdict.verdict === 'Backed', `the guard finds the token ${verdict.verdict}`)
    check(!paused, 'the token is paused')
    check((await this.token.pausedOperations()) === 0n, 'an operation of the token is paused')
    s.fact('bitcoinTx', {
      txid: tx.txid,
      amount: amount(moved, BTC_DECIMALS, 'BTC'),
      fee: amount(tx.fee, BTC_DECIMALS, 'BTC'),
    })
    s.fact(
      'rounds',
      [early, late].map((r) => ({
        observed: amount(r.observation.reserves, BTC_DECIMALS, 'BTC'),
        updated: r.updated,
        deviationPercent: r.deviationPercent,
      })),
    )
    s.fact('paused', false)
  }

  /** Step 7: the runtime looks at the token again after the move, and does nothing (here: a block for the runner). */
  protected async watchBackedToken(s: StepContext, fromBlock: number): Promise<void> {
    // One more block, so that the runner checks the guard again after the move.
    await this.provider.send('evm_mine', [])
    const block = await this.provider.getBlockNumber()
    await this.don!.through(block)
    const conditional = this.don!.since(block)
      .flatMap((t) => t.checks)
      .find((c) => c.upkeepId === this.upkeeps.conditional.id)
    check(conditional !== undefined, `the runner did not check the conditional upkeep at block ${block}`)
    s.say(
      `block ${block} (one empty block mined): the registry's checkUpkeep says ${conditional.failureReason}`,
    )
    check(!conditional.upkeepNeeded, 'the conditional upkeep wants to perform')
    const performs = this.don!.since(fromBlock + 1).flatMap((t) => t.performs)
    check(performs.length === 0, `the runner performed ${performs.length} time(s)`)
    s.fact('performs', 0)
  }

  /** The runtime has looked at block `through` and acted on nothing since block `from` (here: no perform). */
  protected async expectIdle(from: number, through: number, what: string): Promise<void> {
    await this.don!.through(through)
    const performs = this.don!.since(from).flatMap((t) => t.performs)
    check(performs.length === 0, `the runner performed ${what}`)
  }

  // ---------------------------------------------------------------- 8

  private async outflow(s: StepContext): Promise<void> {
    const ledger = this.ledger!
    const lost = 15n * SATS_PER_BTC
    const tx = ledger.transfer(HOT.address, OUTSIDE_ADDRESS, lost)
    ledger.mine(MIN_CONFIRMATIONS - 1)
    const total = ledger.custodianTotal()
    const supply = await this.token.totalSupply()
    s.say(
      `bitcoin tx ${tx.txid.slice(0, 16)}…: ${btc(lost)} from ${HOT.kind} to ${OUTSIDE_ADDRESS} (not the ` +
        `custodian's), fee ${btc(tx.fee)}; ${MIN_CONFIRMATIONS} confirmations`,
    )
    s.say(`the custodian now holds ${btc(total)} for ${sbtc(supply)}: short by ${btc(supply - total)}`)
    check(total < supply, 'the custodian still covers the supply')
    check(!(await isPaused(this.guard, await this.token.getAddress())), 'the token paused before any report')
    s.say('nothing on-chain knows yet: the feed still says what it said')
    s.fact('bitcoinTx', {
      txid: tx.txid,
      amount: amount(lost, BTC_DECIMALS, 'BTC'),
      fee: amount(tx.fee, BTC_DECIMALS, 'BTC'),
    })
    s.fact('custodianHolds', amount(total, BTC_DECIMALS, 'BTC'))
  }

  // ---------------------------------------------------------------- 9

  private async pause(s: StepContext): Promise<void> {
    const token = await this.token.getAddress()
    const round = await this.round(s, 9, true)
    const update = round.update!
    const pause = await this.pauseOnUpdate(s, update)
    const blocks = pause.block - update.block
    s.say(`feed update at block ${update.block}, pause at block ${pause.block}: ${blocksLater(blocks)}`)
    const pausedBy = eventsNamed(pause.receipt, this.token, 'OperationsPaused')
    check(
      pausedBy.length === 1 && pausedBy[0].account === this.guard.target,
      "the token's OperationsPaused was not the guard's",
    )
    check(pause.reason === 'InsufficientReserves', `the guard paused for ${pause.reason}`)
    check(pause.reserves === update.answer, 'the guard paused on reserves other than the new answer')
    check(
      (await this.token.pausedOperations()) === PAUSED_OPERATIONS,
      'mint and redeem are not both paused, or burning is (it stays open as the way back to backing)',
    )
    check(await isPaused(this.guard, token), 'the guard does not see the token paused')
    check(blocks >= 1, 'the pause is not after the feed update')
    this.summary.pause = {
      feedUpdateBlock: update.block,
      pauseBlock: pause.block,
      blocksAfterFeedUpdate: blocks,
      trigger: 'log',
      txHash: pause.receipt.hash,
      reason: pause.reason,
      ...pause.summary,
    }
    s.fact('pause', this.summary.pause)
    s.fact('pausedOperations', Number(await this.token.pausedOperations()))
  }

  /**
   * Step 9: the runtime pauses the token on the feed update that shows the shortfall, narrated, with its own
   * checks (here: the log-trigger upkeep, performed through the registry's transmit).
   */
  protected async pauseOnUpdate(s: StepContext, update: FeedUpdate): Promise<RuntimePause> {
    const token = await this.token.getAddress()
    const perform = await this.don!.perform(update.block, (p) => pauseIn(p.guardEvents, token) !== undefined)
    const tick = this.don!.since(update.block).find((t) => t.performs.includes(perform))!
    const logCheck = tick.checks.find((c) => c.upkeepId === perform.upkeepId && c.trigger === 'log')
    s.say(
      `block ${tick.block}: the runner checks the log-trigger upkeep on the AnswerUpdated log of tx ` +
        `${update.hash.slice(0, 12)}…: needed (check gas ${showGas(logCheck?.gasUsed ?? 0n)})`,
    )
    const paused = pauseIn(perform.guardEvents, token)!
    const receipt = (await this.provider.getTransactionReceipt(perform.txHash))!
    const transmitTx = (await this.provider.getTransaction(perform.txHash))!
    for (const p of tick.performs) s.gas((await this.provider.getTransactionReceipt(p.txHash))!.gasUsed)
    s.say(
      `block ${perform.block}: transmit to the registry (tx ${perform.txHash.slice(0, 12)}…), which calls the ` +
        `guard through upkeep ${perform.upkeepId.toString().slice(0, 12)}…'s forwarder:`,
    )
    s.say(
      `  AssetPaused(${paused.reason}, reserves ${btc(paused.reserves)}, supply ${sbtc(paused.supply)}); the ` +
        `guard's performUpkeep used ${showGas(perform.gasUsed)} gas, the transmit ${showGas(receipt.gasUsed)}; ` +
        `charged ${perform.charged ? `${show(perform.charged.units, perform.charged.decimals, perform.charged.symbol)}` : '?'}`,
    )
    const others = tick.performs.filter((p) => p !== perform)
    for (const other of others) {
      s.say(
        `  upkeep ${other.upkeepId.toString().slice(0, 12)}… (conditional) saw the same shortfall at block ` +
          `${tick.block} and performed at block ${other.block}: the token was already paused, nothing to do`,
      )
    }

    // Through the forwarder, as Automation does: the registry's transmit, from a DON transmitter, performed
    // the log-trigger upkeep, and only the two upkeeps' forwarders may call the guard's performUpkeep.
    check(
      perform.upkeepId === this.upkeeps.log.id,
      `upkeep ${perform.upkeepId} paused the token, not the log-trigger one`,
    )
    check(logCheck?.log?.txHash === update.hash, "the log check was not on the feed update's AnswerUpdated")
    check(perform.success && perform.mode === 'transmit', 'the perform did not succeed through transmit')
    check(transmitTx.to === this.automation.deployment.registry, 'the perform was not sent to the registry')
    const transmitters = this.automation.deployment.don.transmitters.map((key) => new Wallet(key).address)
    check(transmitters.includes(transmitTx.from), 'the perform was not sent by a DON transmitter')
    const holders = (await forwarderRoleHolders(this.guard)).sort()
    const forwarders = [this.upkeeps.conditional.forwarder, this.upkeeps.log.forwarder].sort()
    check(
      JSON.stringify(holders) === JSON.stringify(forwarders),
      `FORWARDER_ROLE is held by ${holders.join(', ')}`,
    )
    return {
      block: perform.block,
      receipt,
      ...paused,
      summary: {
        by: "the log-trigger upkeep through the registry's transmit",
        upkeepId: perform.upkeepId.toString(),
        performGasUsed: perform.gasUsed.toString(),
        transmitGasUsed: receipt.gasUsed.toString(),
        charged: perform.charged
          ? show(perform.charged.units, perform.charged.decimals, perform.charged.symbol)
          : '',
      },
    }
  }

  // ---------------------------------------------------------------- 10

  private async restore(s: StepContext): Promise<void> {
    const { issuer, unpauser, customer } = this.accounts
    const token = await this.token.getAddress()
    const supplyBefore = await this.token.totalSupply()
    const refused = await revertOf(this.token.connect(issuer).mint.staticCall(customer.address, TOKEN_UNIT))
    s.say(`mint(${sbtc(TOKEN_UNIT)}) reverts: ${refused.name}(${refused.args.join(', ')}) (1 = mint)`)
    check(
      refused.name === 'OperationPaused' && refused.args[0] === String(Operation.Mint),
      `the mint reverts with ${refused.name}`,
    )
    const early = await unpauseRefusal(this.guard, unpauser, token)
    s.say(`unpauseAsset while short is refused by the guard: ${early.name}`)
    check(early.name === 'AssetNotBacked', `unpausing while short reverts with ${early.name}`)

    const ledger = this.ledger!
    const back = ledger.balance(OUTSIDE_ADDRESS) - FEE_SATS
    const tx = ledger.transfer(OUTSIDE_ADDRESS, HOT.address, back)
    ledger.mine(MIN_CONFIRMATIONS - 1)
    s.say(
      `bitcoin tx ${tx.txid.slice(0, 16)}…: ${btc(back)} back to ${HOT.kind}, fee ${btc(tx.fee)}; ` +
        `${MIN_CONFIRMATIONS} confirmations; the custodian holds ${btc(ledger.custodianTotal())}`,
    )
    const round = await this.round(s, 10, true)
    const [, answer] = await this.proxy.latestRoundData()
    s.say(
      `the feed shows ${btc(answer)} for ${sbtc(supplyBefore)}: ratio ${ratioPercent(answer, supplyBefore)} %`,
    )
    check(answer >= supplyBefore, 'the feed does not cover the supply')
    await this.watchRestoredFeed(s, round.update!)
    const unpaused = await unpauseThroughGuard(this.guard, unpauser, token)
    s.gas(unpaused.gasUsed)
    s.say(
      `unpauseAsset by the UNPAUSER_ROLE holder ${unpaused.by}: AssetUnpaused(reserves ${btc(unpaused.reserves)}, ` +
        `supply ${sbtc(unpaused.supply)}), block ${unpaused.block}, gas ${showGas(unpaused.gasUsed)}`,
    )
    check(unpaused.by === unpauser.address, 'someone else unpaused')
    check((await this.token.pausedOperations()) === 0n, 'an operation is still paused')
    check(!(await isPaused(this.guard, token)), 'the guard still sees the token paused')
    const again = sent(await mined(this.token.connect(issuer).mint(customer.address, TOKEN_UNIT)))
    s.gas(again.gasUsed)
    s.say(`mint(${sbtc(TOKEN_UNIT)}) succeeds again: block ${again.block}, gas ${showGas(again.gasUsed)}`)
    await this.expectIdle(again.block, again.block, 'after the unpause')
    s.fact('mintWhilePaused', refused)
    s.fact('unpauseWhileShort', early)
    s.fact('unpause', { block: unpaused.block, by: unpaused.by, gasUsed: unpaused.gasUsed.toString() })
    s.fact('mintAfterUnpause', { block: again.block, gasUsed: again.gasUsed.toString() })
  }

  /** Step 10: the runtime looks at the restoring update and does nothing (here: the log-trigger upkeep). */
  protected async watchRestoredFeed(s: StepContext, update: FeedUpdate): Promise<void> {
    const ticks = await this.don!.through(update.block)
    const logCheck = ticks
      .flatMap((t) => t.checks)
      .find((c) => c.trigger === 'log' && c.log?.txHash === update.hash)
    check(logCheck !== undefined, "the runner did not check the new round's AnswerUpdated")
    s.say(
      `block ${logCheck.block}: the log-trigger upkeep checks this AnswerUpdated: ${logCheck.failureReason} ` +
        `(the token is backed; unpausing is for a human)`,
    )
    check(!logCheck.upkeepNeeded, 'the log-trigger upkeep wants to perform on restored reserves')
    check(
      ticks.every((t) => t.performs.length === 0),
      'the runner performed on the restored reserves',
    )
  }

  // ---------------------------------------------------------------- end

  /** Stops whatever the runtime left running (here the Automation runner) and removes its files. */
  protected async stopRuntime(): Promise<void> {
    await this.don?.stop()
    this.automation?.dispose()
  }

  private async cleanUp(): Promise<void> {
    await this.stopRuntime()
    for (const adapter of this.adapters) await adapter.close().catch(() => undefined)
    await this.ledger?.close().catch(() => undefined)
    this.provider?.destroy()
    this.chain?.process.kill()
  }
}

const formatPercent = (bps: bigint): string => show(bps, 2, '%')
