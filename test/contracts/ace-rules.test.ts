/**
 * Our rules (ReserveCheck, as SecureMintToken applies them) next to Chainlink ACE 1.0.0's SecureMintPolicy, row by
 * row of the table in docs/contracts.md ("Our rules and Chainlink ACE's SecureMintPolicy"). Each row asks both gates
 * the same question: the same feed (one MockReserveFeed, set to the row's answer, `updatedAt` and decimals), the same
 * supply (both 8-decimal tokens brought to it), the same mint; SecureMintToken's `mint` and the
 * ComplianceTokenERC20's `mint` (its PolicyEngine running SecureMintPolicy) are both called, statically, and their
 * answers compared. Our margins are ACE's modes (rows 2–4: the same setting, the same limit); where the two still
 * differ, the row says how.
 */
import { Wallet, ZeroAddress, type JsonRpcProvider, type Signer } from 'ethers'
import { ReserveMarginMode, type ReserveMarginModeValue } from '#chain/ace'
import { deployMockReserveFeed, type MockReserveFeed, type SecureMintToken } from '#chain/contracts'
import { mined } from '#chain/events'
import { FeedFailure, NO_MARGIN, Reason, Role, enumName, marginFromBps, type Margin } from '#chain/types'
import { MINTED, aceMintOutcome, deployAceMintGate, type AceMintGate } from '#devkit/ace'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { deployToken, latestTimestamp, revertOf, setTokenRules, unit } from './helpers'

const DECIMALS = 8
const BTC = unit(DECIMALS)
const DAY = 86_400n
const EXCEEDS = 'mint would exceed available reserves'

let provider: JsonRpcProvider
let issuer: Signer
let issuerAddress: string
let feed: MockReserveFeed
let ours: SecureMintToken
let ace: AceMintGate
const holder = Wallet.createRandom().address

beforeAll(async () => {
  provider = localProvider()
  issuer = await fundedSigner(provider)
  issuerAddress = await issuer.getAddress()
  feed = await deployMockReserveFeed(issuer, DECIMALS, 1_000n * BTC)
  ours = await deployToken(issuer, issuerAddress, feed, Number(DAY))
  await mined(ours.grantRole(Role.MINTER, issuerAddress))
  ace = await deployAceMintGate(issuer, {
    decimals: DECIMALS,
    secureMint: { reservesFeed: await feed.getAddress(), maxStalenessSeconds: DAY },
  })
})

afterAll(() => provider.destroy())

/** Our rules: SecureMintToken's heartbeat (0 is refused) and margin (ACE's modes). */
interface OurRules {
  heartbeat?: bigint
  margin?: Margin
}

/** ACE's rules: SecureMintPolicy's margin mode and amount, and staleness limit (0: none). */
interface AceRules {
  mode?: ReserveMarginModeValue
  amount?: bigint
  staleness?: bigint
}

/**
 * Sets both gates' rules (ACE's setters refuse a value equal to the current one: only changes are sent). Ours are
 * scheduled and applied at once: the token's admin delay is 0.
 */
async function rules(our: OurRules = {}, theirs: AceRules = {}): Promise<void> {
  const { heartbeat = DAY, margin = NO_MARGIN } = our
  await setTokenRules(ours, feed, heartbeat, margin)
  const { mode = ReserveMarginMode.None, amount = 0n, staleness = DAY } = theirs
  const policy = ace.secureMint
  if (mode !== (await policy.reserveMarginMode()) || amount !== (await policy.reserveMarginAmount())) {
    await mined(policy.setReserveMargin(mode, amount))
  }
  if (staleness !== (await policy.maxStalenessSeconds()))
    await mined(policy.setMaxStalenessSeconds(staleness))
}

