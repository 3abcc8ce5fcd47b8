/**
 * React to a mint, not only to a feed: a guard's mint-log upkeep (`register --trigger mint-log`), a log trigger on
 * the token's `Transfer` from the zero address, registered through Chainlink's Automation 2.3 registrar and run by
 * the local runner through the registry's `transmit`. A fat-finger mint on a token without a mint gate (no feed
 * update: the conditional upkeep would see it only at its next poll) is paused in the next block.
 */
import { Contract, Wallet, ZeroHash, id } from 'ethers'
import { deploy } from '#chain/artifacts'
import { UpkeepRunner } from '../runner'
import { MOCK_FEED, cli, guardEnum, localSetup, mined, type LocalSetup } from './helpers'

const USD = 10n ** 6n // the stablecoin's 6 decimals
const FAT_FINGER = 300_000_000_000_000n * USD // 300 trillion
const STABLECOIN = 'contracts/mocks/PausableStablecoin.sol:PausableStablecoin'

let s: LocalSetup

beforeAll(async () => {
  s = await localSetup()
})

afterAll(() => s.provider.destroy())

/** A 6-decimal stablecoin without a mint gate (the issuer mints), 1,000 dollars of reserves for 900 minted, guarded. */
async function guardedStablecoin() {
  const { issuer } = s
  const feed = await deploy<Contract>(issuer, MOCK_FEED, 6, 1_000n * USD)
  const coin = await deploy<Contract>(issuer, STABLECOIN, 'Dollar', 'USDX', issuer.address)
  const guard = await deploy<Contract>(issuer, 'ReserveGuard', issuer.address, 0)
  const [coinAddress, guardAddress] = [await coin.getAddress(), await guard.getAddress()]
  await mined(coin.grantRole(await coin.MINTER_ROLE(), issuer.address))
  await mined(coin.grantRole(await coin.PAUSER_ROLE(), guardAddress))
  await mined(coin.mint(issuer.address, 900n * USD))
  await mined(
    guard.addAsset(coinAddress, {
      reserveFeed: await feed.getAddress(),
      supplyKind: guardEnum('SupplyKind', 'TokenTotalSupply'),
      supplySource: coinAddress,
      heartbeat: 86_400,
      supplyHeartbeat: 0,
      stalePolicy: 0n, // FailClosed
      marginMode: 0n, // None
      marginAmount: 0n,
      pauseMode: guardEnum('PauseMode', 'Pausable'),
      operations: 0n,
      pauseGas: 100_000,
    }),
  )
  return { feed, coin, guard, coinAddress, guardAddress }
}

/** `register --trigger mint-log --json` on the guard, funded with 20 of the billing token. */
const registerMintLog = (guardAddress: string) =>
  cli(
    [
      'register',
      '--network',
      'local',
      '--guard',
      guardAddress,
      '--trigger',
      'mint-log',
      '--amount',
      '20',
      '--json',
    ],
    s.env,
  )

describe('a mint-log upkeep', () => {
  it("registers on the guard's only token: a log trigger on its Transfer from the zero address", async () => {
    const { guardAddress, coinAddress } = await guardedStablecoin()
    const run = await registerMintLog(guardAddress)
    expect(run.err).toBe('')
    const result = JSON.parse(run.out)
    expect(result.upkeep.trigger).toBe('log')
    expect(result.upkeep.logTrigger).toEqual({
      contractAddress: coinAddress,
      filterSelector: 1, // topic1 (from) filtered
      topic0: id('Transfer(address,address,uint256)'),
      topic1: ZeroHash,
      topic2: ZeroHash,
      topic3: ZeroHash,
    })
    expect(result.notes.join('\n')).toContain(`the guard protects one token, ${coinAddress}`)
    expect(result.forwarderAllowed).toBe(true)
    const status = await cli(['status', '--network', 'local', '--guard', guardAddress], s.env)
    expect(status.out).toContain(`listens to mints of ${coinAddress}`)
    // --token is for mint-log, --feed for log.
    const misuse = await cli(
      ['register', '--network', 'local', '--guard', guardAddress, '--token', coinAddress, '--amount', '20'],
      s.env,
    )
    expect([misuse.code, misuse.err]).toEqual([
      2,
      expect.stringContaining('--token is for --trigger mint-log'),
    ])
  })

  it('pauses a fat-finger mint of 300 trillion on a token without a mint gate in the next block, through transmit', async () => {
    const { coin, guard, guardAddress, coinAddress } = await guardedStablecoin()
    const run = await registerMintLog(guardAddress)
    const upkeepId = BigInt(JSON.parse(run.out).upkeep.id)
    const runner = await UpkeepRunner.create({
      provider: s.provider,
      registry: s.automation.registry,
      upkeepIds: [upkeepId],
      mode: { kind: 'transmit', don: s.automation.don },
    })
    expect((await runner.tick()).performs).toEqual([])

    // The key with the minter role mints 300 trillion: the coin lets it through, nothing on-chain stops it.
    const holder = new Wallet(Wallet.createRandom().privateKey, s.provider)
    const mint = await mined(coin.mint(holder.address, FAT_FINGER))
    expect(await coin.totalSupply()).toBe(900n * USD + FAT_FINGER)

    const tick = await runner.tick()
    const [check] = tick.checks
    expect(check).toMatchObject({ upkeepId, upkeepNeeded: true, failureReason: 'NONE' })
    expect(check.log).toEqual({ txHash: mint.hash, index: 0, blockNumber: mint.blockNumber })
    const [perform] = tick.performs
    expect(perform).toMatchObject({ upkeepId, mode: 'transmit', success: true })
    expect(perform.guardEvents.map((e) => e.text)).toEqual([
      `AssetPaused(target=${coinAddress}, reason=InsufficientReserves, reserves=${1_000n * USD}, supply=${900n * USD + FAT_FINGER})`,
    ])
    const paused = (await s.provider.getTransactionReceipt(perform.txHash))!
    expect(paused.to).toBe(s.automation.registry)
    expect(paused.blockNumber).toBe(mint.blockNumber + 1)
    expect(await coin.paused()).toBe(true)

    // In the block of the mint, the holder could move the unbacked coins; from the next one, nothing moves.
    const asHolder = coin.connect(holder) as Contract
    const transfer = asHolder.transfer.staticCall(s.issuer.address, USD, { blockTag: mint.blockNumber })
    await expect(transfer).resolves.toBe(true)
    await expect(asHolder.transfer.staticCall(s.issuer.address, USD)).rejects.toMatchObject({
      revert: { name: 'EnforcedPause' },
    })
    expect(await guard.isAssetPaused(coinAddress)).toBe(true)
  })
})
