/**
 * The worlds the scenarios play in, and the dashboard's tests script: a token guarded against its reserve feed,
 * all of it real but the oracle network and the Automation DON:
 *
 * - a local chain (`hardhat node`, its own: the scenarios move its clock);
 * - the reserves and the adapter that reads them, in its own process, as an operator runs it (`npm start`), with
 *   its Prometheus metrics: each world its own ({@link TokenWorld} leaves them to its subclass);
 * - the reserve feed: Chainlink's FluxAggregator behind Chainlink's EACAggregatorProxy, written by the feed
 *   updater (demo/updater.ts: the oracle network's stand-in, asking the adapter as a node's bridge task does);
 * - a `SecureMintToken` (8 decimals) and `ReserveGuard`, wired as docs/contracts.md says, fail-closed, with a
 *   margin; an unpauser and a guardian apart from the issuer;
 * - Chainlink Automation 2.3, a conditional and a log-trigger upkeep registered on the guard through the
 *   registrar with the upkeeps tooling, and the local runner (the DON's stand-in) performing them.
 *
 * {@link ScenarioWorld} is USDX, a fiat-backed stablecoin whose reserves an auditor attests in real time;
 * demo/scenarios/bridge-world.ts a wrapped token whose reserves are locked on a second chain.
 */
import { Wallet, parseEther, toQuantity, type JsonRpcProvider } from 'ethers'
import { deploySecureMintToken, type SecureMintToken } from '#chain/contracts'
import { mined } from '#chain/events'
import { MarginMode, Role, type Margin } from '#chain/types'
import { toUnits } from '#common/decimal'
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { marginText } from '#devkit/reserve-figures'
import { deployAggregatorFeed, type AggregatorFeed } from '#devkit/data-feeds'
import { chainProvider, startHardhatNode, type RunningChain } from '#devkit/local-chain'
import { serveAttestationApi, type Attestation } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import type { AdapterTarget } from '../../dashboard/config'
import {
  LocalDon,
  deployAutomation,
  registerUpkeep,
  type Automation,
  type RegisteredUpkeep,
} from '../automation'
import {
  ADMIN_DELAY_SECONDS,
  deployGuard,
  grantUnpauser,
  guardVerdict,
  isPaused,
  protectToken,
  type ReserveGuard,
} from '../guard'
import { ratioPercent, show } from '../report'
import { sent, type Sent } from '../tx'
import {
  ReserveFeedUpdater,
  askFresh,
  field,
  integerText,
  UpdaterError,
  type Observed,
  type PublicationRules,
} from '../updater'
import { check } from '../steps'
import type { ScenarioContext, TimelineRecorder, WatchTarget } from './timeline'

/** The token and its feed: 8 decimals, like SecureMintToken. */
export const DECIMALS = 8
const UNIT = 10n ** BigInt(DECIMALS)
/** The auditor's name for the account, and the adapter's request for its reserves at the feed's decimals. */
export const CLIENT = 'usdx'
const REQUEST = { client: CLIENT, field: 'totalReserve', decimals: DECIMALS }
/** How long an adapter keeps a figure: refreshed in the background every 100 ms, so a change shows within a second. */
export const ADAPTER_CACHE_MAX_AGE_MS = 2_000
/** The adapter's settings for that cache, whichever adapter it is. */
export const ADAPTER_CACHE_SETTINGS = {
  CACHE_MAX_AGE: String(ADAPTER_CACHE_MAX_AGE_MS),
  BACKGROUND_EXECUTE_MS_HTTP: '100',
  RETRY_FAILED_AFTER_MS: '200',
  RETRY_FAILED_MAX_MS: '1000',
  METRICS_ENABLED: 'true',
} as const

export interface WorldRules {
  /** the oracle network writes when the answer moves this much (basis points), or… */
  deviationBps: bigint
  /** …when its current answer is this old (seconds) */
  feedHeartbeatSeconds: number
  /** the guard's and the token's staleness limit: the feed's heartbeat and some slack, as Chainlink advises */
  guardHeartbeatSeconds: number
  /** the token's and the guard's margin (Chainlink ACE's modes) */
  margin: Margin
}

