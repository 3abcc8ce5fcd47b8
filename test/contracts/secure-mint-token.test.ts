import { Wallet, ZeroAddress, type JsonRpcProvider, type Signer } from 'ethers'
import {
  ARTIFACT,
  deployMockReserveFeed,
  deployMockV3Aggregator,
  type MockReserveFeed,
  type SecureMintToken,
} from '#chain/contracts'
import { eventsOf, mined } from '#chain/events'
import {
  FeedFailure,
  MarginMode,
  NO_MARGIN,
  Operation,
  Reason,
  Verdict,
  marginFromBps,
  toResult,
} from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { deployToken, latestTimestamp, revertOf, setTokenRules, simulateDeploy, unit } from './helpers'
import { minimumBackingReserves, trueUsdBuggyBacked } from './reserve-check-model'

const HEARTBEAT = 3_600n
const TOKEN = unit(8)

let provider: JsonRpcProvider
let admin: Signer
let minter: Signer
let pauser: Signer
let holder: Signer
let adminAddress: string
let holderAddress: string

beforeAll(async () => {
  provider = localProvider()
  ;[admin, minter, pauser, holder] = await Promise.all([1, 2, 3, 4].map(() => fundedSigner(provider)))
  adminAddress = await admin.getAddress()
  holderAddress = await holder.getAddress()
})

afterAll(() => provider.destroy())

interface Fixture {
  feed: MockReserveFeed
  token: SecureMintToken
  /** The token as seen by each role. */
  asMinter: SecureMintToken
  asPauser: SecureMintToken
  asHolder: SecureMintToken
}

/** A feed at `feedDecimals` reporting `reserves`, and a token with minter and pauser roles granted. */
async function setup(feedDecimals = 8, reserves = 1_000n * TOKEN, margin = NO_MARGIN): Promise<Fixture> {
  const feed = await deployMockReserveFeed(admin, feedDecimals, reserves)
  const token = await deployToken(admin, adminAddress, feed, Number(HEARTBEAT), margin)
  await mined(token.grantRole(await token.MINTER_ROLE(), await minter.getAddress()))
  await mined(token.grantRole(await token.PAUSER_ROLE(), await pauser.getAddress()))
  return {
    feed,
    token,
    asMinter: token.connect(minter),
    asPauser: token.connect(pauser),
    asHolder: token.connect(holder),
  }
}