/** Brings both tokens' supply to `supply` (minting or burning the issuer's own), the feed then set as given. */
async function state(
  supply: bigint,
  reserves: bigint,
  { decimals = DECIMALS, age = 0n, updatedAt = -1n } = {},
) {
  const now = await latestTimestamp(provider)
  await mined(feed.setFailure(FeedFailure.None))
  await mined(feed.setState(DECIMALS, 10n ** 40n, now))
  const [oursNow, aceNow] = [await ours.totalSupply(), await ace.token.totalSupply()]
  if (oursNow < supply) await mined(ours.mint(issuerAddress, supply - oursNow))
  if (oursNow > supply) await mined(ours.burn(oursNow - supply))
  if (aceNow < supply) await mined(ace.token.mint(issuerAddress, supply - aceNow))
  if (aceNow > supply) await mined(ace.token.burn(aceNow - supply))
  await mined(feed.setState(decimals, reserves, updatedAt >= 0n ? updatedAt : now - age))
}

/** What each gate answers to a mint of `amount` now: minted, or why not. */
async function askBoth(amount: bigint): Promise<{ ours: string; ace: string }> {
  return { ours: await askOurs(amount), ace: await askAce(amount) }
}

async function askOurs(amount: bigint): Promise<string> {
  try {
    await ours.mint.staticCall(holder, amount)
    return MINTED
  } catch (error) {
    const data = (error as { data?: string }).data
    const parsed = data ? ours.interface.parseError(data) : null
    if (parsed?.name !== 'MintNotBacked') throw error as Error
    return `refused: ${enumName(Reason, parsed.args.reason as bigint)}`
  }
}

/** The same margin on both gates: `mode` and `amount` for ACE, the same mode and amount for ours. */
const sameMargin = (mode: ReserveMarginModeValue, amount: bigint) =>
  rules({ margin: { marginMode: mode, marginAmount: amount } }, { mode, amount })

/** ACE's answer; a policy's own revert is decoded with the feed's errors too. */
const askAce = (amount: bigint) => aceMintOutcome(ace, holder, amount, { errors: [feed.interface] })

