/**
 * What waits a delay, on a chain of this file's own (its clock is moved, which the shared chains' must not be):
 * an asset's update and removal, the token's reserve configuration and either admin role's transfer. Each is
 * scheduled with the window it applies in, refused with exit 3 before it (nothing sent), applied within it,
 * refused once expired (14 days after ready), and cancelled.
 */
import type { JsonRpcProvider, Wallet } from 'ethers'
import { reserveGuardAt, secureMintTokenAt } from '#chain/contracts'
import { MarginMode, Operation, toAssetConfig } from '#chain/types'
import type { AggregatorFeed } from '#devkit/data-feeds'
import { startFaultProxy } from '#devkit/fault-proxy'
import { chainProvider, startHardhatNode, type RunningChain } from '#devkit/local-chain'
import type { Env } from '../session'
import { btcFeed, deployArgs, deployedAt, fundedWallet, guardCli, guardEnv, guardJson } from './helpers'

const DAY = 86_400
/** ACE's PositivePercentage margin of 50 basis points: the supply may take 99.5 % of the reserves. */
const HALF_PERCENT = ['--margin-mode', 'positive-percentage', '--margin-amount', '50']

let chain: RunningChain
let provider: JsonRpcProvider
let issuer: Wallet
let env: Env
let feed: AggregatorFeed
let guard: string
let token: string

/** Moves this chain's clock `seconds` ahead and mines a block there. */
async function wait(seconds: number): Promise<void> {
  await provider.send('evm_increaseTime', [seconds])
  await provider.send('evm_mine', [])
}

beforeAll(async () => {
  chain = await startHardhatNode('localA', 31337)
  provider = chainProvider(chain.url, chain.chainId)
  issuer = await fundedWallet(provider)
  env = guardEnv(chain.url, issuer)
  feed = await btcFeed(issuer, 100n)
  const deployed = await guardCli(deployArgs(feed.proxyAddress, '1d', '30d'), env)
  guard = deployedAt(deployed.out, 'ReserveGuard')
  token = deployedAt(deployed.out, 'SecureMintToken')
  await guardJson(['add-asset', '--guard', guard, '--target', token], env)
}, 120_000)

afterAll(() => {
  provider.destroy()
  chain.process.kill()
})

describe("an asset's update", () => {
  it('is scheduled with its window, waits the delay (exit 3), applies within 14 days, and expires after', async () => {
    const scheduled = await guardCli(
      ['schedule-update', '--guard', guard, '--target', token, '--operations', 'mint,redeem,burn'],
      env,
    )
    expect(scheduled).toMatchObject({ code: 0, err: '' })
    expect(scheduled.out).toContain('operations ["mint","redeem"] → ["mint","redeem","burn"]')
    expect(scheduled.out).toMatch(
      /Scheduled \(admin delay 1 d \(86,400 s\)\): applicable from .* UTC until .* UTC \(waiting: the admin delay has not passed\)/,
    )
    expect(scheduled.out).toContain(`npm run guard -- apply-update --guard ${guard} --target ${token}`)

    const early = await guardCli(['apply-update', '--guard', guard, '--target', token], env)
    expect(early.code).toBe(3)
    expect(early.err).toContain('is not applicable yet')

    await wait(DAY)
    const applied = await guardCli(['apply-update', '--guard', guard, '--target', token], env)
    expect(applied).toMatchObject({ code: 0, err: '' })
    expect(toAssetConfig(await reserveGuardAt(guard, provider).assetConfig(token)).operations).toBe(
      Operation.All,
    )

    await guardJson(
      ['schedule-update', '--guard', guard, '--target', token, '--operations', 'mint,redeem'],
      env,
    )
    await wait(DAY + 14 * DAY + 1)
    const late = await guardCli(['apply-update', '--guard', guard, '--target', token], env)
    expect(late.code).toBe(1)
    expect(late.err).toContain('not applied within 14 days: schedule it again')
    const status = await guardCli(['status', '--guard', guard], env)
    expect(status.out).toContain('scheduled update: expired at')
    expect(await guardCli(['cancel-change', '--guard', guard, '--target', token], env)).toMatchObject({
      code: 0,
    })
    expect(await guardCli(['apply-update', '--guard', guard, '--target', token], env)).toMatchObject({
      code: 1,
      err: expect.stringContaining('nothing is scheduled'),
    })
  })

  it('refuses a change to nothing, and to rules other than the token’s', async () => {
    expect(
      await guardCli(
        ['schedule-update', '--guard', guard, '--target', token, '--operations', 'burn,mint,redeem'],
        env,
      ),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('nothing to change'),
    })
    expect(
      (await guardCli(['schedule-update', '--guard', guard, '--target', token, ...HALF_PERCENT], env)).code,
    ).toBe(1)
  })
})

