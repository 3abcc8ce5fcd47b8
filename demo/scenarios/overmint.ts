/**
 * `npm run demo -- --scenario overmint`: the over-mint rehearsal (issue 21). In October 2025 an issuer minted 300
 * trillion units of a dollar stablecoin by mistake and burned them about 20 minutes later, while a lending market
 * froze its market by hand. Here a key holding the minter role mints 300 trillion tokens on three tokens, each
 * backed by $1,000,000,000 of reserves for 900,000,000 tokens:
 *
 * - `SecureMintToken` (ours) refuses the mint: its `ReserveCheck` finds it unbacked;
 * - a Chainlink ACE `ComplianceTokenERC20` whose `mint` runs ACE's `SecureMintPolicy` refuses it too;
 * - on a token with no mint gate (a `PausableStablecoin`, OpenZeppelin's ERC-20 and `Pausable`), the mint goes
 *   through; the guard's mint-log upkeep (a log trigger on the token's `Transfer` from the zero address, registered
 *   with the upkeeps tooling on Chainlink's Automation 2.3 registry, performed by the local runner through the
 *   registry's `transmit`) pauses it in the next block. The scenario says how many blocks that took, and what a
 *   holder could and could not do in between; then the issuer burns the mistake and the guard unpauses.
 * - the mintable-budget endpoint reports the over-mint: the secure-mint adapter (adapters/secure-mint, Chainlink's
 *   `secure-mint` shape), served over HTTP on loopback and asked as a node's bridge task asks it, reads the token's
 *   reserves from its auditor's attestation (a loopback attestation API, read by the proof-of-reserves composite's
 *   attestation code) and its supply at the mint's block, and flags the over-mint: nothing mintable.
 *
 * {@link runOvermint} returns the narrated timeline: each step says what should happen, what did, and whether it
 * was the same. It starts everything it needs (its own hardhat node) and stops it all.
 */
