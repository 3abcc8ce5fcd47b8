/**
 * Deploying and wiring a guard with `npm run guard`, on the shared local chain A: `deploy` (guard, token, list),
 * `add-asset` (the pause mode found from the target, a SecureMintToken's rules, the pause role granted, the pause
 * gas measured), roles, `mint`, and what `status` says as the asset goes short, is paused by the upkeep or by a
 * guardian, backs off and is unpaused: figures in units, the ratio, who holds what.
 */
import type { JsonRpcProvider, Wallet } from 'ethers'
import {
  deployMockOperationsToken,
  deployMockPausableAsset,
  deployMockReserveFeed,
  mockReserveFeedAt,
  porAddressListAt,
  reserveGuardAt,
  secureMintTokenAt,
  type ReserveGuard,
} from '#chain/contracts'
import { mined } from '#chain/events'
import { FeedFailure, MarginMode, PauseMode, Role, toAssetConfig } from '#chain/types'
import { deployAceMintGate } from '#devkit/ace'
import type { AggregatorFeed } from '#devkit/data-feeds'
import { localChainUrl, localProvider } from '#devkit/local-chain'
import type { Env } from '../session'
import { deployArgs, deployedAt, btcFeed, fundedWallet, guardCli, guardEnv, guardJson } from './helpers'

let provider: JsonRpcProvider
let issuer: Wallet
let stranger: Wallet
let env: Env
let feed: AggregatorFeed
let guard: string
let token: string

const asStranger = () => guardEnv(localChainUrl('A'), stranger)

beforeAll(async () => {
  provider = localProvider()
  issuer = await fundedWallet(provider)
  stranger = await fundedWallet(provider)
  env = guardEnv(localChainUrl('A'), issuer)
  feed = await btcFeed(issuer, 100n)
})

afterAll(() => provider.destroy())

/** The performData of the guard's own check, performed by `forwarder` (granted FORWARDER_ROLE), as an upkeep. */
async function perform(guardHandle: ReserveGuard, forwarder: Wallet): Promise<void> {
  const [needed, performData] = await guardHandle.checkUpkeep('0x')
  expect(needed).toBe(true)
  // An explicit gas limit, as the registry gives: an estimate would find the least gas that stops early.
  await mined(guardHandle.connect(forwarder).performUpkeep(performData, { gasLimit: 3_000_000 }))
}