describe("the token's reserve configuration, and the asset following it", () => {
  it('schedule, apply after the delay; the guard refuses to unpause until its asset follows', async () => {
    const scheduled = await guardCli(['schedule-reserve-config', '--token', token, ...HALF_PERCENT], env)
    expect(scheduled).toMatchObject({ code: 0, err: '' })
    expect(scheduled.out).toContain("Note: the guard judges a SecureMintToken by the token's own rules")
    expect((await guardCli(['apply-reserve-config', '--token', token], env)).code).toBe(3)
    await wait(DAY)
    // An RPC that refuses the range of eth_getLogs, as a public one may: the error says which option to change.
    const refusing = await startFaultProxy(chain.url, (_index, body) => {
      const request = JSON.parse(body) as { id: number; method: string }
      if (request.method !== 'eth_getLogs') return 'forward'
      const error = { code: -32005, message: 'query exceeds max block range 10000' }
      return { status: 200, body: JSON.stringify({ jsonrpc: '2.0', id: request.id, error }) }
    })
    try {
      const run = await guardCli(['apply-reserve-config', '--token', token], guardEnv(refusing.url, issuer))
      expect(run.code).toBe(1)
      expect(run.err).toContain(
        "could not read the token's ReserveConfigScheduled events from block 0 (the RPC said: ",
      )
      expect(run.err).toContain('pass a later --from-block, before the change was scheduled')
    } finally {
      await refusing.close()
    }
    expect(await guardCli(['apply-reserve-config', '--token', token], env)).toMatchObject({
      code: 0,
      err: '',
    })
    expect(await secureMintTokenAt(token, provider).reserveConfig()).toEqual([
      feed.proxyAddress,
      30n * 86_400n,
      MarginMode.PositivePercentage,
      50n,
    ])
    const status = (await guardCli(['status', '--guard', guard], env)).out
    expect(status).toContain("the token's rules differ from the asset's")
    expect(status).toContain('(backed from 100.00 %)')

    // The asset follows the token's new rules: nothing to give but the command.
    const follows = await guardCli(['schedule-update', '--guard', guard, '--target', token], env)
    expect(follows).toMatchObject({ code: 0, err: '' })
    expect(follows.out).toContain('marginMode "None" → "PositivePercentage"; marginAmount "0" → "50"')
    await wait(DAY)
    expect(await guardCli(['apply-update', '--guard', guard, '--target', token], env)).toMatchObject({
      code: 0,
    })
    expect((await guardCli(['status', '--guard', guard], env)).out).toContain(
      'margin: PositivePercentage 50 bps (backed from 100.51 %)',
    )
  })

  it("a negative margin (ACE's NegativePercentage, NegativeAbsolute) only by a scheduled change", async () => {
    const negative = ['--margin-mode', 'negative-absolute', '--margin-amount', '100000000']
    const deploy = await guardCli(
      [...deployArgs(feed.proxyAddress, '1d', '1d'), ...negative, '--dry-run'],
      env,
    )
    expect(deploy).toMatchObject({ code: 1, err: expect.stringContaining('NegativeMarginNotScheduled') })
    const scheduled = await guardCli(
      ['schedule-reserve-config', '--token', token, ...negative, '--dry-run'],
      env,
    )
    expect(scheduled).toMatchObject({ code: 0, err: '' })
    expect(scheduled.out).toContain("margin NegativeAbsolute 100000000 of the supply's smallest units")
    expect(
      (
        await guardCli(
          ['schedule-reserve-config', '--token', token, '--margin-mode', 'positive-percentage'],
          env,
        )
      ).err,
    ).toContain('needs --margin-amount')
    expect(
      (
        await guardCli(
          [
            'schedule-reserve-config',
            '--token',
            token,
            ...HALF_PERCENT.slice(0, 2),
            '--margin-amount',
            '10001',
          ],
          env,
        )
      ).err,
    ).toContain('at most 10000 basis points')
  })

  it('a scheduled configuration can be cancelled', async () => {
    await guardJson(['schedule-reserve-config', '--token', token, '--heartbeat', '2d'], env)
    expect(await guardCli(['cancel-reserve-config', '--token', token], env)).toMatchObject({ code: 0 })
    expect((await guardCli(['apply-reserve-config', '--token', token], env)).err).toContain(
      'nothing is scheduled: the reserve configuration of',
    )
  })
})

