import { Wallet, type JsonRpcProvider, type Signer } from 'ethers'
import {
  deployMockPausableAsset,
  deployMockReserveFeed,
  deployMockV3Aggregator,
  deployReserveCheckHarness,
  type MockReserveFeed,
  type ReserveCheckHarness,
} from '#chain/contracts'
import { mined } from '#chain/events'
import {
  FeedFailure,
  MarginMode,
  NO_MARGIN,
  Reason,
  StalePolicy,
  Verdict,
  marginFromBps,
  toReading,
  toResult,
} from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { latestTimestamp, revertOf, unit } from './helpers'
import {
  MAX_INT256,
  MAX_UINT256,
  modelCompare,
  trueUsdBuggyBacked,
  type CompareInput,
  type EvaluateInput,
} from './reserve-check-model'

let provider: JsonRpcProvider
let signer: Signer
let harness: ReserveCheckHarness

beforeAll(async () => {
  provider = localProvider()
  signer = await fundedSigner(provider)
  harness = await deployReserveCheckHarness(signer)
})

afterAll(() => provider.destroy())

async function compare(c: CompareInput): Promise<bigint> {
  const [reason] = (await harness.compareBatch([c])) as bigint[]
  return reason
}

async function evaluate(c: EvaluateInput): Promise<{ verdict: bigint; reason: bigint }> {
  const [result] = (await harness.evaluateBatch([c])) as unknown[]
  const { verdict, reason } = toResult(result)
  return { verdict, reason }
}

const input = (over: Partial<CompareInput>): CompareInput => ({
  reserves: 0n,
  reserveDecimals: 8,
  supply: 0n,
  supplyDecimals: 8,
  amount: 0n,
  ...NO_MARGIN,
  ...over,
})

