/**
 * The world the scenarios play in, and the dashboard's tests script: a fiat-backed stablecoin, USDX, whose
 * reserves an auditor attests in real time, all of it real but the oracle network and the Automation DON:
 *
 * - a local chain (`hardhat node`, its own: the scenarios move its clock);
 * - the auditor's attestation API (devkit's simulator, on loopback) and the `attestation` adapter in its own
 *   process, as an operator runs it (`npm start`), with its Prometheus metrics;
 * - the reserve feed: Chainlink's FluxAggregator behind Chainlink's EACAggregatorProxy, written by the feed
 *   updater (demo/updater.ts: the oracle network's stand-in, asking the adapter as a node's bridge task does);
 * - `SecureMintToken` USDX (8 decimals) and `ReserveGuard`, wired as docs/contracts.md says, fail-closed, with a
 *   margin; an unpauser and a guardian apart from the issuer;
 * - Chainlink Automation 2.3, a conditional and a log-trigger upkeep registered on the guard through the
 *   registrar with the upkeeps tooling, and the local runner (the DON's stand-in) performing them.
 */
import { Wallet, parseEther, toQuantity, type JsonRpcProvider } from 'ethers'
import { deploySecureMintToken, type SecureMintToken } from '#chain/contracts'
import { mined } from '#chain/events'
import { Role } from '#chain/types'
import { formatUnits, toUnits } from '#common/decimal'
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { deployAggregatorFeed, type AggregatorFeed } from '#devkit/data-feeds'
import { chainProvider, startHardhatNode, type RunningChain } from '#devkit/local-chain'
import { serveAttestationApi, type Attestation } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
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
import { ratioPercent } from '../report'
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
import { check, type ScenarioContext, type TimelineRecorder, type WatchTarget } from './timeline'

/** USDX and its feed: 8 decimals, like SecureMintToken. */
export const DECIMALS = 8
const UNIT = 10n ** BigInt(DECIMALS)
/** The auditor's name for the account, and the adapter's request for its reserves at the feed's decimals. */
export const CLIENT = 'usdx'
const REQUEST = { client: CLIENT, field: 'totalReserve', decimals: DECIMALS }
/** How long the adapter keeps a figure: refreshed in the background every 100 ms, so a change shows within a second. */
export const ADAPTER_CACHE_MAX_AGE_MS = 2_000

export interface WorldRules {
  /** the oracle network writes when the answer moves this much (basis points), or… */
  deviationBps: bigint
  /** …when its current answer is this old (seconds) */
  feedHeartbeatSeconds: number
  /** the guard's and the token's staleness limit: the feed's heartbeat and some slack, as Chainlink advises */
  guardHeartbeatSeconds: number
  /** reserves required over supply, basis points */
  marginBps: number
}

