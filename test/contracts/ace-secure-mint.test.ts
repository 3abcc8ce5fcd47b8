/**
 * Our feeds drive Chainlink's gate: Chainlink ACE 1.0.0's own contracts (compiled from `@chainlink/ace` and
 * deployed behind their proxies as ACE deploys them, devkit/ace.ts) gate a ComplianceTokenERC20's `mint` with
 * SecureMintPolicy reading our reserve feeds:
 *
 * - the Automation path's feed: a Chainlink aggregator (FluxAggregator) behind EACAggregatorProxy, as the demo's;
 * - the CRE path's feed: Chainlink's DataFeedsCache behind its EACAggregatorProxy, written through the real
 *   KeystoneForwarder by reports of the por-feed workflow (its own encoder), signed by a local DON.
 *
 * On both, a mint above the reserves is refused and one within them goes through; on the CRE feed, whose report
 * timestamps we choose, the staleness limit and every margin mode are exercised too. The gate is also paused and
 * unpaused through ACE's PausePolicy, the way the guard's ACE pause mode drives it (ace-pause-guard.test.ts).
 */
import { Wallet, ZeroAddress, getAddress, id, type JsonRpcProvider, type Signer } from 'ethers'
import { AceRole, PolicyResult, ReserveMarginMode, encodeSecureMintPolicyConfig } from '#chain/ace'
import {
  ARTIFACT,
  complianceTokenERC20At,
  deploySecureMintPolicyImplementation,
  policyEngineAt,
} from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import { MINTED, aceMintOutcome, aceRefusal, deployAceMintGate, type AceMintGate } from '#devkit/ace'
import { deployAggregatorFeed, deployCreFeed, type AggregatorFeed, type CreFeed } from '#devkit/data-feeds'
import { deliver, deployLocalKeystone, signedReport, type LocalKeystone } from '#devkit/keystone'
import { onChainWorkflowName } from '#devkit/data-feeds'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { encodeDecimalReports } from '#workflows/por-feed/report'
import { latestTimestamp, revertOf, simulateDeploy, unit } from './helpers'

const DECIMALS = 8
const BTC = unit(DECIMALS)
const EXCEEDS = 'mint would exceed available reserves'
const REFUSED = `refused: ${EXCEEDS}`
/** OpenZeppelin's ERC-1967 implementation slot: where each proxy keeps its implementation's address. */
const IMPLEMENTATION_SLOT = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc'

let provider: JsonRpcProvider
let issuer: Signer
let issuerAddress: string
let oracle: Signer
let stranger: Signer
let holder: string

beforeAll(async () => {
  provider = localProvider()
  ;[issuer, oracle, stranger] = await Promise.all([1, 2, 3].map(() => fundedSigner(provider)))
  issuerAddress = await issuer.getAddress()
  holder = Wallet.createRandom().address
})

afterAll(() => provider.destroy())

/** What `gate`'s token answers to a mint of `amount` now: minted, or why not. */
const mintOutcome = (gate: AceMintGate, amount: bigint, from: Signer = issuer) =>
  aceMintOutcome(gate, holder, amount, { from })