describe('ReserveCheck.compare: supply + amount against what the margin leaves mintable of the reserves', () => {
  it('is backed at exactly 1:1 and short one unit below', async () => {
    expect(await compare(input({ reserves: 100n * unit(8), supply: 100n * unit(8) }))).toBe(Reason.None)
    expect(await compare(input({ reserves: 100n * unit(8) - 1n, supply: 100n * unit(8) }))).toBe(
      Reason.InsufficientReserves,
    )
  })

  it('applies the margin exactly at its boundary', async () => {
    // A former 1% over the supply is 1% off the reserves (⌈0.990099…⌉ basis points): 9,900 × 10,000 ≤
    // 10,000 × 9,900; 9,901 × 10,000 is not.
    const onePercent = marginFromBps(100)
    expect(await compare(input({ reserves: 10_000n, supply: 9_900n, ...onePercent }))).toBe(Reason.None)
    expect(await compare(input({ reserves: 10_000n, supply: 9_901n, ...onePercent }))).toBe(
      Reason.InsufficientReserves,
    )
    // A former 100% margin (twice the supply needed) is 50% off the reserves.
    const hundredPercent = marginFromBps(10_000)
    expect(await compare(input({ reserves: 200n, supply: 100n, ...hundredPercent }))).toBe(Reason.None)
    expect(await compare(input({ reserves: 199n, supply: 100n, ...hundredPercent }))).toBe(
      Reason.InsufficientReserves,
    )
  })

  it('scales the supply up when the feed is more precise (18 vs 8), without rounding in its favour', async () => {
    const c = input({ reserveDecimals: 18, supply: 5n * unit(8) })
    expect(await compare({ ...c, reserves: 5n * unit(18) })).toBe(Reason.None)
    expect(await compare({ ...c, reserves: 5n * unit(18) - 1n })).toBe(Reason.InsufficientReserves)
  })

  it('scales the reserves up when the supply is more precise (6 vs 18): one wei of supply counts', async () => {
    const c = input({ reserveDecimals: 6, reserves: 5n * unit(6), supplyDecimals: 18 })
    expect(await compare({ ...c, supply: 5n * unit(18) })).toBe(Reason.None)
    // Dividing the supply down to 6 decimals would lose this wei and call it backed.
    expect(await compare({ ...c, supply: 5n * unit(18) + 1n })).toBe(Reason.InsufficientReserves)
  })

  it('scales the amount being minted along with the supply', async () => {
    const c = input({ reserveDecimals: 18, reserves: 10n * unit(18), supply: 4n * unit(8) })
    expect(await compare({ ...c, amount: 6n * unit(8) })).toBe(Reason.None)
    expect(await compare({ ...c, amount: 6n * unit(8) + 1n })).toBe(Reason.InsufficientReserves)
  })

  it('TrueUSD regression: a 1,000-token mint with 10 tokens of headroom is refused', async () => {
    // Feed at 18 decimals, token at 8: reserves are the supply plus 10 tokens.
    const supply = 1_000_000n * unit(8)
    const c = input({
      reserveDecimals: 18,
      reserves: 1_000_010n * unit(18),
      supplyDecimals: 8,
      supply,
      amount: 1_000n * unit(8),
    })
    // The historical check scaled the supply but added the amount unscaled, and let this through.
    expect(trueUsdBuggyBacked(c)).toBe(true)
    expect(await compare(c)).toBe(Reason.InsufficientReserves)
    // The 10 tokens of headroom can be minted, not one unit more.
    expect(await compare({ ...c, amount: 10n * unit(8) })).toBe(Reason.None)
    expect(await compare({ ...c, amount: 10n * unit(8) + 1n })).toBe(Reason.InsufficientReserves)
  })

  it('compares exactly beyond 256 bits', async () => {
    // A former 655.35% margin is 86.77% off the reserves: supply × 10000 vs MAX × 1323, products of 512 bits.
    const boundary = (MAX_UINT256 * 1_323n) / 10_000n
    const c = input({ reserves: MAX_UINT256, ...marginFromBps(65_535) })
    expect(await compare({ ...c, supply: boundary })).toBe(Reason.None)
    expect(await compare({ ...c, supply: boundary + 1n })).toBe(Reason.InsufficientReserves)
    expect(modelCompare({ ...c, supply: boundary })).toBe(Reason.None)
    expect(modelCompare({ ...c, supply: boundary + 1n })).toBe(Reason.InsufficientReserves)
    // A 72-decimal gap with the largest reserves still compares exactly.
    const wide = input({ reserves: MAX_UINT256, reserveDecimals: 0, supplyDecimals: 72, supply: MAX_UINT256 })
    expect(await compare(wide)).toBe(Reason.None)
  })

  it('refuses precisions more than 72 decimals apart', async () => {
    expect(await compare(input({ reserveDecimals: 0, supplyDecimals: 72, reserves: 1n, supply: 1n }))).toBe(
      Reason.None,
    )
    expect(await compare(input({ reserveDecimals: 0, supplyDecimals: 73, reserves: 1n, supply: 1n }))).toBe(
      Reason.UnsupportedDecimals,
    )
    expect(await compare(input({ reserveDecimals: 255, supplyDecimals: 0, reserves: 1n, supply: 1n }))).toBe(
      Reason.UnsupportedDecimals,
    )
  })

  it('refuses a supply plus amount beyond 256 bits', async () => {
    expect(await compare(input({ reserves: MAX_UINT256, supply: MAX_UINT256, amount: 1n }))).toBe(
      Reason.SupplyOverflow,
    )
  })

  it('backs a zero supply with any reserves', async () => {
    expect(await compare(input({ reserves: 1n, supply: 0n, ...marginFromBps(65_535) }))).toBe(Reason.None)
  })
})