export const DEFAULT_RULES: WorldRules = {
  deviationBps: 100n,
  feedHeartbeatSeconds: 3_600,
  guardHeartbeatSeconds: 3_900,
  // 1 % of the reserves kept over the supply: 990,000,000 needs 1,000,000,000 (990,000,000 ÷ 0.99).
  margin: { marginMode: MarginMode.PositivePercentage, marginAmount: 100n },
}

/** The auditor's first attestation: 1,000,523,419.87 USD for 990,000,000 USDX. */
export const FIRST_ATTESTATION: Attestation = {
  accountName: 'USDX',
  totalReserve: '1000523419.87',
  totalToken: '990000000',
}

/** What the oracle network's stand-in observed: the attested reserves, at the feed's decimals. */
export interface AttestedReserves extends Observed {
  /** the figure as the auditor wrote it */
  figure: string
  attestedAt: string
}

export interface WorldAccounts {
  issuer: Wallet
  oracle: Wallet
  chainlink: Wallet
  unpauser: Wallet
  guardian: Wallet
  customer: Wallet
}

/** USD reserves at the feed's decimals, as text. */
export const usd = (units: bigint): string => show(units, DECIMALS, 'USD')
export const usdx = (units: bigint): string => show(units, DECIMALS, 'USDX')

/** A fresh account holding 1,000 of the chain's coin. */
export async function fundedWallet(provider: JsonRpcProvider): Promise<Wallet> {
  const wallet = new Wallet(Wallet.createRandom().privateKey, provider)
  await provider.send('hardhat_setBalance', [wallet.address, toQuantity(parseEther('1000'))])
  return wallet
}

/** A chain of the world's own (`hardhat node`), and its provider. */
export interface WorldChain {
  chain: RunningChain
  provider: JsonRpcProvider
  close(): Promise<void>
}

/** Starts `hardhat node` for one of hardhat.config.ts's local networks. */
export async function startWorldChain(network: 'localA' | 'localB', chainId: number): Promise<WorldChain> {
  const chain = await startHardhatNode(network, chainId)
  const provider = chainProvider(chain.url, chain.chainId)
  return {
    chain,
    provider,
    close: async () => {
      provider.destroy()
      chain.process.kill()
    },
  }
}

/** The token's chain, started, and its funded accounts. */
export interface StartedChain extends WorldChain {
  accounts: WorldAccounts
}

/** What a world's token is called, and what its reserves are counted in. */
export interface TokenNames {
  name: string
  symbol: string
  /** the reserves' unit, as the feed reports them */
  reserveUnit: string
}

/**
 * A token guarded against its reserve feed, on a chain of its own; what the reserves are and which adapter reads
 * them is the subclass's: it starts them (`startAdapter`), says what they are (`reservesHeld`, read straight from
 * their source, to compare with the feed), and reads them as the oracle network does (`observe`).
 */
export abstract class TokenWorld<O extends Observed = Observed> {
  upkeeps!: { conditional: RegisteredUpkeep; log: RegisteredUpkeep }
  updater!: ReserveFeedUpdater<O>
  don!: LocalDon
  feed!: AggregatorFeed
  token!: SecureMintToken
  guard!: ReserveGuard
  automation!: Automation
  protected readonly closers: (() => Promise<void>)[] = []

  readonly chain: RunningChain
  readonly provider: JsonRpcProvider
  readonly accounts: WorldAccounts

  /** The world on its chain ({@link TokenWorld.startChain}), which it closes last. */
  protected constructor(
    readonly names: TokenNames,
    readonly rules: WorldRules,
    started: StartedChain,
  ) {
    this.chain = started.chain
    this.provider = started.provider
    this.accounts = started.accounts
    this.closers.push(started.close)
  }

  /** Starts the token's chain and funds its accounts. */
  protected static async startChain(): Promise<StartedChain> {
    const { chain, provider, close } = await startWorldChain('localA', 31337)
    const accounts: WorldAccounts = {
      issuer: await fundedWallet(provider),
      oracle: await fundedWallet(provider),
      chainlink: await fundedWallet(provider),
      unpauser: await fundedWallet(provider),
      guardian: await fundedWallet(provider),
      customer: await fundedWallet(provider),
    }
    return { chain, provider, accounts, close }
  }