describe('Chainlink ACE, deployed as ACE deploys it', () => {
  let gate: AceMintGate
  const reservesFeed = Wallet.createRandom().address

  beforeAll(async () => {
    gate = await deployAceMintGate(issuer, { secureMint: { reservesFeed, maxStalenessSeconds: 600n } })
  })

  it('puts the engine, the token and each policy behind its own ERC1967Proxy, each initialized once', async () => {
    const proxied = [gate.engine, gate.token, gate.onlyOwner, gate.pause, gate.secureMint]
    for (const contract of proxied) {
      const proxy = await contract.getAddress()
      const slot = await provider.getStorage(proxy, IMPLEMENTATION_SLOT)
      const implementation = getAddress(`0x${slot.slice(26)}`)
      expect(implementation).not.toBe(ZeroAddress)
      expect(await provider.getCode(implementation)).not.toBe('0x')
      expect(implementation).not.toBe(proxy)
    }
    // The implementations disable their initializers; a proxy cannot be initialized twice.
    const engineImplementation = policyEngineAt(
      getAddress(`0x${(await provider.getStorage(gate.engineAddress, IMPLEMENTATION_SLOT)).slice(26)}`),
      issuer,
    )
    for (const engine of [gate.engine, engineImplementation]) {
      await revertOf(engine.initialize.staticCall(true, issuerAddress), engine, 'InvalidInitialization')
    }
    await revertOf(
      gate.token.initialize.staticCall('x', 'x', DECIMALS, gate.engineAddress),
      gate.token,
      'InvalidInitialization',
    )
    await revertOf(
      gate.secureMint.initialize.staticCall(gate.engineAddress, issuerAddress, '0x'),
      gate.secureMint,
      'InvalidInitialization',
    )
  })

  it('wires the token to its engine and runs PausePolicy (first), OnlyOwnerPolicy and SecureMintPolicy on mint, in order', async () => {
    expect(await gate.engine.typeAndVersion()).toBe('PolicyEngine 1.0.0')
    expect(await gate.secureMint.typeAndVersion()).toBe('SecureMintPolicy 1.0.0')
    expect(await gate.pause.typeAndVersion()).toBe('PausePolicy 1.0.0')
    expect(await gate.token.getPolicyEngine()).toBe(gate.engineAddress)
    expect(await gate.token.owner()).toBe(issuerAddress)
    expect([await gate.token.decimals(), await gate.token.symbol()]).toEqual([BigInt(DECIMALS), 'cBTC'])
    expect(await gate.engine.getPolicies(gate.tokenAddress, gate.mintSelector)).toEqual(
      await Promise.all([gate.pause, gate.onlyOwner, gate.secureMint].map((p) => p.getAddress())),
    )
    expect(await gate.engine.getExtractor(gate.mintSelector)).toBe(await gate.extractor.getAddress())
    // The roles the mirror names, all held by the issuer.
    expect([await gate.engine.ADMIN_ROLE(), await gate.engine.POLICY_CONFIG_ADMIN_ROLE()]).toEqual([
      AceRole.ADMIN,
      AceRole.POLICY_CONFIG_ADMIN,
    ])
    for (const role of [AceRole.ADMIN, AceRole.POLICY_CONFIG_ADMIN, await gate.engine.DEFAULT_ADMIN_ROLE()]) {
      expect(await gate.engine.hasRole(role, issuerAddress)).toBe(true)
    }
    // The SecureMintPolicy's configuration reads back as encoded.
    expect(await gate.secureMint.reservesFeed()).toBe(reservesFeed)
    expect(await gate.secureMint.reserveMarginMode()).toBe(ReserveMarginMode.None)
    expect(await gate.secureMint.reserveMarginAmount()).toBe(0n)
    expect(await gate.secureMint.maxStalenessSeconds()).toBe(600n)
    expect(await gate.pause.s_paused()).toBe(false)
  })

  it("the unpaused PausePolicy and the owner's OnlyOwnerPolicy say Continue; others are rejected by name", async () => {
    const args: [string, string, string, string[], string] = [
      issuerAddress,
      gate.tokenAddress,
      gate.mintSelector,
      [],
      '0x',
    ]
    expect(await gate.pause.run(...args)).toBe(PolicyResult.Continue)
    expect(await gate.onlyOwner.run(...args)).toBe(PolicyResult.Continue)
    const strangerAddress = await stranger.getAddress()
    const [reason] = await revertOf(
      gate.onlyOwner.run.staticCall(strangerAddress, gate.tokenAddress, gate.mintSelector, [], '0x'),
      gate.onlyOwner,
      'PolicyRejected',
    )
    expect(reason).toBe('caller is not the policy owner')
  })

  it('refuses a SecureMintPolicy configured for a token whose decimals differ from the policy’s', async () => {
    const implementation = await deploySecureMintPolicyImplementation(issuer)
    const initialize = implementation.interface.encodeFunctionData('initialize', [
      gate.engineAddress,
      issuerAddress,
      encodeSecureMintPolicyConfig({
        reservesFeed,
        marginMode: ReserveMarginMode.None,
        marginAmount: 0n,
        maxStalenessSeconds: 0n,
        token: gate.tokenAddress,
        tokenDecimals: 18,
      }),
    ])
    // Simulated: a deployment that reverts would use up a nonce of the signer's NonceManager.
    await expect(
      simulateDeploy(issuer, ARTIFACT.ERC1967Proxy, await implementation.getAddress(), initialize),
    ).rejects.toThrow('decimals mismatch with token metadata')
  })
})