describe('deploy', () => {
  it('a dry run prints the creations, decoded, with their predicted addresses, and sends nothing', async () => {
    const nonce = await provider.getTransactionCount(issuer.address)
    const run = await guardCli(
      [...deployArgs(feed.proxyAddress, '0', '1d'), '--list-address', 'bc1qexample', '--dry-run'],
      env,
    )
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toContain('Dry run: 3 transaction(s)')
    expect(run.out).toContain(`call:     new ReserveGuard(admin=${issuer.address}, delay=0)`)
    expect(run.out).toContain(
      `call:     new SecureMintToken(name_=Secure BTC, symbol_=sBTC, admin=${issuer.address}, delay=0, reserveFeed=${feed.proxyAddress}, heartbeat=86400, marginMode=None, marginAmount=0)`,
    )
    expect(run.out).toContain('call:     new PoRAddressList(admin=')
    expect(run.out).toMatch(/calldata: ReserveGuard's creation code \([\d,]+ bytes\), then 0x/)
    expect(await provider.getTransactionCount(issuer.address)).toBe(nonce)
  })

  it('deploys the guard, the token on the feed and the list, and says what to run next', async () => {
    const run = await guardCli(
      [...deployArgs(feed.proxyAddress, '0', '1d'), '--list-address', 'bc1qexample'],
      env,
    )
    expect(run).toMatchObject({ code: 0, err: '' })
    guard = deployedAt(run.out, 'ReserveGuard')
    token = deployedAt(run.out, 'SecureMintToken')
    const list = deployedAt(run.out, 'PoRAddressList')
    expect(run.out).toContain(`npm run guard -- add-asset --network local --guard ${guard} --target ${token}`)
    const guardHandle = reserveGuardAt(guard, provider)
    expect(await guardHandle.defaultAdmin()).toBe(issuer.address)
    expect(await guardHandle.defaultAdminDelay()).toBe(0n)
    expect(await secureMintTokenAt(token, provider).reserveConfig()).toEqual([
      feed.proxyAddress,
      86_400n,
      MarginMode.None,
      0n,
    ])
    expect(await porAddressListAt(list, provider).getPoRAddressList(0, 0)).toEqual(['bc1qexample'])
  })
})

describe('add-asset', () => {
  it('refuses rules other than a SecureMintToken’s own, and a sender that is not the guard’s admin', async () => {
    const mismatch = await guardCli(
      ['add-asset', '--guard', guard, '--target', token, '--heartbeat', '2h'],
      env,
    )
    expect(mismatch.code).toBe(1)
    expect(mismatch.err).toContain("is a SecureMintToken: the guard judges it by the token's own rules only")
    expect(mismatch.err).toContain("heartbeat 7200 s (the token's: 86400 s)")
    const notAdmin = await guardCli(['add-asset', '--guard', guard, '--target', token], asStranger())
    expect(notAdmin.code).toBe(1)
    expect(notAdmin.err).toContain(
      `${stranger.address} does not hold DEFAULT_ADMIN_ROLE on the guard ${guard}`,
    )
  })

  it('a dry run grants the pause role and adds the asset, on paper', async () => {
    const run = await guardCli(['add-asset', '--guard', guard, '--target', token, '--dry-run'], env)
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toContain('Dry run: 2 transaction(s)')
    expect(run.out).toContain(`call:     grantRole(role=PAUSER_ROLE, account=${guard})`)
    expect(run.out).toContain(
      `call:     addAsset(target=${token}, config={ reserveFeed: ${feed.proxyAddress}, supplyKind: TokenTotalSupply, ` +
        `supplySource: ${token}, heartbeat: 86400, supplyHeartbeat: 0, stalePolicy: FailClosed, marginMode: None, ` +
        `marginAmount: 0, ` +
        `pauseMode: Operations, operations: 3 (mint, redeem), pauseGas: 100000 })`,
    )
    expect(run.out).toContain('the real run measures the pause after the role grant')
    expect(await secureMintTokenAt(token, provider).hasRole(Role.PAUSER, guard)).toBe(false)
  })

  it('grants the guard PAUSER_ROLE, measures the pause, and registers the token by its own rules', async () => {
    const data = await guardJson(['add-asset', '--guard', guard, '--target', token], env)
    expect(await secureMintTokenAt(token, provider).hasRole(Role.PAUSER, guard)).toBe(true)
    const config = toAssetConfig(await reserveGuardAt(guard, provider).assetConfig(token))
    expect(config).toMatchObject({
      reserveFeed: feed.proxyAddress,
      heartbeat: 86_400,
      marginMode: MarginMode.None,
      marginAmount: 0n,
      pauseMode: PauseMode.Operations,
      operations: 3n,
    })
    // Twice the measured pause, rounded up to 10,000, never below MIN_PAUSE_GAS.
    expect(config.pauseGas % 10_000).toBe(0)
    expect(config.pauseGas).toBeGreaterThanOrEqual(100_000)
    expect(data).toMatchObject({
      config: { pauseMode: 'Operations', operations: ['mint', 'redeem'], pauseGas: config.pauseGas },
    })
    expect(BigInt(data.performGasNeeded as string)).toBe(
      await reserveGuardAt(guard, provider).performGasNeeded(token),
    )
    const again = await guardCli(['add-asset', '--guard', guard, '--target', token], env)
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('already an asset of the guard') })
  })

  it('finds a Pausable target by its paused(), and refuses a contract it could never pause', async () => {
    const reserveFeed = await deployMockReserveFeed(issuer, 18, 10n ** 21n)
    const asset = await deployMockPausableAsset(issuer, 18, stranger.address) // its admin is someone else
    const target = await asset.getAddress()
    const added = await guardCli(
      [
        'add-asset',
        '--guard',
        guard,
        '--target',
        target,
        '--feed',
        await reserveFeed.getAddress(),
        '--pause-gas',
        '150000',
      ],
      env,
    )
    expect(added).toMatchObject({ code: 0, err: '' })
    expect(added.out).toContain('answers paused() with a bool: paused by pause()')
    expect(added.out).toContain(`Warning: the guard cannot pause ${target} yet`)
    expect(added.out).toContain(`grant-role --token ${target} --role PAUSER --account ${guard}`)
    expect(toAssetConfig(await reserveGuardAt(guard, provider).assetConfig(target))).toMatchObject({
      pauseMode: PauseMode.Pausable,
      operations: 0n,
      pauseGas: 150_000,
    })
    // A token that declares IOperationsPausable through ERC-165, whose pauser is the guard already.
    const operations = await deployMockOperationsToken(issuer, guard, 50n * 10n ** 8n)
    const token2 = await operations.getAddress()
    const byOperation = await guardJson(
      ['add-asset', '--guard', guard, '--target', token2, '--feed', feed.proxyAddress, '--heartbeat', '1d'],
      env,
    )
    expect(byOperation.config).toMatchObject({ pauseMode: 'Operations', operations: ['mint', 'redeem'] })
    expect(byOperation.transactions).toHaveLength(1) // nothing to grant: the guard can pause it
    expect((byOperation.notes as string[])[0]).toContain('declares IOperationsPausable')
    expect((byOperation.notes as string[]).join()).toMatch(
      /pause gas [\d,]+: the pause took [\d,]+ gas from the guard/,
    )
    const refused = await guardCli(
      ['add-asset', '--guard', guard, '--target', feed.proxyAddress, '--feed', feed.proxyAddress],
      env,
    )
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('cannot be paused by the guard: it declares neither ISecureMintToken')
  })

  it("guards an ACE token through its PausePolicy, with ACE's margin modes by name", async () => {
    // The policy is the guard's (its owner), first on the ComplianceTokenERC20's mint, as the guard requires.
    const gate = await deployAceMintGate(issuer, {
      secureMint: { reservesFeed: feed.proxyAddress },
      pauser: guard,
    })
    const policy = await gate.pause.getAddress()
    const base = [
      'add-asset',
      '--guard',
      guard,
      '--target',
      policy,
      '--feed',
      feed.proxyAddress,
      '--heartbeat',
      '1d',
    ]
    expect((await guardCli(base, env)).err).toContain('--policy-token <address> is required')
    const withToken = [...base, '--policy-token', gate.tokenAddress]
    const negative = await guardCli(
      [...withToken, '--margin-mode', 'NegativePercentage', '--margin-amount', '50'],
      env,
    )
    expect(negative).toMatchObject({ code: 1, err: expect.stringContaining('NegativeMarginNotScheduled') })
    const added = await guardJson(
      [...withToken, '--margin-mode', 'positive-percentage', '--margin-amount', '50'],
      env,
    )
    expect(added.config).toMatchObject({
      supplySource: gate.tokenAddress,
      marginMode: 'PositivePercentage',
      marginAmount: '50',
      pauseMode: 'AcePausePolicy',
      operations: [],
    })
    expect((added.notes as string[])[0]).toContain(
      "answers s_paused() with a bool, as Chainlink ACE's PausePolicy does",
    )
    expect(added.warnings).toEqual([])
    const status = await guardCli(['status', '--guard', guard, '--target', policy], env)
    expect(status.out).toContain(`asset ${policy} (cBTC, AcePausePolicy):`)
    expect(status.out).toContain('margin: PositivePercentage 50 bps (backed from 100.51 %)')
    expect(status.out).toContain(
      `on a shortfall the guard pauses ${gate.tokenAddress}'s mint through this PausePolicy`,
    )

    // A policy the guard does not own yet: its owner must hand it over; the CLI cannot.
    const other = await deployAceMintGate(issuer, { secureMint: { reservesFeed: feed.proxyAddress } })
    const otherPolicy = await other.pause.getAddress()
    const dry = await guardCli(
      [...base.slice(0, 4), otherPolicy, ...base.slice(5), '--policy-token', other.tokenAddress, '--dry-run'],
      env,
    )
    expect(dry).toMatchObject({ code: 0, err: '' })
    expect(dry.out).toContain(`the PausePolicy's owner must transferOwnership(${guard})`)
  })
})