import { Wallet, parseEther, toQuantity, type JsonRpcProvider } from 'ethers'
import {
  deployPausableStablecoin,
  deploySecureMintToken,
  type PausableStablecoin,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import { mined } from '#chain/events'
import { NO_MARGIN, Reason, Role, enumName } from '#chain/types'
import { formatUnits } from '#common/decimal'
import { evmSettingNames } from '#common/evm-rpc'
import { MINTED, aceMintOutcome, deployAceMintGate, type AceMintGate } from '#devkit/ace'
import { askUntilComputed, startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { deployAggregatorFeed, type AggregatorFeed } from '#devkit/data-feeds'
import { chainProvider, startHardhatNode, type RunningChain } from '#devkit/local-chain'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import { makeAdapter as makeSecureMintAdapter, type BudgetFigures } from '#adapters/secure-mint/src/index'
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
  isPaused,
  pauseIn,
  protectPausable,
  unpauseRefusal,
  unpauseThroughGuard,
  type GuardRules,
} from '../guard'
import { blocksLater, seconds, table } from '../report'
import { playSteps, type StepHooks, type StepNarration, type StepRecord } from '../steps'
import { revertOf } from '../tx'
import type { ScenarioContext } from './timeline'

// ---------------------------------------------------------------- what the scenario is made of

/** The mistake: 300 trillion whole tokens. */
export const OVERMINT_TOKENS = 300_000_000_000_000n
/** Each token's reserves, in dollars, and what it has minted against them before the mistake. */
const RESERVES_USD = 1_000_000_000n
const SUPPLY_TOKENS = 900_000_000n
/** The reserve feeds: dollars at 8 decimals, as Chainlink's PoR USD feeds report them. */
const FEED_DECIMALS = 8
/** SecureMintToken has 8 decimals (like WBTC); the two dollar tokens 6. */
const SECURE_MINT_DECIMALS = 8
const DOLLAR_DECIMALS = 6
/** The guard's rules for the stablecoin: a day and an hour of heartbeat, no margin. */
const GUARD_RULES: GuardRules = { heartbeat: 90_000, ...NO_MARGIN }
const UPKEEP_FUNDING = '20'
/** The stablecoin's auditor's name for it, and the network name the secure-mint adapter reads its chain under. */
const AUDITED_CLIENT = 'usdx'
const BUDGET_NETWORK = 'demo-chain'

const unit = (decimals: number) => 10n ** BigInt(decimals)
/** `300,000,900,000,000` (exact, at `decimals`: the integer part grouped in thousands). */
const grouped = (units: bigint, decimals: number): string => {
  const [whole, fraction] = formatUnits(units, decimals).split('.')
  const withCommas = whole.replace(/\B(?=(\d{3})+$)/g, ',')
  return fraction === undefined ? withCommas : `${withCommas}.${fraction}`
}
const usd = (dollars: bigint) => dollars * unit(FEED_DECIMALS)

// ---------------------------------------------------------------- the timeline

export interface OvermintStep extends StepRecord {
  /** what should happen */
  expected: string
  /** what did (or why it could not be told) */
  observed: string
  /** the block the step's outcome was read at */
  block?: number
}

/** What a holder of the minted tokens can do, at one block. */
export interface HolderActions {
  block: number
  /** each action, and what the token answered: `ok` or the error's name */
  actions: Record<string, string>
}

export interface OvermintSummary {
  scenario: 'overmint'
  ok: boolean
  wallTimeMs: number
  /** the mistake: 300 trillion whole tokens, by a key holding the minter role */
  overmint: { tokens: string; reservesUsd: string; supplyBefore: string }
  chain?: { chainId: number; url: string }
  /** with `--dashboard`: where the dashboard serves the rehearsal's chain and guard */
  dashboard?: string
  contracts?: Record<string, string>
  /** the ungated token's mint and the mint-log upkeep's pause */
  pause?: { mintBlock: number; pauseBlock: number; blocks: number; upkeepId: string; reason: string }
  /** what the holder of the 300 trillion could do in the mint's block, and from the pause's */
  holder?: { between: HolderActions; afterPause: HolderActions }
  steps: OvermintStep[]
}

export interface OvermintOptions {
  /** where the narration goes, a line at a time */
  print?: (line: string) => void
  /**
   * The scenario runner's hooks (`--dashboard`): told when the chain and the guard are up, and handed what to stop
   * once the user is done looking; without them everything stops when the rehearsal ends.
   */
  runner?: Pick<ScenarioContext, 'watch' | 'onClose'>
}

/** Each step's title and label in the summary table. */
export const OVERMINT_STEPS = [
  ['Start a local chain', 'local chain'],
  [
    'Three tokens backed by $1,000,000,000 with 900,000,000 minted; a guard and its mint-log upkeep on the ungated one',
    'tokens, guard, upkeep',
  ],
  ['SecureMintToken: the minter mints 300 trillion', 'SecureMintToken'],
  ['ACE ComplianceTokenERC20 with SecureMintPolicy: the owner mints 300 trillion', 'ACE SecureMintPolicy'],
  ['A token with no mint gate: the minter mints 300 trillion', 'ungated mint'],
  ['The mint-log upkeep pauses it', 'mint-log pause'],
  ['What the holder of the 300 trillion could do in between, and can do now', 'holder in between'],
  ['The mintable-budget endpoint reports the over-mint', 'mintable budget'],
  ['The issuer burns the mistake; the guard unpauses the backed token', 'burned, unpaused'],
] as const

interface StepContext extends StepNarration {
  /** what should happen */
  expect: (text: string) => void
  /** what did; `ok`: whether it is what should have happened */
  observe: (text: string, ok: boolean) => void
  atBlock: (block: number) => void
}

// ---------------------------------------------------------------- the scenario

interface Actors {
  /** the issuer: admin of every contract, holds the minter role (SecureMintToken, the stablecoin) and owns the ACE token */
  issuer: Wallet
  /** submits the feeds' answers (the oracle network's stand-in) */
  oracle: Wallet
  /** deploys and owns Automation (Chainlink's part) */
  chainlink: Wallet
  /** holds the guard's UNPAUSER_ROLE */
  unpauser: Wallet
  /** a customer holding some of the 900,000,000 */
  customer: Wallet
}

class Overmint {
  private provider!: JsonRpcProvider
  private chain?: RunningChain
  private actors!: Actors
  private automation?: Automation
  private don?: LocalDon
  private feeds!: { secureMint: AggregatorFeed; ace: AggregatorFeed; stablecoin: AggregatorFeed }
  private secureMint!: SecureMintToken
  private ace!: AceMintGate
  private stablecoin!: PausableStablecoin
  private stablecoinAddress!: string
  private guard!: ReserveGuard
  private upkeep!: RegisteredUpkeep
  private mintBlock = 0
  /** the auditor's attestation API and the secure-mint adapter (step 8) */
  private auditor?: ApiServer
  private budgetAdapter?: AdapterServer
  private readonly summary: OvermintSummary
  private readonly print: (line: string) => void

  constructor(private readonly options: OvermintOptions) {
    this.print = options.print ?? (() => {})
    this.summary = {
      scenario: 'overmint',
      ok: false,
      wallTimeMs: 0,
      overmint: {
        tokens: OVERMINT_TOKENS.toString(),
        reservesUsd: RESERVES_USD.toString(),
        supplyBefore: SUPPLY_TOKENS.toString(),
      },
      steps: OVERMINT_STEPS.map(([title], i) => ({
        step: i + 1,
        title,
        expected: '',
        observed: '',
        outcome: 'not run',
        facts: {},
      })),
    }
  }

  async run(): Promise<OvermintSummary> {
    const started = Date.now()
    const bodies = [
      this.startChain,
      this.deploy,
      this.secureMintRefuses,
      this.aceRefuses,
      this.ungatedMint,
      this.mintLogPause,
      this.holderInBetween,
      this.mintableBudget,
      this.burnAndUnpause,
    ]
    try {
      await playSteps(
        this.print,
        this.summary.steps,
        bodies.map((body) => body.bind(this)),
        this.stepHooks(),
      )
    } finally {
      const runner = this.options.runner
      if (runner) runner.onClose(() => this.cleanUp())
      else await this.cleanUp()
    }
    this.summary.ok = this.summary.steps.every((s) => s.outcome === 'ok')
    this.summary.wallTimeMs = Date.now() - started
    for (const line of overmintSummaryLines(this.summary)) this.print(line)
    return this.summary
  }

  /** Each step recorded with what should happen and what did: a step that did not see it fails. */
  private stepHooks(): StepHooks<OvermintStep, StepContext> {
    const also = (before: string, text: string) => (before ? `${before}; ${text}` : text)
    return {
      begin: (record, narration) => {
        let described = true
        const context: StepContext = {
          ...narration,
          expect: (text) => {
            record.expected = also(record.expected, text)
            this.print(`      expected: ${text}`)
          },
          observe: (text, ok) => {
            record.observed = also(record.observed, text)
            this.print(`      observed: ${text}${ok ? '' : '   <- NOT AS DESCRIBED'}`)
            if (!ok) described = false
          },
          atBlock: (block) => (record.block = block),
        }
        return { context, described: () => described }
      },
      failed: (record, failure) => (record.observed = also(record.observed, failure)),
    }
  }

  private async fundedWallet(): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, this.provider)
    await this.provider.send('hardhat_setBalance', [wallet.address, toQuantity(parseEther('1000'))])
    return wallet
  }

  // ---------------------------------------------------------------- 1

  private async startChain(s: StepContext): Promise<void> {
    s.expect('a hardhat node answering chain id 31337')
    this.chain = await startHardhatNode('localA', 31337)
    this.provider = chainProvider(this.chain.url, this.chain.chainId)
    const chainId = Number((await this.provider.getNetwork()).chainId)
    this.summary.chain = { chainId, url: this.chain.url }
    s.observe(`chain id ${chainId} at ${this.chain.url}`, chainId === 31337)
    this.actors = {
      issuer: await this.fundedWallet(),
      oracle: await this.fundedWallet(),
      chainlink: await this.fundedWallet(),
      unpauser: await this.fundedWallet(),
      customer: await this.fundedWallet(),
    }
  }

  // ---------------------------------------------------------------- 2

  private async deploy(s: StepContext): Promise<void> {
    const { issuer, oracle, chainlink, unpauser, customer } = this.actors
    s.expect(
      'each token backed (reserves $1,000,000,000, supply 900,000,000); the guard holds the stablecoin’s PAUSER_ROLE; ' +
        'the mint-log upkeep listens to the stablecoin’s mints and its forwarder holds FORWARDER_ROLE',
    )
    const feed = async (what: string) => {
      const f = await deployAggregatorFeed(issuer, oracle, { decimals: FEED_DECIMALS, description: what })
      await f.submit(usd(RESERVES_USD))
      return f
    }
    this.feeds = {
      secureMint: await feed('sUSD reserves (USD)'),
      ace: await feed('cUSD reserves (USD)'),
      stablecoin: await feed('USDX reserves (USD)'),
    }
    // SecureMintToken, minting within its feed.
    this.secureMint = await deploySecureMintToken(
      issuer,
      'Secure USD',
      'sUSD',
      issuer.address,
      ADMIN_DELAY_SECONDS,
      this.feeds.secureMint.proxyAddress,
      GUARD_RULES.heartbeat,
      GUARD_RULES.marginMode,
      GUARD_RULES.marginAmount,
    )
    await mined(this.secureMint.grantRole(Role.MINTER, issuer.address))
    await mined(this.secureMint.mint(customer.address, SUPPLY_TOKENS * unit(SECURE_MINT_DECIMALS)))
    // ACE: ComplianceTokenERC20, PausePolicy, OnlyOwnerPolicy (the owner is the one minter), SecureMintPolicy.
    this.ace = await deployAceMintGate(issuer, {
      name: 'Compliance USD',
      symbol: 'cUSD',
      decimals: DOLLAR_DECIMALS,
      secureMint: {
        reservesFeed: this.feeds.ace.proxyAddress,
        maxStalenessSeconds: BigInt(GUARD_RULES.heartbeat),
      },
    })
    await mined(this.ace.token.mint(customer.address, SUPPLY_TOKENS * unit(DOLLAR_DECIMALS)))
    // The ungated stablecoin, and the guard watching it.
    this.stablecoin = await deployPausableStablecoin(issuer, 'Dollar X', 'USDX', issuer.address)
    this.stablecoinAddress = await this.stablecoin.getAddress()
    await mined(this.stablecoin.grantRole(Role.MINTER, issuer.address))
    await mined(this.stablecoin.mint(customer.address, SUPPLY_TOKENS * unit(DOLLAR_DECIMALS)))
    const { guard } = await deployGuard(issuer)
    this.guard = guard
    await protectPausable(guard, this.stablecoin, this.feeds.stablecoin.proxyAddress, GUARD_RULES)
    await grantUnpauser(guard, unpauser.address)
    // Automation 2.3, and the mint-log upkeep registered with the upkeeps tooling.
    this.automation = await deployAutomation(chainlink, issuer.address, parseEther('50'))
    this.upkeep = await registerUpkeep(this.provider, this.automation, this.chain!.url, issuer.privateKey, {
      guard: await guard.getAddress(),
      trigger: 'mint-log',
      token: this.stablecoinAddress,
      amount: UPKEEP_FUNDING,
      name: 'USDX reserve guard (mints)',
    })
    const started = await LocalDon.start(this.provider, this.automation.deployment, [this.upkeep.id])
    this.don = started.don
    this.summary.contracts = {
      secureMintToken: await this.secureMint.getAddress(),
      aceToken: this.ace.tokenAddress,
      acePolicyEngine: this.ace.engineAddress,
      aceSecureMintPolicy: await this.ace.secureMint.getAddress(),
      stablecoin: this.stablecoinAddress,
      guard: await guard.getAddress(),
      registry: this.automation.deployment.registry,
    }
    for (const [name, address] of Object.entries(this.summary.contracts))
      s.say(`${name.padEnd(20)} ${address}`)
    s.say(
      `upkeep ${this.upkeep.id.toString().slice(0, 12)}… (mint-log), ${this.upkeep.balance} LINK; runner: ${started.description}`,
    )

    const backed = [
      (await this.secureMint.reserveStatus(0n)).verdict === 0n,
      (await aceMintOutcome(this.ace, issuer.address, 0n)) === MINTED,
      (await this.guard.assetStatus(this.stablecoinAddress)).verdict === 0n,
    ]
    const pauser = await this.stablecoin.hasRole(Role.PAUSER, await guard.getAddress())
    const forwarder = await guard.hasRole(Role.FORWARDER, this.upkeep.forwarder)
    const listens = this.upkeep.listensTo === this.stablecoinAddress
    s.fact('upkeepId', this.upkeep.id.toString())
    const dashboard = await this.options.runner?.watch({
      rpcUrl: this.chain!.url,
      chainId: this.summary.chain!.chainId,
      guard: await guard.getAddress(),
      registry: this.automation.deployment.registry,
      upkeeps: [this.upkeep.id],
      adapters: [],
    })
    if (dashboard) {
      s.say(`the dashboard: ${dashboard}`)
      this.summary.dashboard = dashboard
    }
    s.observe(
      `backed: ${backed.map((b) => (b ? 'yes' : 'NO')).join(', ')}; guard pauser: ${pauser}; upkeep listens to ` +
        `${this.upkeep.listensTo} (${listens ? 'the stablecoin' : 'NOT the stablecoin'}), forwarder allowed: ${forwarder}`,
      backed.every(Boolean) && pauser && forwarder && listens,
    )
  }

  // ---------------------------------------------------------------- 3, 4

  private async secureMintRefuses(s: StepContext): Promise<void> {
    const amount = OVERMINT_TOKENS * unit(SECURE_MINT_DECIMALS)
    s.expect('refused: MintNotBacked(Short, InsufficientReserves), the supply unchanged')
    const refusal = await revertOf(this.secureMint.mint.staticCall(this.actors.issuer.address, amount)).catch(
      (error: Error) => ({ name: `no revert (${error.message.split('\n')[0]})`, args: [] as string[] }),
    )
    const reason = refusal.name === 'MintNotBacked' ? enumName(Reason, BigInt(refusal.args[1])) : ''
    const supply = await this.secureMint.totalSupply()
    s.atBlock(await this.provider.getBlockNumber())
    s.fact('refusal', refusal)
    s.observe(
      `${refusal.name}${reason ? `(${reason})` : ''}; supply ${grouped(supply, SECURE_MINT_DECIMALS)} sUSD`,
      refusal.name === 'MintNotBacked' &&
        reason === 'InsufficientReserves' &&
        supply === SUPPLY_TOKENS * unit(SECURE_MINT_DECIMALS),
    )
  }

  private async aceRefuses(s: StepContext): Promise<void> {
    const amount = OVERMINT_TOKENS * unit(DOLLAR_DECIMALS)
    const expected = 'refused: mint would exceed available reserves'
    s.expect(`${expected} (SecureMintPolicy, through the PolicyEngine), the supply unchanged`)
    const outcome = await aceMintOutcome(this.ace, this.actors.issuer.address, amount)
    const supply = await this.ace.token.totalSupply()
    s.atBlock(await this.provider.getBlockNumber())
    s.fact('outcome', outcome)
    s.observe(
      `${outcome}; supply ${grouped(supply, DOLLAR_DECIMALS)} cUSD`,
      outcome === expected && supply === SUPPLY_TOKENS * unit(DOLLAR_DECIMALS),
    )
  }

  // ---------------------------------------------------------------- 5, 6

  private async ungatedMint(s: StepContext): Promise<void> {
    const amount = OVERMINT_TOKENS * unit(DOLLAR_DECIMALS)
    s.expect('minted: nothing on the token compares a mint with the reserves')
    const receipt = await mined(this.stablecoin.mint(this.actors.issuer.address, amount))
    this.mintBlock = receipt.blockNumber
    const supply = await this.stablecoin.totalSupply({ blockTag: receipt.blockNumber })
    s.atBlock(receipt.blockNumber)
    s.fact('mintBlock', receipt.blockNumber)
    s.fact('supply', supply.toString())
    s.observe(
      `minted at block ${receipt.blockNumber}: supply ${grouped(supply, DOLLAR_DECIMALS)} USDX against ` +
        `$${grouped(RESERVES_USD, 0)} of reserves`,
      receipt.status === 1 && supply === (SUPPLY_TOKENS + OVERMINT_TOKENS) * unit(DOLLAR_DECIMALS),
    )
  }

  private async mintLogPause(s: StepContext): Promise<void> {
    s.expect(
      'the registry performs the mint-log upkeep on the mint’s Transfer log, and the guard pauses the token ' +
        '(AssetPaused, InsufficientReserves) in the next block',
    )
    const perform = await this.don!.perform(
      this.mintBlock,
      (p) => p.upkeepId === this.upkeep.id && pauseIn(p.guardEvents, this.stablecoinAddress) !== undefined,
    )
    const receipt = (await this.provider.getTransactionReceipt(perform.txHash))!
    const paused = pauseIn(perform.guardEvents, this.stablecoinAddress)!
    const blocks = receipt.blockNumber - this.mintBlock
    this.summary.pause = {
      mintBlock: this.mintBlock,
      pauseBlock: receipt.blockNumber,
      blocks,
      upkeepId: this.upkeep.id.toString(),
      reason: paused.reason,
    }
    s.atBlock(receipt.blockNumber)
    s.fact('performTx', perform.txHash)
    s.fact('viaRegistry', receipt.to === this.automation!.deployment.registry)
    const pausedNow = await isPaused(this.guard, this.stablecoinAddress)
    s.observe(
      `paused at block ${receipt.blockNumber}, ${blocksLater(blocks)} than the mint, by upkeep ` +
        `${this.upkeep.id.toString().slice(0, 12)}… through the registry's transmit (${paused.reason}, supply ` +
        `${grouped(paused.supply, DOLLAR_DECIMALS)})`,
      blocks === 1 &&
        paused.reason === 'InsufficientReserves' &&
        pausedNow &&
        receipt.to === this.automation!.deployment.registry,
    )
  }

  // ---------------------------------------------------------------- 7

  /** What the token answers to each of the holder's actions at `block` (a static call at that block). */
  private async holderActions(block: number): Promise<HolderActions> {
    const { issuer, customer } = this.actors
    const coin = this.stablecoin.connect(issuer)
    const unitAmount = unit(DOLLAR_DECIMALS)
    const at = { blockTag: block }
    const answer = (call: Promise<unknown>) =>
      call.then(
        () => 'ok',
        (error: { revert?: { name: string } }) => error.revert?.name ?? 'reverted',
      )
    return {
      block,
      actions: {
        'transfer to anyone (an exchange, a lending market)': await answer(
          coin.transfer.staticCall(customer.address, OVERMINT_TOKENS * unitAmount, at),
        ),
        'mint more': await answer(coin.mint.staticCall(issuer.address, unitAmount, at)),
        'burn the mistake': await answer(coin.burn.staticCall(OVERMINT_TOKENS * unitAmount, at)),
      },
    }
  }

  private async holderInBetween(s: StepContext): Promise<void> {
    const pause = this.summary.pause!
    s.expect(
      `in the mint's block (${pause.mintBlock}), before the pause: every action goes through; from the pause ` +
        `(block ${pause.pauseBlock}): transfers and mints refused (EnforcedPause), burning open`,
    )
    const between = await this.holderActions(pause.mintBlock)
    const afterPause = await this.holderActions(pause.pauseBlock)
    s.atBlock(pause.pauseBlock)
    this.summary.holder = { between, afterPause }
    const rows = Object.keys(between.actions).map((action) => [
      action,
      between.actions[action],
      afterPause.actions[action],
    ])
    for (const line of table(
      ['the holder of the 300 trillion', `block ${between.block}`, `block ${afterPause.block}`],
      rows,
      new Set(),
    )) {
      s.say(line)
    }
    const expectedAfter = ['EnforcedPause', 'EnforcedPause', 'ok']
    s.observe(
      `in between: ${Object.values(between.actions).join(', ')}; after: ${Object.values(afterPause.actions).join(', ')}`,
      Object.values(between.actions).every((a) => a === 'ok') &&
        JSON.stringify(Object.values(afterPause.actions)) === JSON.stringify(expectedAfter),
    )
  }

  // ---------------------------------------------------------------- 8

  /**
   * Asks the secure-mint adapter, served over HTTP on loopback, for the stablecoin's budget as a node's bridge task
   * does: its reserves the auditor's attestation (a loopback attestation API serving the figure the reserve feed
   * carries), its supply read `head − mint block` confirmations deep, so at the mint's block.
   */
  private async mintableBudget(s: StepContext): Promise<void> {
    const minted = (SUPPLY_TOKENS + OVERMINT_TOKENS) * unit(DOLLAR_DECIMALS)
    const reserve = RESERVES_USD * unit(DOLLAR_DECIMALS)
    s.expect(
      `the secure-mint adapter, asked over HTTP at the mint's block (${this.mintBlock}): supply ` +
        `${grouped(minted, DOLLAR_DECIMALS)} USDX read at that block, reserve $${grouped(RESERVES_USD, 0)} (the ` +
        `auditor's attestation, the figure the USDX feed reports), over-mint flagged, every budget 0`,
    )
    this.auditor = await serveAttestationApi({
      [AUDITED_CLIENT]: {
        accountName: 'Dollar X (USDX)',
        totalReserve: RESERVES_USD.toString(),
        totalToken: SUPPLY_TOKENS.toString(),
      },
    })
    const rpc = evmSettingNames(BUDGET_NETWORK)
    this.budgetAdapter = await startAdapterServer(makeSecureMintAdapter(), {
      [rpc.url]: this.chain!.url,
      [rpc.chainId]: String(this.summary.chain!.chainId),
      ATTESTATION_API_URL: this.auditor.url,
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
    s.say(`auditor's attestation API at ${this.auditor.url}/${AUDITED_CLIENT}: $${grouped(RESERVES_USD, 0)}`)
    s.say(`secure-mint adapter at ${this.budgetAdapter.url}`)
    const head = await this.provider.getBlockNumber()
    const confirmations = head - this.mintBlock
    const request = {
      token: 'USDX',
      decimals: DOLLAR_DECIMALS,
      currency: 'USD',
      supplyChains: [{ network: BUDGET_NETWORK, address: this.stablecoinAddress, confirmations }],
      balanceSources: [{ name: 'auditor', provider: 'attestation', client: AUDITED_CLIENT }],
      components: [{ name: 'USD reserves (attested)', currency: 'USD', balanceSource: 'auditor' }],
    }
    s.say(`POST { data: mintable USDX on ${BUDGET_NETWORK}, confirmations ${confirmations} (head ${head}) }`)
    const adapter = this.budgetAdapter
    const answer = await askUntilComputed(() => adapter.bridge(request))
    if (answer.status !== 200) throw new Error(`the adapter answered ${answer.status}: ${answer.text}`)
    const budget = (answer.body as { data: BudgetFigures }).data
    const [chain] = budget.chains
    const feedAnswer = (await this.feeds.stablecoin.proxy.latestRoundData({ blockTag: this.mintBlock }))
      .answer
    // The feed's answer (8 decimals) and the endpoint's reserve (the token's 6), compared exactly.
    const agree = feedAnswer * unit(DOLLAR_DECIMALS) === BigInt(budget.reserve) * unit(FEED_DECIMALS)
    const budgets = [
      budget.result,
      budget.mintable,
      ...budget.chains.map((c) => c.mintable),
      ...Object.values(budget.mintables).map((m) => m.mintable),
    ]
    s.atBlock(chain.blockNumber)
    s.fact('request', request)
    s.fact('overmint', budget.overmint)
    s.fact('mintable', budget.mintable)
    s.fact('mintables', budget.mintables)
    s.fact('blockNumber', chain.blockNumber)
    s.fact('blockHash', chain.blockHash)
    s.fact('supply', budget.supply)
    s.fact('reserve', budget.reserve)
    s.fact(
      'reserveSource',
      budget.reserves.components.map((c) => c.provider),
    )
    s.fact('feedAnswer', feedAnswer.toString())
    s.observe(
      `overmint ${budget.overmint}: supply ${grouped(BigInt(chain.supply), DOLLAR_DECIMALS)} USDX read at block ` +
        `${chain.blockNumber} + pre-mint ${budget.preMint} > reserve $${grouped(BigInt(budget.reserve), DOLLAR_DECIMALS)} ` +
        `(attested; the feed ${agree ? 'agrees' : `DISAGREES: ${feedAnswer}`}); mintable ${budget.mintable} ` +
        `(chain ${chain.chainId}: ${budget.mintables[chain.chainId]?.mintable})`,
      budget.overmint &&
        budgets.every((m) => m === '0') &&
        chain.blockNumber === this.mintBlock &&
        budget.latestBlocks[chain.chainId] === this.mintBlock &&
        budget.supply === minted.toString() &&
        budget.reserve === reserve.toString() &&
        agree,
    )
  }

  // ---------------------------------------------------------------- 9

  private async burnAndUnpause(s: StepContext): Promise<void> {
    const { issuer, unpauser } = this.actors
    s.expect(
      'unpausing refused while short (AssetNotBacked); the issuer burns the 300 trillion (burning stays open while ' +
        'paused); the unpauser lifts the pause through the guard; a mint within the reserves goes through again',
    )
    const early = await unpauseRefusal(this.guard, unpauser, this.stablecoinAddress)
    await mined(this.stablecoin.connect(issuer).burn(OVERMINT_TOKENS * unit(DOLLAR_DECIMALS)))
    const unpaused = await unpauseThroughGuard(this.guard, unpauser, this.stablecoinAddress)
    const minted = await mined(this.stablecoin.connect(issuer).mint(issuer.address, unit(DOLLAR_DECIMALS)))
    const supply = await this.stablecoin.totalSupply()
    s.atBlock(minted.blockNumber)
    s.fact('unpauseWhileShort', early)
    s.fact('unpauseBlock', unpaused.block)
    s.observe(
      `unpause while short: ${early.name}; burned; unpaused at block ${unpaused.block} by ${unpaused.by}; ` +
        `minted 1 USDX at block ${minted.blockNumber}: supply ${grouped(supply, DOLLAR_DECIMALS)}`,
      early.name === 'AssetNotBacked' &&
        !(await this.stablecoin.paused()) &&
        supply === SUPPLY_TOKENS * unit(DOLLAR_DECIMALS) + unit(DOLLAR_DECIMALS),
    )
  }

  // ---------------------------------------------------------------- clean-up

  private async cleanUp(): Promise<void> {
    await this.don?.stop().catch(() => {})
    await this.budgetAdapter?.close().catch(() => {})
    await this.auditor?.close().catch(() => {})
    this.automation?.dispose()
    this.provider?.destroy()
    this.chain?.process.kill('SIGTERM')
  }
}

/**
 * Runs the over-mint rehearsal and returns its timeline ({@link OvermintSummary}); narrates it through
 * `options.print`. `ok` is true when every step happened as described.
 */
export function runOvermint(options: OvermintOptions = {}): Promise<OvermintSummary> {
  return new Overmint(options).run()
}

/** The closing lines: a table of the steps (expected, observed, outcome), the pause, the verdict. */
export function overmintSummaryLines(summary: OvermintSummary): string[] {
  const rows = summary.steps.map((step) => [
    String(step.step),
    OVERMINT_STEPS[step.step - 1][1],
    step.outcome,
    step.block === undefined ? '' : String(step.block),
    step.observed.split('\n')[0].slice(0, 110),
  ])
  const lines = [
    '',
    'Summary',
    ...table(['#', 'step', 'outcome', 'block', 'observed'], rows, new Set([0, 3])).map((l) => `  ${l}`),
    '',
  ]
  const pause = summary.pause
  if (pause) {
    lines.push(
      `  300 trillion minted at block ${pause.mintBlock} on the token without a mint gate, paused at block ` +
        `${pause.pauseBlock}: ${blocksLater(pause.blocks)}, by the mint-log upkeep. SecureMintToken and ACE's ` +
        'SecureMintPolicy refused the same mint.',
    )
  }
  const failed = summary.steps.find((step) => step.outcome === 'failed')
  if (failed) lines.push(`  Step ${failed.step} did NOT happen as described.`)
  lines.push(
    `  ${summary.ok ? 'Every step happened as described' : 'The scenario FAILED'}; wall time ${seconds(summary.wallTimeMs)} s.`,
  )
  return lines
}
