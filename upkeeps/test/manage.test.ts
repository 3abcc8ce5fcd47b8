/**
 * Managing upkeeps through the registry's own calls (fund, pause, unpause, cancel, withdraw) and reading a
 * guard's status, on the shared chain A (nothing here needs time to pass: the cancellation delay is crossed
 * in rehearsal.test.ts, on a chain of its own).
 */
import { Contract, Wallet, parseEther, type JsonRpcProvider } from 'ethers'
import type { LocalAutomation } from '#devkit/automation'
import type { Env } from '../network'
import {
  TOKEN,
  cli,
  deployGuardedToken,
  fundedKey,
  localSetup,
  mined,
  registerUpkeep,
  type GuardedToken,
} from './helpers'

let provider: JsonRpcProvider
let automation: LocalAutomation
let issuer: Wallet
let env: Env
let registry: Contract
let guarded: GuardedToken
let conditional: bigint
let log: bigint
let ownerKey: string

const register = (args: string[]) => registerUpkeep(env, guarded.address.guard, args)

/** `status --json` of the guard's given upkeeps. */
async function statusJson(
  ...ids: bigint[]
): Promise<{ assets: unknown[]; upkeeps: Record<string, unknown>[] }> {
  const upkeeps = ids.flatMap((id) => ['--upkeep', String(id)])
  const run = await cli(
    ['status', '--network', 'local', '--guard', guarded.address.guard, ...upkeeps, '--json'],
    env,
  )
  expect(run.err).toBe('')
  return JSON.parse(run.out)
}

beforeAll(async () => {
  const setup = await localSetup()
  ;({ provider, automation, issuer, env, registry } = setup)
  ownerKey = (setup.owner.signer as Wallet).privateKey
  guarded = await deployGuardedToken(issuer, 1_000n, 900n)
  conditional = await register(['--amount', '10'])
  log = await register(['--amount', '10', '--trigger', 'log'])
})

afterAll(() => provider.destroy())

const upkeepArgs = (command: string, id: bigint, ...more: string[]) => [
  command,
  '--network',
  'local',
  '--upkeep',
  String(id),
  ...more,
]

describe('status', () => {
  it("lists the guard's assets with their verdict, and its upkeeps found through the registrar", async () => {
    await mined(guarded.aggregator.setAnswer(850n * TOKEN)) // short: 850 < 900
    const run = await cli(['status', '--network', 'local', '--guard', guarded.address.guard, '--json'], env)
    expect(run.err).toBe('')
    const status = JSON.parse(run.out)
    expect(status.assets).toEqual([
      expect.objectContaining({
        target: guarded.address.token,
        reserveFeed: guarded.address.proxy,
        supplyKind: 'TokenTotalSupply',
        verdict: 'Short',
        verdictWords: 'short',
        reason: 'InsufficientReserves',
        reserves: (850n * TOKEN).toString(),
        supply: (900n * TOKEN).toString(),
        reserveDecimals: 8,
        supplyDecimals: 8,
        paused: false,
      }),
    ])
    const ids = status.upkeeps.map((u: { id: string }) => BigInt(u.id))
    expect(ids.sort()).toEqual([conditional, log].sort())
    for (const upkeep of status.upkeeps) {
      expect(upkeep).toMatchObject({ paused: false, cancelled: false, forwarderAllowed: true })
      expect(upkeep.forwarder).toBe(await registry.getForwarder(BigInt(upkeep.id)))
      expect(BigInt(upkeep.balance.units)).toBe(parseEther('10'))
      expect(BigInt(upkeep.minBalance.units)).toBe(await registry.getMinBalance(BigInt(upkeep.id)))
    }
    expect(status.upkeeps.find((u: { id: string }) => BigInt(u.id) === log).trigger).toBe('log')

    const words = await cli(
      ['status', '--network', 'local', '--guard', guarded.address.guard, '--upkeep', String(conditional)],
      env,
    )
    expect(words.out).toContain(
      `asset ${guarded.address.token}: short (InsufficientReserves); reserves ${850n * TOKEN} (8 decimals), supply ${900n * TOKEN} (8 decimals); not paused`,
    )
    expect(words.out).toMatch(
      new RegExp(
        `upkeep ${conditional}: conditional, active, balance 10 LINK \\(minimum [\\d.]+ LINK: funded above the minimum\\), gas limit 1,000,000, forwarder 0x[0-9a-fA-F]{40} holds FORWARDER_ROLE`,
      ),
    )
    await mined(guarded.aggregator.setAnswer(1_000n * TOKEN))
    const backed = await statusJson(log)
    expect(backed.assets[0]).toMatchObject({ verdict: 'Backed', verdictWords: 'backed', reason: 'None' })
  })
})