describe('status, mint and the holds', () => {
  let guardian: Wallet

  beforeAll(async () => {
    guardian = await fundedWallet(provider)
    await guardJson(['grant-role', '--token', token, '--role', 'MINTER', '--account', issuer.address], env)
    await guardJson(
      ['grant-role', '--guard', guard, '--role', 'guardian', '--account', guardian.address],
      env,
    )
    await guardJson(
      ['grant-role', '--guard', guard, '--role', 'UNPAUSER_ROLE', '--account', issuer.address],
      env,
    )
    await guardJson(['grant-role', '--guard', guard, '--role', 'FORWARDER', '--account', issuer.address], env)
  })

  it('mints within the reserves, and refuses beyond them with the verdict', async () => {
    expect(await guardCli(['mint', '--token', token, '--amount', '90'], env)).toMatchObject({ code: 0 })
    const beyond = await guardCli(['mint', '--token', token, '--amount', '10.00000001'], env)
    expect(beyond.code).toBe(1)
    expect(beyond.err).toContain(
      "minting 10.00000001 sBTC is refused: the token's check says Short (InsufficientReserves)",
    )
  })

  it('shows reserves for supply in units and as a ratio, rounded down', async () => {
    const run = await guardCli(['status', '--guard', guard, '--target', token], env)
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toContain('backed: 100 BTC for 90 sBTC, 111.11 % (backed from 100.00 %)')
    expect(run.out).toContain('Ratios are reserves ÷ supply, exact, rounded down to 0.01 %.')
    expect(run.out).toMatch(/reserve feed 0x[0-9a-fA-F]{40} "BTC PoR": updated .* heartbeat 1 d: fresh for/)
    expect(run.out).toContain(`GUARDIAN_ROLE: ${guardian.address}`)
    const data = await guardJson(['status', '--guard', guard, '--target', token], env)
    expect(data.assets).toEqual([
      expect.objectContaining({
        verdict: 'Backed',
        ratioPercent: '111.11',
        reserves: '10000000000',
        supply: '9000000000',
        paused: false,
      }),
    ])
  })

  it("a guardian's pause: held by the guardian, paused by the guard; an unpauser cannot lift it", async () => {
    const asGuardian = guardEnv(localChainUrl('A'), guardian)
    expect(await guardCli(['pause', '--guard', guard, '--target', token], asGuardian)).toMatchObject({
      code: 0,
    })
    const shown = (await guardCli(['status', '--guard', guard, '--target', token], env)).out
    expect(shown).toContain('pause: in force: mint (by the guard), redeem (by the guard) paused; burn open')
    expect(shown).toContain(
      'held by: a guardian (only a guardian lifts it, lift); the guard switched on mint, redeem and lifts only that',
    )
    const unpause = await guardCli(['unpause', '--guard', guard, '--target', token], env)
    expect(unpause).toMatchObject({
      code: 1,
      err: expect.stringContaining("(a guardian's pause is lifted by a guardian: lift)"),
    })
    expect(await guardCli(['lift', '--guard', guard, '--target', token], asGuardian)).toMatchObject({
      code: 0,
    })
    expect(await reserveGuardAt(guard, provider).isAssetPaused(token)).toBe(false)
  })

  it("a shortfall: the upkeep's pause, refused unpause while short, unpaused once backed", async () => {
    await feed.submit(80n * 10n ** 8n)
    await perform(reserveGuardAt(guard, issuer), issuer)
    const shown = (await guardCli(['status', '--guard', guard, '--target', token], env)).out
    expect(shown).toContain(
      'SHORT (InsufficientReserves): 80 BTC for 90 sBTC, 88.88 % (backed from 100.00 %)',
    )
    expect(shown).toContain('held by: the upkeep (a shortfall: an unpauser lifts it once backed, unpause);')
    const early = await guardCli(['unpause', '--guard', guard, '--target', token], env)
    expect(early.code).toBe(1)
    expect(early.err).toContain('unpausing is refused while')
    expect(early.err).toContain(
      'the check says Short (InsufficientReserves), reserves 8000000000, supply 9000000000',
    )
    await feed.submit(100n * 10n ** 8n)
    const unpaused = await guardCli(['unpause', '--guard', guard, '--target', token], env)
    expect(unpaused).toMatchObject({ code: 0, err: '' })
    expect(unpaused.out).toContain(`${token} is unpaused.`)
    expect(await secureMintTokenAt(token, provider).pausedOperations()).toBe(0n)
  })

  it('a pause that fails backs off; status says so, and a guardian clears it', async () => {
    // The Pausable asset added above: the guard was never granted its PAUSER_ROLE.
    const guardHandle = reserveGuardAt(guard, provider)
    const { target, config } = await guardHandle.assetAt(1n)
    await mined(mockReserveFeedAt(config.reserveFeed, issuer).setFailure(FeedFailure.Revert))
    await perform(reserveGuardAt(guard, issuer), issuer)
    const shown = (await guardCli(['status', '--guard', guard, '--target', target], env)).out
    expect(shown).toMatch(
      /backoff: 1 failed pause\(s\) in a row; the upkeep tries again from .*\(in (1 min|\d+ s)\)/,
    )
    expect(shown).toContain('SHORT (ReserveFeedFailed)')
    const asGuardian = guardEnv(localChainUrl('A'), guardian)
    expect(await guardCli(['clear-backoff', '--guard', guard, '--target', target], asGuardian)).toMatchObject(
      { code: 0 },
    )
    expect((await guardHandle.pauseBackoff(target))[0]).toBe(0n)
  })
})