describe("the Automation path's feed (a Chainlink aggregator behind EACAggregatorProxy) drives SecureMintPolicy", () => {
  let feed: AggregatorFeed
  let gate: AceMintGate

  beforeAll(async () => {
    feed = await deployAggregatorFeed(issuer, oracle, { decimals: DECIMALS, description: 'cBTC reserves' })
    gate = await deployAceMintGate(issuer, {
      secureMint: { reservesFeed: feed.proxyAddress, maxStalenessSeconds: 86_400n },
    })
  })

  it('refuses every mint before the first answer: the aggregator reverts, and the engine reports the policy’s error', async () => {
    const refusal = await aceRefusal(gate.engine, gate.token.mint.staticCall(holder, 1n))
    expect(refusal).toMatchObject({ kind: 'error', policy: await gate.secureMint.getAddress() })
    // Error(string) "No data present", from the aggregator, through the proxy and the policy.
    expect(refusal.kind === 'error' && refusal.error).toBe(
      feed.proxy.interface.encodeErrorResult('Error', ['No data present']),
    )
  })

  it('allows a mint within the reserves and refuses one above them, as the reserves move', async () => {
    await feed.submit(100n * BTC)
    expect(await mintOutcome(gate, 100n * BTC + 1n)).toBe(REFUSED)
    const receipt = await mined(gate.token.mint(holder, 100n * BTC))
    expect(eventsNamed(receipt, gate.engine, 'PolicyRunComplete')).toHaveLength(1)
    expect(await gate.token.totalSupply()).toBe(100n * BTC)
    // Fully backed: not one unit more.
    expect(await mintOutcome(gate, 1n)).toBe(REFUSED)

    await feed.submit(150n * BTC)
    expect(await mintOutcome(gate, 50n * BTC + 1n)).toBe(REFUSED)
    await mined(gate.token.mint(holder, 50n * BTC))

    // Reserves fall below the supply: the gate refuses every mint, but pauses nothing else.
    await feed.submit(120n * BTC)
    expect(await mintOutcome(gate, 1n)).toBe(REFUSED)
    expect(await gate.token.balanceOf(holder)).toBe(150n * BTC)
  })

  it('names the refusal: the policy, its reason, and the call it refused', async () => {
    const amount = 1n
    let data: string | undefined
    try {
      await gate.token.mint.staticCall(holder, amount)
    } catch (e) {
      data = (e as { data?: string }).data
    }
    const parsed = gate.engine.interface.parseError(data!)
    expect(parsed?.name).toBe('PolicyRunRejected')
    const [policy, reason, payload] = parsed!.args
    expect([policy, reason]).toEqual([await gate.secureMint.getAddress(), EXCEEDS])
    expect([payload.selector, payload.sender, payload.context]).toEqual([
      gate.mintSelector,
      issuerAddress,
      '0x',
    ])
    expect(payload.data).toBe(
      `0x${gate.token.interface.encodeFunctionData('mint', [holder, amount]).slice(10)}`,
    )
  })

  it("lets only the token owner mint (ACE's OnlyOwnerPolicy), even within the reserves", async () => {
    await feed.submit(1_000n * BTC)
    expect(await mintOutcome(gate, 1n, stranger)).toBe('refused: caller is not the policy owner')
    expect(await mintOutcome(gate, 1n)).toBe(MINTED)
  })

  it("is paused and unpaused through ACE's PausePolicy by its owner alone (setPausedState, read with s_paused)", async () => {
    const asStranger = gate.pause.connect(stranger)
    const [account] = await revertOf(
      asStranger.setPausedState.staticCall(true),
      gate.pause,
      'OwnableUnauthorizedAccount',
    )
    expect(account).toBe(await stranger.getAddress())

    await mined(gate.token.mint(issuerAddress, BTC))
    let receipt = await mined(gate.pause.setPausedState(true))
    expect(eventsNamed(receipt, gate.pause, 'PauseStateChanged').map((e) => e.paused)).toEqual([true])
    expect(await gate.pause.s_paused()).toBe(true)
    expect(await mintOutcome(gate, 1n)).toBe('refused: contract is paused')
    // Setting the state it already has is refused, not a no-op.
    await expect(gate.pause.setPausedState.staticCall(true)).rejects.toThrow(
      'new paused state must be different from current paused state',
    )
    // The policy is attached to mint only: a holder still transfers.
    await mined(gate.token.transfer(holder, BTC))
    expect(await complianceTokenERC20At(gate.tokenAddress, provider).balanceOf(holder)).toBe(150n * BTC + BTC)

    receipt = await mined(gate.pause.setPausedState(false))
    expect(eventsNamed(receipt, gate.pause, 'PauseStateChanged').map((e) => e.paused)).toEqual([false])
    expect(await mintOutcome(gate, 1n)).toBe(MINTED)
  })
})