describe('SecureMintToken: deployment and roles', () => {
  it('is an 8-decimal ERC-20 with its reserve configuration', async () => {
    const { token, feed } = await setup()
    expect(await token.decimals()).toBe(8n)
    expect(await token.name()).toBe('Secure BTC')
    expect(await token.symbol()).toBe('sBTC')
    expect([...(await token.reserveConfig())]).toEqual([
      await feed.getAddress(),
      HEARTBEAT,
      MarginMode.None,
      0n,
    ])
    expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), adminAddress)).toBe(true)
    const receipt = await token.deploymentTransaction()!.wait()
    const configured = eventsOf(receipt!, token).find((e) => e.name === 'ReserveConfigUpdated')
    expect(configured?.args).toEqual([await feed.getAddress(), HEARTBEAT, MarginMode.None, 0n])
  })

  it('refuses a zero admin, a reserve feed without code and a zero heartbeat', async () => {
    const feed = await deployMockReserveFeed(admin, 8, TOKEN)
    const probe = await deployToken(admin, adminAddress, feed)
    const eoa = Wallet.createRandom().address
    const args = (feedAddress: string, heartbeat: number, tokenAdmin = adminAddress, margin = NO_MARGIN) =>
      [
        'Secure BTC',
        'sBTC',
        tokenAdmin,
        0,
        feedAddress,
        heartbeat,
        margin.marginMode,
        margin.marginAmount,
      ] as const
    expect(
      await revertOf(
        simulateDeploy(admin, ARTIFACT.SecureMintToken, ...args(String(feed.target), 3_600, ZeroAddress)),
        probe,
        'InvalidAdmin',
      ),
    ).toEqual([])
    expect(
      await revertOf(
        simulateDeploy(admin, ARTIFACT.SecureMintToken, ...args(eoa, 3_600)),
        probe,
        'InvalidReserveFeed',
      ),
    ).toEqual([eoa])
    expect(
      await revertOf(
        simulateDeploy(admin, ARTIFACT.SecureMintToken, ...args(String(feed.target), 0)),
        probe,
        'InvalidHeartbeat',
      ),
    ).toEqual([])
    // A margin out of its mode's bounds (ACE's), and a negative margin, which only a scheduled change sets.
    const tooMuch = { marginMode: MarginMode.PositivePercentage, marginAmount: 10_001n }
    expect(
      await revertOf(
        simulateDeploy(
          admin,
          ARTIFACT.SecureMintToken,
          ...args(String(feed.target), 3_600, adminAddress, tooMuch),
        ),
        probe,
        'InvalidMargin',
      ),
    ).toEqual([MarginMode.PositivePercentage, 10_001n])
    for (const marginMode of [MarginMode.NegativePercentage, MarginMode.NegativeAbsolute]) {
      const negative = { marginMode, marginAmount: 100n }
      expect(
        await revertOf(
          simulateDeploy(
            admin,
            ARTIFACT.SecureMintToken,
            ...args(String(feed.target), 3_600, adminAddress, negative),
          ),
          probe,
          'NegativeMarginNotScheduled',
        ),
      ).toEqual([marginMode])
    }
    // A valid configuration deploys.
    await simulateDeploy(admin, ARTIFACT.SecureMintToken, ...args(String(feed.target), 3_600))
  })

  it('lets only the admin change the reserve configuration, and reports it', async () => {
    const { token, asMinter } = await setup()
    const other = await deployMockReserveFeed(admin, 18, TOKEN)
    const minterAddress = await minter.getAddress()
    expect(
      await revertOf(
        asMinter.setReserveConfig.staticCall(other.target, 60, MarginMode.PositivePercentage, 100n),
        token,
        'AccessControlUnauthorizedAccount',
      ),
    ).toEqual([minterAddress, await token.DEFAULT_ADMIN_ROLE()])
    const receipt = await setTokenRules(token, other.target, 60, marginFromBps(100))
    expect(eventsOf(receipt, token).map((e) => [e.name, ...e.args])).toEqual([
      ['ReserveConfigUpdated', await other.getAddress(), 60n, MarginMode.PositivePercentage, 100n],
    ])
    expect([...(await token.reserveConfig())]).toEqual([
      await other.getAddress(),
      60n,
      MarginMode.PositivePercentage,
      100n,
    ])
  })

  it('lets only minters mint and only pausers pause or unpause', async () => {
    const { token, asHolder } = await setup()
    expect(
      await revertOf(asHolder.mint.staticCall(holderAddress, 1n), token, 'AccessControlUnauthorizedAccount'),
    ).toEqual([holderAddress, await token.MINTER_ROLE()])
    for (const fn of ['pauseOperations', 'unpauseOperations']) {
      const call = asHolder.getFunction(fn).staticCall(Operation.Mint)
      expect(await revertOf(call, token, 'AccessControlUnauthorizedAccount')).toEqual([
        holderAddress,
        await token.PAUSER_ROLE(),
      ])
    }
  })
})