  /** Starts the reserves' side and the adapter reading them. */
  abstract startAdapter(): Promise<void>
  /** Where the reserves and their adapter are, for the narration. */
  abstract describeReserves(): string
  /** The reserves as their source holds them now, at the feed's decimals (rounded down), read without the adapter. */
  abstract reservesHeld(): Promise<bigint>
  /** Asks the adapter as the node's bridge task does, for the reserves read after `since` (epoch ms). */
  abstract observe(since: number): Promise<O>
  /** The adapters the dashboard watches. */
  abstract adapterTargets(): AdapterTarget[]

  /** Reserves at the feed's decimals, as text. */
  reserveText(units: bigint): string {
    return show(units, DECIMALS, this.names.reserveUnit)
  }

  /** Token units, as text. */
  supplyText(units: bigint): string {
    return show(units, DECIMALS, this.names.symbol)
  }

  /** The feed, the token, the guard and their wiring; Automation 2.3 and the guard's two upkeeps; the runner. */
  async deploy(): Promise<Sent[]> {
    const { issuer, oracle, chainlink, unpauser, guardian } = this.accounts
    const { rules, names } = this
    this.feed = await deployAggregatorFeed(oracle, oracle, {
      decimals: DECIMALS,
      description: `${names.symbol} reserves (${names.reserveUnit})`,
    })
    this.updater = new ReserveFeedUpdater({
      source: (since) => this.observe(since),
      aggregator: this.feed.aggregator.connect(oracle),
      proxy: this.feed.proxy,
      rules: {
        deviationBps: rules.deviationBps,
        heartbeatSeconds: BigInt(rules.feedHeartbeatSeconds),
      } satisfies PublicationRules,
    })
    this.token = await deploySecureMintToken(
      issuer,
      names.name,
      names.symbol,
      issuer.address,
      ADMIN_DELAY_SECONDS,
      this.feed.proxyAddress,
      rules.guardHeartbeatSeconds,
      rules.margin.marginMode,
      rules.margin.marginAmount,
    )
    const transactions: Sent[] = [sent(await mined(this.token.grantRole(Role.MINTER, issuer.address)))]
    const { guard } = await deployGuard(issuer)
    this.guard = guard
    transactions.push(
      ...(await protectToken(guard, this.token, this.feed.proxyAddress, {
        heartbeat: rules.guardHeartbeatSeconds,
        ...rules.margin,
      })),
      await grantUnpauser(guard, unpauser.address),
      sent(await mined(guard.grantRole(Role.GUARDIAN, guardian.address))),
    )
    this.automation = await deployAutomation(chainlink, issuer.address, parseEther('50'))
    this.closers.push(async () => this.automation.dispose())
    const register = (trigger: 'conditional' | 'log') =>
      registerUpkeep(this.provider, this.automation, this.chain.url, issuer.privateKey, {
        guard: String(guard.target),
        trigger,
        feed: trigger === 'log' ? this.feed.proxyAddress : undefined,
        amount: '20',
        name: `${names.symbol} reserve guard (${trigger})`,
      })
    this.upkeeps = { conditional: await register('conditional'), log: await register('log') }
    for (const upkeep of Object.values(this.upkeeps)) transactions.push(...upkeep.transactions)
    return transactions
  }

  /**
   * Starts the runner (the Automation DON's stand-in) on the two upkeeps, checking every new block. After the
   * feed's first report: before it the feed has no answer, which the guard, fail-closed, counts as short.
   */
  async startRunner(): Promise<void> {
    const { don } = await LocalDon.start(this.provider, this.automation.deployment, [
      this.upkeeps.log.id,
      this.upkeeps.conditional.id,
    ])
    this.don = don
    this.closers.push(() => don.stop())
  }

  /** Mints to the customer. */
  async mint(amount: bigint): Promise<Sent> {
    return sent(
      await mined(this.token.connect(this.accounts.issuer).mint(this.accounts.customer.address, amount)),
    )
  }