describe("our rules and ACE's SecureMintPolicy, asked the same question", () => {
  beforeEach(() => rules())

  it('row 1, backing (no margin): the same; supply + amount = reserves mints, one unit more does not', async () => {
    await state(40n * BTC, 100n * BTC)
    expect(await askBoth(60n * BTC)).toEqual({ ours: MINTED, ace: MINTED })
    expect(await askBoth(60n * BTC + 1n)).toEqual({
      ours: 'refused: InsufficientReserves',
      ace: `refused: ${EXCEEDS}`,
    })
  })

  it('row 2, a percentage margin (PositivePercentage, adopted): the same limit, to the unit', async () => {
    // 1% of 100 BTC kept: up to 99 BTC on both.
    await sameMargin(ReserveMarginMode.PositivePercentage, 100n)
    await state(50n * BTC, 100n * BTC)
    expect(await askBoth(49n * BTC)).toEqual({ ours: MINTED, ace: MINTED })
    expect(await askBoth(49n * BTC + 1n)).toEqual({
      ours: 'refused: InsufficientReserves',
      ace: `refused: ${EXCEEDS}`,
    })
    // Our former 1% over the supply (reserves ≥ supply × 1.01) is this same setting: ⌈100 / 1.01⌉ = 100.
    expect(marginFromBps(100)).toEqual({
      marginMode: ReserveMarginMode.PositivePercentage,
      marginAmount: 100n,
    })
  })

  it('row 3, an absolute margin (PositiveAbsolute, adopted): supply ≤ reserves − m on both', async () => {
    await sameMargin(ReserveMarginMode.PositiveAbsolute, BTC)
    await state(50n * BTC, 100n * BTC)
    expect(await askBoth(49n * BTC)).toEqual({ ours: MINTED, ace: MINTED })
    expect(await askBoth(49n * BTC + 1n)).toEqual({
      ours: 'refused: InsufficientReserves',
      ace: `refused: ${EXCEEDS}`,
    })
  })

  it.each([
    ['NegativeAbsolute', ReserveMarginMode.NegativeAbsolute, BTC, 51n * BTC],
    ['NegativePercentage', ReserveMarginMode.NegativePercentage, 100n, 51n * BTC],
  ])(
    'row 4, a negative margin (%s, adopted as a scheduled change): both mint beyond the reserves, as far',
    async (_, mode, amount, mintable) => {
      await sameMargin(mode, amount)
      await state(50n * BTC, 100n * BTC)
      // Reserves 100 BTC, supply 50: both allow a supply of 101 BTC, one more than the reserves.
      expect(await askBoth(mintable)).toEqual({ ours: MINTED, ace: MINTED })
      expect(await askBoth(mintable + 1n)).toEqual({
        ours: 'refused: InsufficientReserves',
        ace: `refused: ${EXCEEDS}`,
      })
    },
  )

  it('row 5, the staleness limit: both refuse an answer older than it; ACE takes 0 as "no limit", ours refuses 0', async () => {
    await state(0n, 100n * BTC, { age: 2n * DAY })
    expect(await askBoth(BTC)).toEqual({
      ours: 'refused: StaleReserves',
      ace: 'refused: reserve data is stale',
    })
    await rules({}, { staleness: 0n })
    expect(await askBoth(BTC)).toEqual({ ours: 'refused: StaleReserves', ace: MINTED })
    // Ours has no setting without a limit.
    await revertOf(ours.scheduleReserveConfig.staticCall(feed, 0, 0, 0), ours, 'InvalidHeartbeat')
  })

  it('row 6, updatedAt = 0: ours refuses; ACE calls it stale, or takes it with no staleness limit', async () => {
    await state(0n, 100n * BTC, { updatedAt: 0n })
    expect(await askBoth(BTC)).toEqual({
      ours: 'refused: InvalidReserveTimestamp',
      ace: 'refused: reserve data is stale',
    })
    await rules({}, { staleness: 0n })
    expect(await askBoth(BTC)).toEqual({ ours: 'refused: InvalidReserveTimestamp', ace: MINTED })
  })

  it('row 7, updatedAt in the future: ours refuses; ACE fails on an underflow, or takes it with no limit', async () => {
    await state(0n, 100n * BTC, { updatedAt: (await latestTimestamp(provider)) + DAY })
    // block.timestamp − updatedAt, checked arithmetic: Panic(0x11) inside the policy, a PolicyRunError.
    expect(await askBoth(BTC)).toEqual({ ours: 'refused: InvalidReserveTimestamp', ace: 'error: Panic(17)' })
    await rules({}, { staleness: 0n })
    expect(await askBoth(BTC)).toEqual({ ours: 'refused: InvalidReserveTimestamp', ace: MINTED })
  })

  it('row 8, a negative answer: both refuse', async () => {
    await state(0n, -1n)
    expect(await askBoth(0n)).toEqual({
      ours: 'refused: NonPositiveReserves',
      ace: 'refused: reserve value is negative',
    })
  })

  it('row 9, an answer of 0: ours refuses it as a failed feed; ACE takes it as a value (a negative margin still mints)', async () => {
    await state(0n, 0n)
    expect(await askBoth(0n)).toEqual({ ours: 'refused: NonPositiveReserves', ace: MINTED })
    expect(await askBoth(1n)).toEqual({ ours: 'refused: NonPositiveReserves', ace: `refused: ${EXCEEDS}` })
    await sameMargin(ReserveMarginMode.NegativeAbsolute, BTC)
    expect(await askBoth(BTC)).toEqual({ ours: 'refused: NonPositiveReserves', ace: MINTED })
  })

  it('row 10, a feed more precise than the token (18 vs 8 decimals): the same, to the unit', async () => {
    // 100 BTC and half a unit, at 18 decimals: ACE rounds it down to 100 BTC, ours compares exactly.
    await state(40n * BTC, 100n * 10n ** 18n + 5n * 10n ** 9n, { decimals: 18 })
    expect(await askBoth(60n * BTC)).toEqual({ ours: MINTED, ace: MINTED })
    expect(await askBoth(60n * BTC + 1n)).toEqual({
      ours: 'refused: InsufficientReserves',
      ace: `refused: ${EXCEEDS}`,
    })
  })

  it('row 11, rounding: ACE rounds down twice (decimals, then percentage), which can refuse a unit its formula allows', async () => {
    // 1.9999 units at 18 decimals, 0.01% kept on both. ACE: ⌊1.9999⌋ = 1, ⌊1 × 0.9999⌋ = 0: nothing, although
    // 1.9999 × 0.9999 = 1.9997 ≥ 1. Ours, exactly: 1 × 10000 ≤ 1.9999 × 9999, one unit mints.
    await sameMargin(ReserveMarginMode.PositivePercentage, 1n)
    await state(0n, 19_999n * 10n ** 6n, { decimals: 18 })
    expect(await askBoth(1n)).toEqual({ ours: MINTED, ace: `refused: ${EXCEEDS}` })
  })

  it('row 12, a feed less precise than the token: ACE scales reserves up in 256 bits and can overflow; ours is exact', async () => {
    // int256's largest answer at 0 decimals, token at 8: × 10^8 does not fit a word.
    await state(0n, (1n << 255n) - 1n, { decimals: 0 })
    expect(await askBoth(BTC)).toEqual({ ours: MINTED, ace: 'error: Panic(17)' })
  })

  it('row 13, token decimals: ACE is configured with 1 to 18 (checked against the token once); ours reads them', async () => {
    const tokenAddress = ace.tokenAddress
    await expect(ace.secureMint.setTokenMetadata.staticCall(tokenAddress, 0)).rejects.toThrow(
      'decimals must be > 0',
    )
    await expect(ace.secureMint.setTokenMetadata.staticCall(tokenAddress, 19)).rejects.toThrow(
      'decimals must be <= 18',
    )
    await expect(ace.secureMint.setTokenMetadata.staticCall(tokenAddress, 6)).rejects.toThrow(
      'decimals mismatch with token metadata',
    )
    expect(await ours.decimals()).toBe(BigInt(DECIMALS))
  })

  it.each([
    ['reverts', FeedFailure.Revert, 'error: FeedDown()'],
    ['returns 64 bytes instead of 160', FeedFailure.ShortReturn, 'error: no data'],
    ['reverts in decimals()', FeedFailure.RevertDecimals, 'error: FeedDown()'],
    ['answers 256 as decimals', FeedFailure.OversizedDecimals, 'error: no data'],
  ])(
    'row 14, a feed that %s: both refuse; ours says ReserveFeedFailed, ACE passes on the error',
    async (_, failure, aceSays) => {
      await state(0n, 100n * BTC)
      await mined(feed.setFailure(failure))
      expect(await askBoth(BTC)).toEqual({ ours: 'refused: ReserveFeedFailed', ace: aceSays })
      await mined(feed.setFailure(FeedFailure.None))
    },
  )

  it('row 15, a feed without code: ours refuses it as a setting; ACE takes it, then every mint fails', async () => {
    const nowhere = Wallet.createRandom().address
    await revertOf(ours.scheduleReserveConfig.staticCall(nowhere, DAY, 0, 0), ours, 'InvalidReserveFeed')
    await state(0n, 100n * BTC)
    const policy = ace.secureMint
    await mined(policy.setReservesFeed(nowhere))
    try {
      expect(await askAce(BTC)).toBe('error: no data')
      await mined(policy.setReservesFeed(ZeroAddress))
      expect(await askAce(BTC)).toBe('error: no data')
    } finally {
      await mined(policy.setReservesFeed(feed))
    }
    expect(await policy.reservesFeed()).toBe(await feed.getAddress())
    expect(await askAce(BTC)).toBe(MINTED)
  })
})