describe("ReserveCheck.compare: Chainlink ACE's five margin modes, computed exactly", () => {
  const BTC = unit(8)
  const reserves = 100n * BTC
  // The same reserves and margins as ACE's own table in ace-secure-mint.test.ts: the same limits, to the unit.
  it.each([
    ['None', MarginMode.None, 0n, 100n * BTC],
    ['PositivePercentage, 10% off the reserves', MarginMode.PositivePercentage, 1_000n, 90n * BTC],
    ['PositiveAbsolute, 30 BTC kept', MarginMode.PositiveAbsolute, 30n * BTC, 70n * BTC],
    ['NegativePercentage, 2.5% above', MarginMode.NegativePercentage, 250n, 102n * BTC + BTC / 2n],
    ['NegativeAbsolute, 7 BTC above', MarginMode.NegativeAbsolute, 7n * BTC, 107n * BTC],
  ])(
    '%s: the most supply 100 BTC back is exact, one unit more is short',
    async (_, marginMode, marginAmount, most) => {
      const c = input({ reserves, marginMode, marginAmount })
      expect(await compare({ ...c, supply: most })).toBe(Reason.None)
      expect(await compare({ ...c, supply: most + 1n })).toBe(Reason.InsufficientReserves)
      // The amount being minted counts as supply.
      expect(await compare({ ...c, supply: most - 5n, amount: 5n })).toBe(Reason.None)
      expect(await compare({ ...c, supply: most - 5n, amount: 6n })).toBe(Reason.InsufficientReserves)
    },
  )

  it('leaves nothing mintable under a 100% positive margin, or an absolute one above the reserves; a supply of 0 is backed', async () => {
    for (const [marginMode, marginAmount] of [
      [MarginMode.PositivePercentage, 10_000n],
      [MarginMode.PositiveAbsolute, reserves + 1n],
    ]) {
      const c = input({ reserves, marginMode, marginAmount })
      expect(await compare({ ...c, supply: 0n })).toBe(Reason.None)
      expect(await compare({ ...c, supply: 1n })).toBe(Reason.InsufficientReserves)
      expect(await compare({ ...c, amount: 1n })).toBe(Reason.InsufficientReserves)
    }
  })

  it("scales an absolute margin with the supply: it is in the supply's units", async () => {
    // An 18-decimal feed, an 8-decimal token, 1 token kept: 9 tokens back out of 10.
    const c = input({
      reserveDecimals: 18,
      reserves: 10n * unit(18),
      marginMode: MarginMode.PositiveAbsolute,
      marginAmount: BTC,
    })
    expect(await compare({ ...c, supply: 9n * BTC })).toBe(Reason.None)
    expect(await compare({ ...c, supply: 9n * BTC + 1n })).toBe(Reason.InsufficientReserves)
    const above = { ...c, marginMode: MarginMode.NegativeAbsolute }
    expect(await compare({ ...above, supply: 11n * BTC })).toBe(Reason.None)
    expect(await compare({ ...above, supply: 11n * BTC + 1n })).toBe(Reason.InsufficientReserves)
  })

  it('does not round where ACE does: reserves of 18 decimals against an 8-decimal token, 0.01% kept', async () => {
    // 1.0000000299999999 tokens of reserves: ACE divides them down to 100,000,002 units first, then takes 0.01%
    // off, ⌊99,990,001.9998⌋ = 99,990,001. Exactly: 100,000,002.99999999 × 0.9999 = 99,990,002.9998…
    const c = input({
      reserveDecimals: 18,
      reserves: 100_000_002n * unit(10) + unit(10) - 1n,
      marginMode: MarginMode.PositivePercentage,
      marginAmount: 1n,
    })
    expect(await compare({ ...c, supply: 99_990_002n })).toBe(Reason.None)
    expect(await compare({ ...c, supply: 99_990_003n })).toBe(Reason.InsufficientReserves)
  })

  it('adds an absolute margin to either side in 512 bits: sums past 256 bits compare exactly', async () => {
    // supply + margin = 2^257 − 2 at one decimal; reserves at 0 decimals scale by 10.
    const needed = (2n ** 257n - 2n + 9n) / 10n
    const c = input({
      reserveDecimals: 0,
      supplyDecimals: 0,
      supply: MAX_UINT256,
      marginMode: MarginMode.PositiveAbsolute,
      marginAmount: MAX_UINT256,
    })
    const scaled = { ...c, supplyDecimals: 1 }
    expect(await compare({ ...scaled, reserves: needed })).toBe(Reason.None)
    expect(await compare({ ...scaled, reserves: needed - 1n })).toBe(Reason.InsufficientReserves)
    expect(modelCompare({ ...scaled, reserves: needed - 1n })).toBe(Reason.InsufficientReserves)
    // Reserves + margin past 256 bits back any supply that fits in 256.
    const above = { ...c, marginMode: MarginMode.NegativeAbsolute, reserves: MAX_UINT256 }
    expect(await compare(above)).toBe(Reason.None)
  })

  it("refuses a margin out of its mode's bounds, as ACE does (and an amount with None)", async () => {
    for (const [marginMode, marginAmount] of [
      [MarginMode.PositivePercentage, 10_001n],
      [MarginMode.NegativePercentage, 10_001n],
      [MarginMode.PositiveAbsolute, 0n],
      [MarginMode.NegativeAbsolute, 0n],
      [MarginMode.None, 1n],
    ]) {
      expect(
        await revertOf(compare(input({ reserves, marginMode, marginAmount })), harness, 'InvalidMargin'),
      ).toEqual([marginMode, marginAmount])
    }
  })
})