describe("the CRE path's feed (DataFeedsCache behind EACAggregatorProxy, through KeystoneForwarder) drives SecureMintPolicy", () => {
  const WORKFLOW_OWNER = Wallet.createRandom().address
  const WORKFLOW_NAME = 'por-feed'
  let keystone: LocalKeystone
  let feed: CreFeed
  let gate: AceMintGate
  const STALENESS = 3_600n

  /** The por-feed workflow's report of `answer` as of `timestamp`, signed by the DON and delivered. */
  async function report(answer: bigint, timestamp: bigint): Promise<void> {
    const call = signedReport(
      keystone,
      feed.cacheAddress,
      {
        workflowId: id('por-feed workflow, build 1'),
        workflowOwner: WORKFLOW_OWNER,
        workflowName: onChainWorkflowName(WORKFLOW_NAME),
      },
      encodeDecimalReports([{ dataId: feed.dataId, timestamp, answer }]),
    )
    const { delivered } = await deliver(keystone, oracle, call)
    expect(delivered).toBe(true)
  }

  beforeAll(async () => {
    keystone = await deployLocalKeystone(issuer)
    feed = await deployCreFeed(issuer, {
      decimals: DECIMALS,
      description: 'cBTC reserves (CRE)',
      writers: [{ forwarder: keystone.address, workflowOwner: WORKFLOW_OWNER, workflowName: WORKFLOW_NAME }],
    })
    gate = await deployAceMintGate(issuer, {
      secureMint: { reservesFeed: feed.proxyAddress, maxStalenessSeconds: STALENESS },
    })
  })

  it('refuses every mint before the first report: the empty feed (updatedAt 0) is stale', async () => {
    expect(await mintOutcome(gate, 1n)).toBe('refused: reserve data is stale')
  })

  it('refuses an answer older than the staleness limit, unless the limit is 0 (ACE’s default: any age)', async () => {
    await report(500n * BTC, (await latestTimestamp(provider)) - 2n * STALENESS)
    expect((await feed.proxy.latestRoundData()).answer).toBe(500n * BTC)
    expect(await mintOutcome(gate, 1n)).toBe('refused: reserve data is stale')

    const receipt = await mined(gate.secureMint.setMaxStalenessSeconds(0n))
    expect(
      eventsNamed(receipt, gate.secureMint, 'MaxStalenessSecondsSet').map((e) => e.maxStalenessSeconds),
    ).toEqual([0n])
    expect(await mintOutcome(gate, 500n * BTC)).toBe(MINTED)
    expect(await mintOutcome(gate, 500n * BTC + 1n)).toBe(REFUSED)
    await mined(gate.secureMint.setMaxStalenessSeconds(STALENESS))
    expect(await mintOutcome(gate, 1n)).toBe('refused: reserve data is stale')
  })

  it('allows a mint within a fresh report and refuses one above it', async () => {
    await report(500n * BTC, (await latestTimestamp(provider)) - 60n)
    expect(await mintOutcome(gate, 500n * BTC + 1n)).toBe(REFUSED)
    await mined(gate.token.mint(holder, 400n * BTC))
    expect(await gate.token.totalSupply()).toBe(400n * BTC)
    expect(await mintOutcome(gate, 100n * BTC + 1n)).toBe(REFUSED)
  })

  /**
   * Reserves 500 BTC, supply 400 BTC. Each mode's mintable supply (chain/ace.ts), and so the most that may
   * still be minted: at that amount the mint goes through, one unit (10^-8 BTC) more is refused.
   */
  it.each([
    ['None', ReserveMarginMode.None, 0n, 100n * BTC],
    // 500 × (10 000 − 1 000) / 10 000 = 450
    ['PositivePercentage', ReserveMarginMode.PositivePercentage, 1_000n, 50n * BTC],
    // 500 − 30 = 470
    ['PositiveAbsolute', ReserveMarginMode.PositiveAbsolute, 30n * BTC, 70n * BTC],
    // 500 × (10 000 + 250) / 10 000 = 512.5: more than the reserves
    ['NegativePercentage', ReserveMarginMode.NegativePercentage, 250n, 112n * BTC + BTC / 2n],
    // 500 + 7 = 507
    ['NegativeAbsolute', ReserveMarginMode.NegativeAbsolute, 7n * BTC, 107n * BTC],
    // 100%: nothing may be minted
    ['PositivePercentage, 100%', ReserveMarginMode.PositivePercentage, 10_000n, -1n],
    // reserves below the margin: nothing (not an underflow)
    ['PositiveAbsolute above the reserves', ReserveMarginMode.PositiveAbsolute, 600n * BTC, -1n],
  ])(
    'margin mode %s (enum %s, margin %s): the most that still mints is %s units (-1: nothing)',
    async (_, mode, margin, headroom) => {
      await report(500n * BTC, await latestTimestamp(provider))
      expect(await gate.token.totalSupply()).toBe(400n * BTC)
      if (
        mode !== (await gate.secureMint.reserveMarginMode()) ||
        margin !== (await gate.secureMint.reserveMarginAmount())
      ) {
        const receipt = await mined(gate.secureMint.setReserveMargin(mode, margin))
        expect(
          eventsNamed(receipt, gate.secureMint, 'ReserveMarginSet').map((e) => [e.mode, e.amount]),
        ).toEqual([[mode, margin]])
      }
      if (headroom >= 0n) expect(await mintOutcome(gate, headroom)).toBe(MINTED)
      expect(await mintOutcome(gate, headroom + 1n)).toBe(REFUSED)
    },
  )

  it('refuses margins out of range, by mode', async () => {
    const set = (mode: bigint, amount: bigint) => gate.secureMint.setReserveMargin.staticCall(mode, amount)
    await expect(set(ReserveMarginMode.PositivePercentage, 10_001n)).rejects.toThrow(
      'margin must be <= BASIS_POINTS for percentage modes',
    )
    await expect(set(ReserveMarginMode.NegativePercentage, 10_001n)).rejects.toThrow(
      'margin must be <= BASIS_POINTS for percentage modes',
    )
    await expect(set(ReserveMarginMode.PositiveAbsolute, 0n)).rejects.toThrow(
      'margin must be > 0 for absolute modes',
    )
    await expect(set(ReserveMarginMode.NegativeAbsolute, 0n)).rejects.toThrow(
      'margin must be > 0 for absolute modes',
    )
  })
})