describe('fund', () => {
  it('adds LINK through transferAndCall; a dry run sends nothing', async () => {
    const before = (await registry.getBalance(conditional)) as bigint
    const dry = await cli([...upkeepArgs('fund', conditional, '--amount', '1.25'), '--dry-run'], env)
    expect(dry.err).toBe('')
    expect(dry.out).toContain(
      `call:     transferAndCall(to=${automation.registry}, amount=1250000000000000000, data=abi.encode(upkeepId=${conditional}))`,
    )
    expect(await registry.getBalance(conditional)).toBe(before)

    const run = await cli([...upkeepArgs('fund', conditional, '--amount', '1.25'), '--json'], env)
    expect(run.err).toBe('')
    expect(await registry.getBalance(conditional)).toBe(before + parseEther('1.25'))
    expect(JSON.parse(run.out).upkeep.balance.text).toBe('11.25')
  })

  it('refuses more decimals than the token has, and more than the sender holds', async () => {
    const precise = await cli(upkeepArgs('fund', conditional, '--amount', '0.0000000000000000001'), env)
    expect(precise.code).toBe(2)
    expect(precise.err).toContain("--amount 0.0000000000000000001 has more than the token's 18 decimals")
    const rich = await cli(upkeepArgs('fund', conditional, '--amount', '1000000'), env)
    expect(rich.code).toBe(1)
    expect(rich.err).toMatch(/holds [\d.]+ LINK, less than the 1000000 LINK to fund/)
  })

  it('warns when the upkeep stays below the minimum balance', async () => {
    const id = await register(['--amount', '0.1'])
    const run = await cli(upkeepArgs('fund', id, '--amount', '0.1'), env)
    expect(run.err).toBe('')
    expect(run.out).toMatch(
      /Warning: after this, upkeep \d+ holds 0\.2 LINK, still below the registry's minimum of [\d.]+ LINK \(getMinBalance\): the network will not perform it until it is topped up\./,
    )
  })
})

describe('pause-upkeep, unpause-upkeep', () => {
  it('pauses and unpauses through the registry, refusing what it would refuse', async () => {
    const paused = await cli(upkeepArgs('pause-upkeep', log), env)
    expect(paused.err).toBe('')
    expect((await registry.getUpkeep(log)).paused).toBe(true)
    expect(paused.out).toContain(`upkeep ${log}: log, listens to ${guarded.address.aggregator}, paused`)
    const again = await cli(upkeepArgs('pause-upkeep', log), env)
    expect(again.err).toContain(`upkeep ${log} is already paused`)
    const unpaused = await cli(upkeepArgs('unpause-upkeep', log), env)
    expect(unpaused.err).toBe('')
    expect((await registry.getUpkeep(log)).paused).toBe(false)
    expect((await cli(upkeepArgs('unpause-upkeep', log), env)).err).toContain(`upkeep ${log} is not paused`)
  })

  it("refuses a key that is not the upkeep's admin", async () => {
    const stranger = await fundedKey(provider)
    const run = await cli(upkeepArgs('pause-upkeep', log), { ...env, UPKEEPS_PRIVATE_KEY: stranger })
    expect(run.code).toBe(1)
    expect(run.err).toContain(
      `only upkeep ${log}'s admin ${issuer.address} may pause it; the key in use is ${new Wallet(stranger).address}`,
    )
  })
})