describe('ReserveCheck.evaluate: the rules in order', () => {
  const now = 1_700_000_000n
  const heartbeat = 3_600n
  // A supply feed on a slower cadence than the reserve feed: each is judged by its own heartbeat.
  const supplyHeartbeat = 86_400n
  const good = (): EvaluateInput => ({
    reserve: { ok: true, answer: 150n * unit(8), updatedAt: now - 10n, decimals: 8 },
    supply: { ok: true, answer: 100n * unit(8), updatedAt: now, decimals: 8 },
    rules: { heartbeat, supplyHeartbeat, stalePolicy: StalePolicy.FailClosed, ...NO_MARGIN },
    amount: 0n,
    timestamp: now,
  })
  type Mutation = (c: EvaluateInput) => void

  const cases: [string, Mutation, bigint, bigint][] = [
    ['healthy', () => {}, Reason.None, Verdict.Backed],
    ['reserve feed call failed', (c) => void (c.reserve.ok = false), Reason.ReserveFeedFailed, Verdict.Short],
    ['reserve answer 0', (c) => void (c.reserve.answer = 0n), Reason.NonPositiveReserves, Verdict.Short],
    [
      'reserve answer negative',
      (c) => void (c.reserve.answer = -1n),
      Reason.NonPositiveReserves,
      Verdict.Short,
    ],
    [
      'reserve updatedAt 0',
      (c) => void (c.reserve.updatedAt = 0n),
      Reason.InvalidReserveTimestamp,
      Verdict.Short,
    ],
    [
      'reserve updatedAt in the future',
      (c) => void (c.reserve.updatedAt = now + 1n),
      Reason.InvalidReserveTimestamp,
      Verdict.Short,
    ],
    ['supply read failed', (c) => void (c.supply.ok = false), Reason.SupplyFailed, Verdict.Short],
    // No reading is judged as stale data is (issue 18, finding 1): a call that ran out of its bounded gas
    // cannot be told apart from one that failed.
    [
      'reserve feed call failed, skip',
      (c) => {
        c.reserve.ok = false
        c.rules.stalePolicy = StalePolicy.Skip
      },
      Reason.ReserveFeedFailed,
      Verdict.Skipped,
    ],
    [
      'supply read failed, skip',
      (c) => {
        c.supply.ok = false
        c.rules.stalePolicy = StalePolicy.Skip
      },
      Reason.SupplyFailed,
      Verdict.Skipped,
    ],
    ['supply negative', (c) => void (c.supply.answer = -1n), Reason.NegativeSupply, Verdict.Short],
    [
      'supply updatedAt 0',
      (c) => void (c.supply.updatedAt = 0n),
      Reason.InvalidSupplyTimestamp,
      Verdict.Short,
    ],
    [
      'supply updatedAt in the future',
      (c) => void (c.supply.updatedAt = now + 1n),
      Reason.InvalidSupplyTimestamp,
      Verdict.Short,
    ],
    [
      'reserve exactly one heartbeat old',
      (c) => void (c.reserve.updatedAt = now - heartbeat),
      Reason.None,
      Verdict.Backed,
    ],
    [
      'reserve one second past the heartbeat, fail-closed',
      (c) => void (c.reserve.updatedAt = now - heartbeat - 1n),
      Reason.StaleReserves,
      Verdict.Short,
    ],
    [
      'reserve one second past the heartbeat, skip',
      (c) => {
        c.reserve.updatedAt = now - heartbeat - 1n
        c.rules.stalePolicy = StalePolicy.Skip
      },
      Reason.StaleReserves,
      Verdict.Skipped,
    ],
    [
      'supply feed past the reserve heartbeat, within its own',
      (c) => void (c.supply.updatedAt = now - heartbeat - 1n),
      Reason.None,
      Verdict.Backed,
    ],
    [
      'supply feed exactly one supply heartbeat old',
      (c) => void (c.supply.updatedAt = now - supplyHeartbeat),
      Reason.None,
      Verdict.Backed,
    ],
    [
      'supply feed one second past the supply heartbeat, fail-closed',
      (c) => void (c.supply.updatedAt = now - supplyHeartbeat - 1n),
      Reason.StaleSupply,
      Verdict.Short,
    ],
    [
      'supply feed past the supply heartbeat, skip',
      (c) => {
        c.supply.updatedAt = now - supplyHeartbeat - 1n
        c.rules.stalePolicy = StalePolicy.Skip
      },
      Reason.StaleSupply,
      Verdict.Skipped,
    ],
    [
      'reserves below supply',
      (c) => void (c.reserve.answer = 100n * unit(8) - 1n),
      Reason.InsufficientReserves,
      Verdict.Short,
    ],
    [
      'reserves below supply plus the amount',
      (c) => void (c.amount = 50n * unit(8) + 1n),
      Reason.InsufficientReserves,
      Verdict.Short,
    ],
    [
      'reserves cover supply plus the amount',
      (c) => void (c.amount = 50n * unit(8)),
      Reason.None,
      Verdict.Backed,
    ],
    [
      'reserves below supply with the margin',
      (c) => void Object.assign(c.rules, marginFromBps(5_001)),
      Reason.InsufficientReserves,
      Verdict.Short,
    ],
    [
      'short under the skip policy is still short',
      (c) => {
        c.reserve.answer = 1n
        c.rules.stalePolicy = StalePolicy.Skip
      },
      Reason.InsufficientReserves,
      Verdict.Short,
    ],
    ['decimals 73 apart', (c) => void (c.supply.decimals = 81), Reason.UnsupportedDecimals, Verdict.Short],
    [
      'a failed reserve read outranks a failed supply read',
      (c) => {
        c.reserve.ok = false
        c.supply.ok = false
      },
      Reason.ReserveFeedFailed,
      Verdict.Short,
    ],
    [
      'a hard failure outranks staleness under skip',
      (c) => {
        c.reserve.updatedAt = now - heartbeat - 1n
        c.rules.stalePolicy = StalePolicy.Skip
        c.supply.answer = -5n
      },
      Reason.NegativeSupply,
      Verdict.Short,
    ],
    [
      'staleness outranks the ratio',
      (c) => {
        c.reserve.updatedAt = now - heartbeat - 1n
        c.reserve.answer = 1n
      },
      Reason.StaleReserves,
      Verdict.Short,
    ],
  ]

  it.each(cases)('%s', async (_name, mutate, reason, verdict) => {
    const c = good()
    mutate(c)
    expect(await evaluate(c)).toEqual({ verdict, reason })
  })

  it('reports the raw answers it decided on', async () => {
    const c = good()
    c.reserve.answer = -7n
    const [raw] = (await harness.evaluateBatch([c])) as unknown[]
    expect(toResult(raw)).toEqual({
      verdict: Verdict.Short,
      reason: Reason.NonPositiveReserves,
      reserves: -7n,
      supply: 100n * unit(8),
    })
  })
})