  /** Moves the chain's clock `seconds` ahead and mines a block at that time; the block's number. */
  async advance(seconds: number): Promise<number> {
    await this.provider.send('evm_increaseTime', [toQuantity(seconds)])
    await this.provider.send('evm_mine', [])
    return this.provider.getBlockNumber()
  }

  /** What the dashboard needs to show this world. */
  watchTarget(): WatchTarget {
    return {
      rpcUrl: this.chain.url,
      chainId: this.chain.chainId,
      guard: String(this.guard.target),
      registry: this.automation.deployment.registry,
      upkeeps: [this.upkeeps.log.id, this.upkeeps.conditional.id],
      adapters: this.adapterTargets(),
    }
  }

  /** Stops everything it started, the last started first. */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined)
  }
}

/** An adapter process as the dashboard watches it. */
export function adapterTarget(adapter: AdapterProcess): AdapterTarget {
  return {
    name: adapter.name,
    metricsUrl: adapter.metricsUrl!,
    healthUrl: `${adapter.url}/health`,
    cacheMaxAgeMs: ADAPTER_CACHE_MAX_AGE_MS,
  }
}

/** USDX: a fiat-backed stablecoin whose reserves the auditor attests, read by the attestation adapter. */
export class ScenarioWorld extends TokenWorld<AttestedReserves> {
  /** the auditor's attestation, read per request: change it to change what the auditor says */
  readonly attestation: Attestation = { ...FIRST_ATTESTATION }
  auditor!: ApiServer
  adapter!: AdapterProcess

  /** Starts the chain and funds the accounts. */
  static async start(rules: WorldRules = DEFAULT_RULES): Promise<ScenarioWorld> {
    return new ScenarioWorld(
      { name: 'USDX', symbol: 'USDX', reserveUnit: 'USD' },
      rules,
      await TokenWorld.startChain(),
    )
  }

  /** The auditor's API and the attestation adapter (its own process, metrics on). */
  async startAdapter(): Promise<void> {
    this.auditor = await serveAttestationApi({ [CLIENT]: this.attestation })
    this.closers.push(() => this.auditor.close())
    this.adapter = await startAdapterProcess('attestation', {
      ATTESTATION_API_URL: this.auditor.url,
      ATTESTATION_RETRIES: '0',
      ...ADAPTER_CACHE_SETTINGS,
    })
    this.closers.push(() => this.adapter.stop())
  }

  describeReserves(): string {
    return `the auditor at ${this.auditor.url}; attestation adapter at ${this.adapter.url}`
  }

  async reservesHeld(): Promise<bigint> {
    return toUnits(this.attestation.totalReserve, DECIMALS, 'down')
  }

  async observe(since: number): Promise<AttestedReserves> {
    const answer = await askFresh(this.adapter, REQUEST, since, 'attestation')
    const result = integerText(
      field(answer.body, ['data', 'result'], 'attestation'),
      'attestation data.result',
    )
    const decimals = field<number>(answer.body, ['data', 'decimals'], 'attestation')
    if (decimals !== DECIMALS) throw new UpdaterError(`attestation answered in ${decimals} decimals`)
    return {
      reserves: result,
      figure: field<string>(answer.body, ['data', 'figure'], 'attestation'),
      attestedAt: field<string>(answer.body, ['data', 'attestedAt'], 'attestation'),
    }
  }

  adapterTargets(): AdapterTarget[] {
    return [adapterTarget(this.adapter)]
  }
}

/** 990,000,000 USDX: what the world's customer holds after the first mint. */
export const FIRST_MINT = 990_000_000n * UNIT

/** How a scenario's world comes up: what it is, and what is minted once the feed has its first report. */
export interface WorldPlan<W extends TokenWorld> {
  /** the token's symbol, for the step's label */
  symbol: string
  /** what backs the token at first, in plain words */
  backing: string
  firstMint: bigint
  /** the world's rules, which `start` applies */
  rules: WorldRules
  /** starts the world's chains and accounts (not yet the adapter) */
  start(): Promise<W>
}

/** USDX's plan: the auditor's attestation, {@link FIRST_MINT}. */
export const usdxPlan = (rules: WorldRules = DEFAULT_RULES): WorldPlan<ScenarioWorld> => ({
  symbol: 'USDX',
  backing: `the auditor attests ${FIRST_ATTESTATION.totalReserve} USD`,
  firstMint: FIRST_MINT,
  rules,
  start: () => ScenarioWorld.start(rules),
})