describe('an admin role, handed over in two steps', () => {
  it('transfer-admin, accept-admin refused before the delay (exit 3), accepted after it', async () => {
    const next = await fundedWallet(provider)
    const asNext = guardEnv(chain.url, next)
    const begun = await guardCli(['transfer-admin', '--guard', guard, '--to', next.address], env)
    expect(begun).toMatchObject({ code: 0, err: '' })
    expect(begun.out).toMatch(
      new RegExp(`${next.address} can accept from .* \\(in 1 d\\) \\(the admin delay`),
    )
    expect((await guardCli(['accept-admin', '--guard', guard], env)).err).toContain(
      `offered to ${next.address}`,
    )
    expect((await guardCli(['accept-admin', '--guard', guard], asNext)).code).toBe(3)
    await wait(DAY + 1)
    expect(await guardCli(['accept-admin', '--guard', guard], asNext)).toMatchObject({ code: 0, err: '' })
    expect(await reserveGuardAt(guard, provider).defaultAdmin()).toBe(next.address)
  })

  it("the token's: begun, then cancelled", async () => {
    const next = await fundedWallet(provider)
    expect(await guardCli(['transfer-admin', '--token', token, '--to', next.address], env)).toMatchObject({
      code: 0,
    })
    expect(await guardCli(['cancel-admin-transfer', '--token', token], env)).toMatchObject({ code: 0 })
    expect((await secureMintTokenAt(token, provider).pendingDefaultAdmin()).schedule).toBe(0n)
  })
})

describe("an asset's removal", () => {
  it('waits the delay, then leaves the target as it is', async () => {
    const admin = await fundedWallet(provider)
    const { out } = await guardCli(
      [
        'deploy',
        '--delay',
        '1h',
        '--token-name',
        'Other',
        '--token-symbol',
        'OTH',
        '--feed',
        feed.proxyAddress,
        '--heartbeat',
        '30d',
      ],
      guardEnv(chain.url, admin),
    )
    const [otherGuard, otherToken] = [deployedAt(out, 'ReserveGuard'), deployedAt(out, 'SecureMintToken')]
    const asAdmin = guardEnv(chain.url, admin)
    await guardJson(['add-asset', '--guard', otherGuard, '--target', otherToken], asAdmin)
    const scheduled = await guardCli(
      ['schedule-removal', '--guard', otherGuard, '--target', otherToken],
      asAdmin,
    )
    expect(scheduled.out).toContain(
      `npm run guard -- apply-removal --guard ${otherGuard} --target ${otherToken}`,
    )
    expect(
      (await guardCli(['apply-removal', '--guard', otherGuard, '--target', otherToken], asAdmin)).code,
    ).toBe(3)
    await wait(3_600)
    expect(
      await guardCli(['apply-removal', '--guard', otherGuard, '--target', otherToken], asAdmin),
    ).toMatchObject({ code: 0 })
    expect(await reserveGuardAt(otherGuard, provider).assetCount()).toBe(0n)
  })
})