describe('cancel, withdraw', () => {
  it('refuses to withdraw before cancelling, then before the cancellation delay', async () => {
    const id = await register(['--amount', '3'])
    const early = await cli(upkeepArgs('withdraw', id), env)
    expect(early.err).toContain(
      `upkeep ${id} is not cancelled: funds can be withdrawn only after cancelling it`,
    )

    const cancelled = await cli(upkeepArgs('cancel', id), env)
    expect(cancelled.err).toBe('')
    // It spent nothing: the registry keeps the billing token's minimum spend (0.1 LINK) as a cancellation fee.
    expect(cancelled.out).toContain('the registry keeps a cancellation fee of 0.1 LINK')
    const upkeep = await registry.getUpkeep(id)
    expect(upkeep.balance).toBe(parseEther('2.9'))
    const block = BigInt(
      /Sent: cancel upkeep \d+: transaction 0x[0-9a-f]+ \(block (\d+)\)/.exec(cancelled.out)![1],
    )
    expect(upkeep.maxValidBlocknumber).toBe(block + 50n) // an admin's cancellation waits the delay
    // The withdrawal block, stated once.
    expect(cancelled.out.split('withdrawn from block').length - 1).toBe(1)
    expect(cancelled.out).not.toContain('withdrawable')
    expect(cancelled.out).toContain(
      `Upkeep ${id} is closed: its 2.9 LINK can be withdrawn from block ${upkeep.maxValidBlocknumber} (the registry's ` +
        `cancellation delay of 50 blocks). Withdraw with: npm run upkeeps -- withdraw --upkeep ${id}`,
    )

    const waiting = await cli(upkeepArgs('withdraw', id), env)
    expect(waiting.code).toBe(1)
    expect(waiting.err).toMatch(
      new RegExp(
        `upkeep ${id} was cancelled, but its funds can be withdrawn only from block ${upkeep.maxValidBlocknumber} \\(the registry's cancellation delay\\); the chain is at block \\d+: \\d+ more block\\(s\\) to wait`,
      ),
    )
    expect((await cli(upkeepArgs('cancel', id), env)).err).toContain(
      `upkeep ${id} is cancelled: it cannot be cancelled again`,
    )
    expect((await cli(upkeepArgs('fund', id, '--amount', '1'), env)).err).toContain(
      `upkeep ${id} is cancelled: it cannot be funded`,
    )

    // status shows it closed, apart from the live upkeeps.
    const status = await cli(
      [
        'status',
        '--network',
        'local',
        '--guard',
        guarded.address.guard,
        '--upkeep',
        String(id),
        '--upkeep',
        String(conditional),
      ],
      env,
    )
    expect(status.out).toContain('2 upkeep(s) on registry')
    expect(status.out).toContain(': 1 active, 0 paused, 1 closed:')
    expect(status.out).toContain(
      `upkeep ${id}: conditional, closed (cancelled: neither checked nor performed), 2.9 LINK left, withdrawable from block ${upkeep.maxValidBlocknumber}`,
    )
    const json = await statusJson(id)
    expect(json.upkeeps[0]).toMatchObject({ state: 'closed', cancelled: true })
  })

  it("the registry owner's cancellation skips the delay, and says the network's will not", async () => {
    const id = await register(['--amount', '3'])
    const asOwner = { ...env, UPKEEPS_PRIVATE_KEY: ownerKey }
    const dry = await cli([...upkeepArgs('cancel', id), '--dry-run'], asOwner)
    expect(dry.out).toContain(
      'Its funds would be withdrawable at once: you own this registry, and the registry skips its 50-block ' +
        "cancellation delay for its owner; on a Chainlink network the upkeep's admin cancels, and the funds wait 50 blocks.",
    )
    const cancelled = await cli(upkeepArgs('cancel', id), asOwner)
    expect(cancelled.err).toBe('')
    const block = BigInt(
      /Sent: cancel upkeep \d+: transaction 0x[0-9a-f]+ \(block (\d+)\)/.exec(cancelled.out)![1],
    )
    expect((await registry.getUpkeep(id)).maxValidBlocknumber).toBe(block)
    expect(cancelled.out).toContain(
      `Upkeep ${id} is closed: its 2.9 LINK can be withdrawn from block ${block}, at once: you own this registry, and ` +
        "the registry skips its 50-block cancellation delay for its owner; on a Chainlink network the upkeep's admin " +
        'cancels, and the funds wait 50 blocks.',
    )
    expect(cancelled.out.split('from block').length - 1).toBe(1)
    // The admin withdraws at once.
    const withdrawn = await cli(upkeepArgs('withdraw', id), env)
    expect(withdrawn.err).toBe('')
    expect((await registry.getUpkeep(id)).balance).toBe(0n)
  })
})