describe('SecureMintToken: mint follows the reserve rules', () => {
  /** Expects a mint of `amount` to be refused with `reason`. */
  async function refused(f: Fixture, amount: bigint, reason: bigint): Promise<unknown[]> {
    const args = await revertOf(f.asMinter.mint.staticCall(holderAddress, amount), f.token, 'MintNotBacked')
    expect(args.slice(0, 2)).toEqual([Verdict.Short, reason])
    expect(args[4]).toBe(amount)
    expect(toResult(await f.token.reserveStatus(amount))).toMatchObject({ verdict: Verdict.Short, reason })
    return args
  }

  it('mints up to the reserves and refuses one unit more', async () => {
    const f = await setup(8, 100n * TOKEN)
    const receipt = await mined(f.asMinter.mint(holderAddress, 60n * TOKEN))
    expect(eventsOf(receipt, f.token).map((e) => [e.name, ...e.args])).toEqual([
      ['Transfer', '0x0000000000000000000000000000000000000000', holderAddress, 60n * TOKEN],
    ])
    expect(await refused(f, 40n * TOKEN + 1n, Reason.InsufficientReserves)).toEqual([
      Verdict.Short,
      Reason.InsufficientReserves,
      100n * TOKEN,
      60n * TOKEN,
      40n * TOKEN + 1n,
    ])
    await mined(f.asMinter.mint(holderAddress, 40n * TOKEN))
    expect(await f.token.totalSupply()).toBe(100n * TOKEN)
    expect(toResult(await f.token.reserveStatus(0n))).toEqual({
      verdict: Verdict.Backed,
      reason: Reason.None,
      reserves: 100n * TOKEN,
      supply: 100n * TOKEN,
    })
  })

  it('requires the margin', async () => {
    // A former 5% over the supply is ⌈4.7619…⌉ = 4.77% off the reserves: the reserves that back exactly 100.
    const margin = marginFromBps(500)
    const reserves = minimumBackingReserves({
      reserveDecimals: 8,
      supply: 100n * TOKEN,
      supplyDecimals: 8,
      amount: 0n,
      ...margin,
    })!
    const f = await setup(8, reserves, margin)
    await refused(f, 100n * TOKEN + 1n, Reason.InsufficientReserves)
    await mined(f.asMinter.mint(holderAddress, 100n * TOKEN))
  })

  it.each([
    ['PositiveAbsolute', MarginMode.PositiveAbsolute, 5n * TOKEN, 95n * TOKEN],
    ['NegativePercentage', MarginMode.NegativePercentage, 250n, 102n * TOKEN + TOKEN / 2n],
    ['NegativeAbsolute', MarginMode.NegativeAbsolute, 7n * TOKEN, 107n * TOKEN],
  ])(
    'mints up to what a %s margin leaves of 100 tokens of reserves, set by a scheduled change',
    async (_, marginMode, marginAmount, most) => {
      const f = await setup(8, 100n * TOKEN)
      await setTokenRules(f.token, f.feed.target, HEARTBEAT, { marginMode, marginAmount })
      await refused(f, most + 1n, Reason.InsufficientReserves)
      await mined(f.asMinter.mint(holderAddress, most))
    },
  )

  it.each([
    ['answer 0', 0n, Reason.NonPositiveReserves],
    ['negative answer', -1n, Reason.NonPositiveReserves],
  ])('refuses on a %s', async (_name, answer, reason) => {
    const f = await setup()
    await mined(f.feed.setAnswer(answer))
    await refused(f, 1n, reason)
  })

  it('refuses on updatedAt 0, in the future, and more than a heartbeat old (stale fails closed)', async () => {
    const f = await setup()
    const now = await latestTimestamp(provider)
    const cases: [bigint, bigint][] = [
      [0n, Reason.InvalidReserveTimestamp],
      [now + 3_600n, Reason.InvalidReserveTimestamp],
      [now - HEARTBEAT - 60n, Reason.StaleReserves],
    ]
    for (const [updatedAt, reason] of cases) {
      await mined(f.feed.setRound(1_000n * TOKEN, updatedAt))
      await refused(f, 1n, reason)
    }
    await mined(f.feed.setRound(1_000n * TOKEN, now - HEARTBEAT + 60n))
    await mined(f.asMinter.mint(holderAddress, 1n))
  })

  it.each([
    ['latestRoundData reverts', FeedFailure.Revert],
    ['latestRoundData returns too little data', FeedFailure.ShortReturn],
    ['decimals reverts', FeedFailure.RevertDecimals],
    ['decimals is not a uint8', FeedFailure.OversizedDecimals],
  ])('refuses when %s', async (_name, failure) => {
    const f = await setup()
    await mined(f.feed.setFailure(failure))
    const args = await refused(f, 1n, Reason.ReserveFeedFailed)
    expect(args[2]).toBe(0n)
  })

  it('scales the supply and the amount up to an 18-decimal feed', async () => {
    const f = await setup(18, 10n * unit(18))
    await refused(f, 10n * TOKEN + 1n, Reason.InsufficientReserves)
    await mined(f.asMinter.mint(holderAddress, 10n * TOKEN))
  })

  it('scales the reserves up from a 6-decimal feed, never dividing the supply', async () => {
    const f = await setup(6, 10n * unit(6))
    await refused(f, 10n * TOKEN + 1n, Reason.InsufficientReserves)
    await mined(f.asMinter.mint(holderAddress, 10n * TOKEN))
  })

  it('TrueUSD regression: with 10 tokens of headroom on an 18-decimal feed, a 1,000-token mint reverts', async () => {
    const supply = 1_000_000n * TOKEN
    const f = await setup(18, 10n ** 40n)
    await mined(f.asMinter.mint(holderAddress, supply))
    await mined(f.feed.setAnswer(1_000_010n * unit(18)))
    const amount = 1_000n * TOKEN
    expect(
      trueUsdBuggyBacked({
        reserves: 1_000_010n * unit(18),
        reserveDecimals: 18,
        supply,
        supplyDecimals: 8,
        amount,
        ...NO_MARGIN,
      }),
    ).toBe(true)
    expect(await refused(f, amount, Reason.InsufficientReserves)).toEqual([
      Verdict.Short,
      Reason.InsufficientReserves,
      1_000_010n * unit(18),
      supply,
      amount,
    ])
    await refused(f, 10n * TOKEN + 1n, Reason.InsufficientReserves)
    await mined(f.asMinter.mint(holderAddress, 10n * TOKEN))
    expect(await f.token.totalSupply()).toBe(supply + 10n * TOKEN)
  })

  it("works with Chainlink's MockV3Aggregator, stale rounds included", async () => {
    const aggregator = await deployMockV3Aggregator(admin, 8, 50n * TOKEN)
    const token = await deployToken(admin, adminAddress, aggregator, Number(HEARTBEAT))
    await mined(token.grantRole(await token.MINTER_ROLE(), adminAddress))
    await mined(token.mint(holderAddress, 50n * TOKEN))
    const now = await latestTimestamp(provider)
    await mined(aggregator.updateRoundData(5n, 80n * TOKEN, now - HEARTBEAT - 60n, now - HEARTBEAT - 60n))
    const args = await revertOf(token.mint.staticCall(holderAddress, TOKEN), token, 'MintNotBacked')
    expect(args.slice(0, 2)).toEqual([Verdict.Short, Reason.StaleReserves])
    await mined(aggregator.updateRoundData(6n, 80n * TOKEN, now, now))
    await mined(token.mint(holderAddress, 30n * TOKEN))
    expect(await token.totalSupply()).toBe(80n * TOKEN)
  })
})