/** The label of the first step of every scenario: the world up, the first report written, the token minted and watched. */
export const bringUpLabel = (symbol: string): string => `${symbol} backed and watched`
/** The first step of every USDX scenario. */
export const BRING_UP = bringUpLabel('USDX')

/**
 * Runs the first step ({@link bringUpLabel}): starts the world (registered with the runner to close), deploys
 * it, writes the first report, mints the plan's first amount, and tells the runner the world is up
 * (`--dashboard` starts then). Resolves with the world, or undefined when the step failed.
 */
export async function bringUp<W extends TokenWorld>(
  context: ScenarioContext,
  recorder: TimelineRecorder,
  plan: WorldPlan<W>,
): Promise<W | undefined> {
  let world: W | undefined
  const minting = show(plan.firstMint, DECIMALS, plan.symbol)
  const ok = await recorder.step(
    bringUpLabel(plan.symbol),
    `${plan.backing}; the oracle network's stand-in writes it to the feed; ` +
      `${minting} are minted against it (the margin is ${marginText(plan.rules.margin, DECIMALS, ` ${plan.symbol}`)}); ` +
      `the guard finds ${plan.symbol} backed; a conditional and a log-trigger upkeep watch it through Automation 2.3`,
    async (s) => {
      const started = await plan.start()
      world = started
      context.onClose(() => started.close())
      recorder.useChain(started.provider)
      await started.startAdapter()
      s.say(`hardhat node at ${started.chain.url}; ${started.describeReserves()}`)
      const transactions = await started.deploy()
      const token = await started.token.getAddress()
      s.say(
        `feed ${started.feed.proxyAddress} (FluxAggregator ${await started.feed.aggregator.getAddress()}), ` +
          `token ${token}, guard ${String(started.guard.target)}`,
      )
      s.say(
        `upkeeps ${started.upkeeps.conditional.id.toString().slice(0, 12)}… (conditional) and ` +
          `${started.upkeeps.log.id.toString().slice(0, 12)}… (log trigger), 20 LINK each; the runner checks every block`,
      )
      const round = await started.updater.round()
      check(round.updated && round.update !== undefined, `the first round wrote nothing: ${round.why}`)
      s.say(
        `the feed updater: ${started.reserveText(round.observation.reserves)} read; ${round.why}: round ${round.update.roundId}, block ${round.update.block}`,
      )
      const held = await started.reservesHeld()
      await started.startRunner()
      const minted = await started.mint(plan.firstMint)
      await started.don.through(minted.block)
      check(!(await isPaused(started.guard, token)), `an upkeep paused ${plan.symbol}`)
      const status = await guardVerdict(started.guard, token)
      check(
        status.verdict === 'Backed',
        `the guard finds ${plan.symbol} ${status.verdict} (${status.reason})`,
      )
      check(
        round.observation.reserves === held,
        `the feed carries ${started.reserveText(round.observation.reserves)}, the reserves are ${started.reserveText(held)}`,
      )
      s.fact('contracts', {
        feed: started.feed.proxyAddress,
        aggregator: await started.feed.aggregator.getAddress(),
        token,
        guard: String(started.guard.target),
        registry: started.automation.deployment.registry,
      })
      s.fact('upkeeps', {
        conditional: started.upkeeps.conditional.id.toString(),
        log: started.upkeeps.log.id.toString(),
      })
      s.fact('firstReport', { block: round.update.block, answer: round.update.answer.toString() })
      s.fact('minted', { block: minted.block, amount: plan.firstMint.toString() })
      s.fact('transactions', transactions.length)
      const dashboard = await context.watch(started.watchTarget())
      if (dashboard) s.say(`the dashboard: ${dashboard}`)
      return (
        `reserves ${started.reserveText(status.reserves)} for ${started.supplyText(status.supply)} (${ratioPercent(status.reserves, status.supply)} %): ` +
        `the guard says Backed; mint at block ${minted.block}`
      )
    },
  )
  return ok ? world : undefined
}