export const DEFAULT_RULES: WorldRules = {
  deviationBps: 100n,
  feedHeartbeatSeconds: 3_600,
  guardHeartbeatSeconds: 3_900,
  marginBps: 100,
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
export const usd = (units: bigint): string => `${formatUnits(units, DECIMALS)} USD`
export const usdx = (units: bigint): string => `${formatUnits(units, DECIMALS)} USDX`

export class ScenarioWorld {
  /** the auditor's attestation, read per request: change it to change what the auditor says */
  readonly attestation: Attestation = { ...FIRST_ATTESTATION }
  upkeeps!: { conditional: RegisteredUpkeep; log: RegisteredUpkeep }
  updater!: ReserveFeedUpdater<AttestedReserves>
  don!: LocalDon
  private readonly closers: (() => Promise<void>)[] = []

  private constructor(
    readonly rules: WorldRules,
    readonly chain: RunningChain,
    readonly provider: JsonRpcProvider,
    readonly accounts: WorldAccounts,
  ) {}

  auditor!: ApiServer
  adapter!: AdapterProcess
  feed!: AggregatorFeed
  token!: SecureMintToken
  guard!: ReserveGuard
  automation!: Automation

  /** Starts the chain and funds the accounts. */
  static async start(rules: WorldRules = DEFAULT_RULES): Promise<ScenarioWorld> {
    const chain = await startHardhatNode('localA', 31337)
    const provider = chainProvider(chain.url, chain.chainId)
    const funded = async () => {
      const wallet = new Wallet(Wallet.createRandom().privateKey, provider)
      await provider.send('hardhat_setBalance', [wallet.address, toQuantity(parseEther('1000'))])
      return wallet
    }
    const accounts: WorldAccounts = {
      issuer: await funded(),
      oracle: await funded(),
      chainlink: await funded(),
      unpauser: await funded(),
      guardian: await funded(),
      customer: await funded(),
    }
    const world = new ScenarioWorld(rules, chain, provider, accounts)
    world.closers.push(async () => {
      provider.destroy()
      chain.process.kill()
    })
    return world
  }

  /** The auditor's API and the attestation adapter (its own process, metrics on). */
  async startAdapter(): Promise<void> {
    this.auditor = await serveAttestationApi({ [CLIENT]: this.attestation })
    this.closers.push(() => this.auditor.close())
    this.adapter = await startAdapterProcess('attestation', {
      ATTESTATION_API_URL: this.auditor.url,
      ATTESTATION_RETRIES: '0',
      CACHE_MAX_AGE: String(ADAPTER_CACHE_MAX_AGE_MS),
      BACKGROUND_EXECUTE_MS_HTTP: '100',
      RETRY_FAILED_AFTER_MS: '200',
      RETRY_FAILED_MAX_MS: '1000',
      METRICS_ENABLED: 'true',
    })
    this.closers.push(() => this.adapter.stop())
  }

  /** Asks the adapter as the node's bridge task does, for the reserves read after `since`. */
  async attested(since: number): Promise<AttestedReserves> {
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

  /** The feed, the token, the guard and their wiring; Automation 2.3 and the guard's two upkeeps; the runner. */
  async deploy(): Promise<Sent[]> {
    const { issuer, oracle, chainlink, unpauser, guardian } = this.accounts
    const { rules } = this
    this.feed = await deployAggregatorFeed(oracle, oracle, {
      decimals: DECIMALS,
      description: 'USDX reserves (USD)',
    })
    this.updater = new ReserveFeedUpdater({
      source: (since) => this.attested(since),
      aggregator: this.feed.aggregator.connect(oracle),
      proxy: this.feed.proxy,
      rules: {
        deviationBps: rules.deviationBps,
        heartbeatSeconds: BigInt(rules.feedHeartbeatSeconds),
      } satisfies PublicationRules,
    })
    this.token = await deploySecureMintToken(
      issuer,
      'USDX',
      'USDX',
      issuer.address,
      ADMIN_DELAY_SECONDS,
      this.feed.proxyAddress,
      rules.guardHeartbeatSeconds,
      rules.marginBps,
    )
    const transactions: Sent[] = [sent(await mined(this.token.grantRole(Role.MINTER, issuer.address)))]
    const { guard } = await deployGuard(issuer)
    this.guard = guard
    transactions.push(
      ...(await protectToken(guard, this.token, this.feed.proxyAddress, {
        heartbeat: rules.guardHeartbeatSeconds,
        marginBps: rules.marginBps,
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
        name: `USDX reserve guard (${trigger})`,
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
      adapters: [
        {
          name: 'attestation',
          metricsUrl: this.adapter.metricsUrl!,
          healthUrl: `${this.adapter.url}/health`,
          cacheMaxAgeMs: ADAPTER_CACHE_MAX_AGE_MS,
        },
      ],
    }
  }

  /** Stops everything it started, the last started first. */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined)
  }
}

/** 990,000,000 USDX: what the world's customer holds after the first mint. */
export const FIRST_MINT = 990_000_000n * UNIT

/** The first step of every USDX scenario: the world up, the first report written, USDX minted and watched. */
export const BRING_UP = 'USDX backed and watched'

/**
 * Runs the {@link BRING_UP} step: starts the world (registered with the runner to close), deploys it, writes the
 * first report, mints {@link FIRST_MINT}, and tells the runner the world is up (`--dashboard` starts then).
 * Resolves with the world, or undefined when the step failed.
 */
export async function bringUp(
  context: ScenarioContext,
  recorder: TimelineRecorder,
  rules: WorldRules = DEFAULT_RULES,
): Promise<ScenarioWorld | undefined> {
  let world: ScenarioWorld | undefined
  const ok = await recorder.step(
    BRING_UP,
    `the auditor attests ${FIRST_ATTESTATION.totalReserve} USD; the oracle network's stand-in writes it to the feed; ` +
      `${usdx(FIRST_MINT)} are minted against it (the margin is ${formatUnits(BigInt(rules.marginBps), 2)} %); ` +
      'the guard finds USDX backed; a conditional and a log-trigger upkeep watch it through Automation 2.3',
    async (s) => {
      const started = await ScenarioWorld.start(rules)
      world = started
      context.onClose(() => started.close())
      recorder.useChain(started.provider)
      await started.startAdapter()
      s.say(
        `hardhat node at ${started.chain.url}; the auditor at ${started.auditor.url}; attestation adapter at ${started.adapter.url}`,
      )
      const transactions = await started.deploy()
      s.say(
        `feed ${started.feed.proxyAddress} (FluxAggregator ${await started.feed.aggregator.getAddress()}), ` +
          `token ${await started.token.getAddress()}, guard ${String(started.guard.target)}`,
      )
      s.say(
        `upkeeps ${started.upkeeps.conditional.id.toString().slice(0, 12)}… (conditional) and ` +
          `${started.upkeeps.log.id.toString().slice(0, 12)}… (log trigger), 20 LINK each; the runner checks every block`,
      )
      const round = await started.updater.round()
      check(round.updated && round.update !== undefined, `the first round wrote nothing: ${round.why}`)
      s.say(
        `the feed updater: ${usd(round.observation.reserves)} attested; ${round.why}: round ${round.update.roundId}, block ${round.update.block}`,
      )
      await started.startRunner()
      const minted = await started.mint(FIRST_MINT)
      await started.don.through(minted.block)
      check(!(await isPaused(started.guard, await started.token.getAddress())), 'an upkeep paused USDX')
      const status = await guardVerdict(started.guard, await started.token.getAddress())
      check(status.verdict === 'Backed', `the guard finds USDX ${status.verdict} (${status.reason})`)
      check(
        round.observation.reserves === toUnits(FIRST_ATTESTATION.totalReserve, DECIMALS, 'down'),
        'the feed does not carry the attested figure',
      )
      s.fact('contracts', {
        feed: started.feed.proxyAddress,
        aggregator: await started.feed.aggregator.getAddress(),
        token: await started.token.getAddress(),
        guard: String(started.guard.target),
        registry: started.automation.deployment.registry,
      })
      s.fact('upkeeps', {
        conditional: started.upkeeps.conditional.id.toString(),
        log: started.upkeeps.log.id.toString(),
      })
      s.fact('firstReport', { block: round.update.block, answer: round.update.answer.toString() })
      s.fact('minted', { block: minted.block, amount: FIRST_MINT.toString() })
      s.fact('transactions', transactions.length)
      const dashboard = await context.watch(started.watchTarget())
      if (dashboard) s.say(`the dashboard: ${dashboard}`)
      return (
        `reserves ${usd(status.reserves)} for ${usdx(status.supply)} (${ratioPercent(status.reserves, status.supply)} %): ` +
        `the guard says Backed; mint at block ${minted.block}`
      )
    },
  )
  return ok ? world : undefined
}