describe('SecureMintToken: mint, redeem and burn pause separately', () => {
  let f: Fixture

  beforeAll(async () => {
    f = await setup(8, 1_000n * TOKEN)
    await mined(f.asMinter.mint(holderAddress, 100n * TOKEN))
    await mined(f.asHolder.approve(adminAddress, 100n * TOKEN))
  })

  afterEach(async () => {
    if ((await f.token.pausedOperations()) !== 0n) await mined(f.asPauser.unpauseOperations(Operation.All))
  })

  /** Each operation, as a transaction and as a call (to observe a revert without using up a nonce). */
  const attempts = (): Record<
    'mint' | 'redeem' | 'burn' | 'burnFrom',
    [SecureMintToken, string, unknown[]]
  > => ({
    mint: [f.asMinter, 'mint', [holderAddress, 1n]],
    redeem: [f.asHolder, 'redeem', [1n, 'bc1qexample']],
    burn: [f.asHolder, 'burn', [1n]],
    burnFrom: [f.token.connect(admin), 'burnFrom', [holderAddress, 1n]],
  })
  const send = ([contract, fn, args]: [SecureMintToken, string, unknown[]]) =>
    mined(contract.getFunction(fn)(...args))
  const call = ([contract, fn, args]: [SecureMintToken, string, unknown[]]) =>
    contract.getFunction(fn).staticCall(...args)

  it.each([
    ['mint', Operation.Mint, ['mint']],
    ['redeem', Operation.Redeem, ['redeem']],
    ['burn', Operation.Burn, ['burn', 'burnFrom']],
  ] as const)('pausing %s stops only that', async (_name, operation, stopped) => {
    const receipt = await mined(f.asPauser.pauseOperations(operation))
    expect(eventsOf(receipt, f.token).map((e) => [e.name, ...e.args])).toEqual([
      ['OperationsPaused', await pauser.getAddress(), operation, operation],
    ])
    expect(await f.token.pausedOperations()).toBe(operation)
    for (const [name, attempt] of Object.entries(attempts())) {
      if ((stopped as readonly string[]).includes(name)) {
        expect(await revertOf(call(attempt), f.token, 'OperationPaused')).toEqual([operation])
      } else {
        await send(attempt)
      }
    }
  })

  it('pauses several at once, does nothing (and says nothing) when already paused, and unpauses', async () => {
    const pauserAddress = await pauser.getAddress()
    let receipt = await mined(f.asPauser.pauseOperations(Operation.Mint | Operation.Redeem))
    expect(eventsOf(receipt, f.token).map((e) => e.args)).toEqual([[pauserAddress, 3n, 3n]])
    receipt = await mined(f.asPauser.pauseOperations(Operation.Mint))
    expect(eventsOf(receipt, f.token)).toEqual([])
    receipt = await mined(f.asPauser.pauseOperations(Operation.All))
    expect(eventsOf(receipt, f.token).map((e) => e.args)).toEqual([[pauserAddress, 7n, 7n]])
    receipt = await mined(f.asPauser.unpauseOperations(Operation.Redeem))
    expect(eventsOf(receipt, f.token).map((e) => [e.name, ...e.args])).toEqual([
      ['OperationsUnpaused', pauserAddress, 2n, 5n],
    ])
    await mined(f.asHolder.redeem(1n, 'bc1qexample'))
    expect(await revertOf(call(attempts().mint), f.token, 'OperationPaused')).toEqual([Operation.Mint])
  })

  it('remembers who paused each operation; another pauser cannot pause it again, but any pauser unpauses it', async () => {
    const other = await fundedSigner(provider)
    await mined(f.token.grantRole(await f.token.PAUSER_ROLE(), await other.getAddress()))
    const asOther = f.token.connect(other)
    await mined(f.asPauser.pauseOperations(Operation.Mint))
    expect(await f.token.operationPausedBy(Operation.Mint)).toBe(await pauser.getAddress())
    expect(await f.token.operationPausedBy(Operation.Redeem)).toBe(ZeroAddress)
    expect(
      await revertOf(
        asOther.pauseOperations.staticCall(Operation.Mint | Operation.Redeem),
        f.token,
        'OperationPausedByAnother',
      ),
    ).toEqual([Operation.Mint, await pauser.getAddress()])
    // Its own operations: the other pauser pauses redeem, and lifts mint whoever paused it.
    await mined(asOther.pauseOperations(Operation.Redeem))
    expect(await f.token.operationPausedBy(Operation.Redeem)).toBe(await other.getAddress())
    await mined(asOther.unpauseOperations(Operation.Mint))
    expect(await f.token.operationPausedBy(Operation.Mint)).toBe(ZeroAddress)
    expect(await f.token.pausedOperations()).toBe(Operation.Redeem)
    await mined(asOther.unpauseOperations(Operation.Redeem))
  })

  it('refuses empty and unknown operation masks', async () => {
    for (const mask of [0n, 8n, 0xffn]) {
      expect(
        await revertOf(f.asPauser.pauseOperations.staticCall(mask), f.token, 'InvalidOperations'),
      ).toEqual([mask])
      expect(
        await revertOf(f.asPauser.unpauseOperations.staticCall(mask), f.token, 'InvalidOperations'),
      ).toEqual([mask])
    }
  })

  it('redeem burns the tokens and records where the underlying goes', async () => {
    const before = await f.token.balanceOf(holderAddress)
    const receipt = await mined(f.asHolder.redeem(2n * TOKEN, 'bc1qdestination'))
    expect(eventsOf(receipt, f.token).map((e) => [e.name, ...e.args])).toEqual([
      ['Transfer', holderAddress, '0x0000000000000000000000000000000000000000', 2n * TOKEN],
      ['Redeemed', holderAddress, 2n * TOKEN, 'bc1qdestination'],
    ])
    expect(await f.token.balanceOf(holderAddress)).toBe(before - 2n * TOKEN)
  })

  it('redeem refuses an empty destination, burning nothing', async () => {
    const before = await f.token.balanceOf(holderAddress)
    expect(await revertOf(f.asHolder.redeem.staticCall(TOKEN, ''), f.token, 'EmptyDestination')).toEqual([])
    expect(await f.token.balanceOf(holderAddress)).toBe(before)
  })
})