describe('ReserveCheck.readFeed and readTokenSupply: any failure reads as not ok', () => {
  let feed: MockReserveFeed

  beforeAll(async () => {
    feed = await deployMockReserveFeed(signer, 18, 42n * unit(18))
  })

  afterEach(async () => {
    await mined(feed.setFailure(FeedFailure.None))
  })

  it('reads a working feed', async () => {
    const at = await latestTimestamp(provider)
    await mined(feed.setRound(42n * unit(18), at - 5n))
    expect(toReading(await harness.readFeed(await feed.getAddress()))).toEqual({
      ok: true,
      answer: 42n * unit(18),
      updatedAt: at - 5n,
      decimals: 18n,
    })
  })

  it("reads Chainlink's MockV3Aggregator", async () => {
    const aggregator = await deployMockV3Aggregator(signer, 8, 7n * unit(8))
    await mined(aggregator.updateRoundData(9n, 8n * unit(8), 1_234n, 1_200n))
    expect(toReading(await harness.readFeed(await aggregator.getAddress()))).toEqual({
      ok: true,
      answer: 8n * unit(8),
      updatedAt: 1_234n,
      decimals: 8n,
    })
  })

  it.each([
    ['latestRoundData reverts', FeedFailure.Revert],
    ['latestRoundData returns 64 bytes', FeedFailure.ShortReturn],
    ['decimals reverts', FeedFailure.RevertDecimals],
    ['decimals returns 256', FeedFailure.OversizedDecimals],
    ['latestRoundData burns its gas', FeedFailure.BurnGas],
  ])('%s', async (_name, failure) => {
    await mined(feed.setFailure(failure))
    expect(toReading(await harness.readFeed(await feed.getAddress()))).toEqual({
      ok: false,
      answer: 0n,
      updatedAt: 0n,
      decimals: 0n,
    })
  })

  it('a read that burns its gas costs its bound, not all the gas there is (issue 18, finding 1)', async () => {
    await mined(feed.setFailure(FeedFailure.BurnGas))
    const address = await feed.getAddress()
    expect(toReading(await harness.readFeed(address, { gasLimit: 5_000_000 })).ok).toBe(false)
    // Given all the gas, the read would keep back only the 1/64 it needs to return: an estimate of several
    // hundred thousand. Bounded, it is the read's 100,000 and the decimals read.
    expect(await harness.readFeed.estimateGas(address)).toBeLessThan(160_000n)
  })

  it('an address without code', async () => {
    expect(toReading(await harness.readFeed(Wallet.createRandom().address)).ok).toBe(false)
    expect(toReading(await harness.readTokenSupply(Wallet.createRandom().address)).ok).toBe(false)
  })

  it("reads a token's supply as live, and a contract without totalSupply as failed", async () => {
    const token = await deployMockPausableAsset(signer, 18, await signer.getAddress())
    await mined(token.mint(await signer.getAddress(), 3n * unit(18)))
    const raw = toReading(await harness.readTokenSupply(await token.getAddress()))
    expect(raw).toMatchObject({ ok: true, answer: 3n * unit(18), decimals: 18n })
    expect(raw.updatedAt).toBeGreaterThanOrEqual(await latestTimestamp(provider))
    expect(toReading(await harness.readTokenSupply(await feed.getAddress())).ok).toBe(false)
  })

  it('a token supply above int256 cannot be represented', async () => {
    const token = await deployMockPausableAsset(signer, 0, await signer.getAddress())
    await mined(token.mint(await signer.getAddress(), MAX_INT256 + 1n))
    expect(toReading(await harness.readTokenSupply(await token.getAddress())).ok).toBe(false)
  })

  it('judges a stale MockV3Aggregator round on-chain', async () => {
    const aggregator = await deployMockV3Aggregator(signer, 8, 7n * unit(8))
    const token = await deployMockPausableAsset(signer, 8, await signer.getAddress())
    await mined(token.mint(await signer.getAddress(), unit(8)))
    const now = await latestTimestamp(provider)
    await mined(aggregator.updateRoundData(2n, 7n * unit(8), now - 7_200n, now - 7_200n))
    const rules = (stalePolicy: bigint) => ({
      heartbeat: 3_600n,
      supplyHeartbeat: 0n,
      stalePolicy,
      ...NO_MARGIN,
    })
    const at = [await aggregator.getAddress(), await token.getAddress()] as const
    expect(toResult(await harness.check(...at, rules(StalePolicy.FailClosed), 0n))).toMatchObject({
      verdict: Verdict.Short,
      reason: Reason.StaleReserves,
    })
    expect(toResult(await harness.check(...at, rules(StalePolicy.Skip), 0n))).toMatchObject({
      verdict: Verdict.Skipped,
      reason: Reason.StaleReserves,
    })
    await mined(aggregator.updateRoundData(3n, 7n * unit(8), now, now))
    expect(toResult(await harness.check(...at, rules(StalePolicy.FailClosed), 0n))).toEqual({
      verdict: Verdict.Backed,
      reason: Reason.None,
      reserves: 7n * unit(8),
      supply: unit(8),
    })
  })
})
