/**
 * Changing a registered upkeep instead of registering again (gas limit, checkData, a log trigger's feed, the gas
 * price threshold), the two-step admin transfer, and the registrar owner's approval or cancellation of a pending
 * registration, through the CLI against Chainlink's own Automation 2.3 contracts on the shared chain A.
 */
import { Contract, Wallet, ZeroAddress, parseEther, type JsonRpcProvider } from 'ethers'
import {
  AutoApproveType,
  Trigger,
  decodeLogTriggerConfig,
  linkTokenInterface,
  registrarInterface,
} from '#chain/automation'
import { deploy } from '#chain/artifacts'
import type { LocalAutomation } from '#devkit/automation'
import type { Env } from '../network'
import { encodeMaxGasPrice } from '../offchain-config'
import {
  FEED_PROXY,
  MOCK_FEED,
  TOKEN,
  cli,
  deployGuardedToken,
  fundedKey,
  localSetup,
  mined,
  registerUpkeep,
  type GuardedToken,
  type LocalSetup,
} from './helpers'

let provider: JsonRpcProvider
let automation: LocalAutomation
let owner: LocalSetup['owner']
let issuer: Wallet
let env: Env
let registry: Contract
let registrar: Contract
let guarded: GuardedToken
let conditional: bigint
let log: bigint

const register = (args: string[]) => registerUpkeep(env, guarded.address.guard, args)

beforeAll(async () => {
  ;({ provider, owner, automation, issuer, env, registry } = await localSetup())
  registrar = new Contract(automation.registrar, registrarInterface(), owner)
  guarded = await deployGuardedToken(issuer, 1_000n, 900n)
  conditional = await register(['--amount', '10'])
  log = await register(['--amount', '10', '--trigger', 'log', '--max-gas-price', '80'])
})

afterAll(() => provider.destroy())

const update = (id: bigint, ...more: string[]) => [
  'update-upkeep',
  '--network',
  'local',
  '--upkeep',
  String(id),
  ...more,
]

describe('update-upkeep', () => {
  it('changes the gas limit, checkData and gas price threshold in place, one registry call each', async () => {
    const forwarder = (await registry.getForwarder(conditional)) as string
    const dry = await cli(
      [
        ...update(conditional, '--gas-limit', '600000', '--check-data', '0x0001', '--max-gas-price', '30.5'),
        '--dry-run',
      ],
      env,
    )
    expect(dry.err).toBe('')
    expect(dry.out).toContain(`Dry run: 3 transaction(s) from ${issuer.address}, none sent:`)
    expect(dry.out).toContain(`call:     setUpkeepGasLimit(id=${conditional}, gasLimit=600000)`)
    expect(dry.out).toContain(`call:     setUpkeepCheckData(id=${conditional}, newCheckData=0x0001)`)
    expect(dry.out).toContain(
      `call:     setUpkeepOffchainConfig(id=${conditional}, config=${encodeMaxGasPrice(30_500_000_000n)})`,
    )
    expect((await registry.getUpkeep(conditional)).performGas).toBe(1_000_000n)

    const run = await cli(
      [
        ...update(conditional, '--gas-limit', '600000', '--check-data', '0x0001', '--max-gas-price', '30.5'),
        '--json',
      ],
      env,
    )
    expect(run.err).toBe('')
    const upkeep = await registry.getUpkeep(conditional)
    expect(upkeep.performGas).toBe(600_000n)
    expect(upkeep.checkData).toBe('0x0001')
    expect(upkeep.offchainConfig).toBe(encodeMaxGasPrice(30_500_000_000n))
    // The same upkeep: same id, same forwarder (still granted), same balance.
    expect(await registry.getForwarder(conditional)).toBe(forwarder)
    expect(upkeep.balance).toBe(parseEther('10'))
    const result = JSON.parse(run.out)
    expect(result.upkeep).toMatchObject({
      performGas: '600000',
      maxGasPriceWei: '30500000000',
      checkData: '0x0001',
    })

    const status = await cli(
      ['status', '--network', 'local', '--guard', guarded.address.guard, '--upkeep', String(conditional)],
      env,
    )
    expect(status.out).toContain('gas limit 600,000, performed only while the gas price is at most 30.5 gwei')

    const same = await cli(update(conditional, '--gas-limit', '600000'), env)
    expect(same.err).toBe('')
    expect(same.out).toContain('Note: the gas limit is already 600,000: not sent')
    expect(same.out).not.toContain('Sent:')
    const removed = await cli(update(conditional, '--max-gas-price', 'none', '--check-data', '0x'), env)
    expect(removed.err).toBe('')
    expect(removed.out).toContain(
      `Sent: remove upkeep ${conditional}'s gas price threshold (off-chain config 0x)`,
    )
    expect((await registry.getUpkeep(conditional)).offchainConfig).toBe('0x')
  })

  it('refuses what the registry would refuse, before sending anything', async () => {
    const nothing = await cli(update(conditional), env)
    expect(nothing).toMatchObject({ code: 2, err: expect.stringContaining('nothing to change') })
    const big = await cli(update(conditional, '--gas-limit', '5000001'), env)
    expect(big).toMatchObject({
      code: 2,
      err: expect.stringContaining("between 2300 and the registry's 5000000"),
    })
    const feed = await cli(update(conditional, '--feed', guarded.address.proxy), env)
    expect(feed.err).toContain(`upkeep ${conditional} is conditional`)
    const stranger = await fundedKey(provider)
    const other = await cli(update(conditional, '--gas-limit', '700000'), {
      ...env,
      UPKEEPS_PRIVATE_KEY: stranger,
    })
    expect(other.code).toBe(1)
    expect(other.err).toContain(`only upkeep ${conditional}'s admin ${issuer.address} may change it`)
  })

  it('warns when a lower gas limit cannot pause anything, and when the balance no longer covers a higher one', async () => {
    const low = await cli([...update(conditional, '--gas-limit', '100000'), '--dry-run'], env)
    expect(low.out).toMatch(
      /Warning: a gas limit of 100000 is below the \d+ one pause needs \(MIN_GAS_PER_ASSET \+ 50,000\)/,
    )
    const high = await cli([...update(conditional, '--gas-limit', '5000000'), '--dry-run'], env)
    expect(high.out).toMatch(
      /Warning: with a gas limit of 5,000,000, the registry requires a balance of [\d.]+ LINK, and upkeep \d+ holds 10 LINK/,
    )
  })

  it("points a log trigger at the aggregator now behind the feed's proxy", async () => {
    // Chainlink moves the proxy to a new aggregator: the upkeep must listen to the new one.
    const next = await deploy<Contract>(issuer, MOCK_FEED, 8, 1_000n * TOKEN)
    const proxy = await deploy<Contract>(issuer, FEED_PROXY, await next.getAddress(), ZeroAddress)
    const run = await cli(update(log, '--feed', await proxy.getAddress()), env)
    expect(run.err).toBe('')
    expect(run.out).toContain(
      `listens to ${await next.getAddress()}'s AnswerUpdated (the aggregator behind ${await proxy.getAddress()})`,
    )
    expect(decodeLogTriggerConfig(await registry.getUpkeepTriggerConfig(log)).contractAddress).toBe(
      await next.getAddress(),
    )
    expect(await registry.getTriggerType(log)).toBe(Trigger.LOG)
    // The threshold given at registration is read back.
    expect(run.out).toContain('performed only while the gas price is at most 80 gwei')
  })
})

describe('transfer-admin, accept-admin', () => {
  it('hands an upkeep over in two steps; the proposed admin alone accepts', async () => {
    const next = new Wallet(await fundedKey(provider), provider)
    const asNext = { ...env, UPKEEPS_PRIVATE_KEY: next.privateKey }
    const early = await cli(['accept-admin', '--network', 'local', '--upkeep', String(log)], asNext)
    expect(early.code).toBe(1)
    expect(early.err).toContain(`${next.address} is not the proposed admin of upkeep ${log}`)

    const proposed = await cli(
      ['transfer-admin', '--network', 'local', '--upkeep', String(log), '--to', next.address],
      env,
    )
    expect(proposed.err).toBe('')
    expect(proposed.out).toContain(`${issuer.address} stays the admin until ${next.address} accepts`)
    expect((await registry.getUpkeep(log)).admin).toBe(issuer.address)

    const accepted = await cli(['accept-admin', '--network', 'local', '--upkeep', String(log)], asNext)
    expect(accepted.err).toBe('')
    expect(accepted.out).toContain(`${next.address} is now upkeep ${log}'s admin.`)
    expect((await registry.getUpkeep(log)).admin).toBe(next.address)
    const old = await cli(update(log, '--gas-limit', '700000'), env)
    expect(old.err).toContain(`only upkeep ${log}'s admin ${next.address} may change it`)
  })
})

describe('approve-request, cancel-request', () => {
  it('the registrar owner approves a pending registration, then finish grants the role; a still-pending finish exits 3', async () => {
    const ownerKey = (owner.signer as Wallet).privateKey
    const pendingGuard = await deployGuardedToken(issuer, 1_000n, 900n)
    await mined(registrar.setTriggerConfig(Trigger.CONDITION, AutoApproveType.DISABLED, 0))
    try {
      const registered = await cli(
        ['register', '--network', 'local', '--guard', pendingGuard.address.guard, '--amount', '5'],
        env,
      )
      const hash = /holds request (0x[0-9a-f]{64})/.exec(registered.out)![1]
      const finishArgs = [
        'finish',
        '--network',
        'local',
        '--request',
        hash,
        '--guard',
        pendingGuard.address.guard,
      ]
      const early = await cli(finishArgs, env)
      expect(early.code).toBe(3)
      expect(early.err).toContain(`request ${hash} is still pending`)

      const notOwner = await cli(['approve-request', '--network', 'local', '--request', hash], env)
      expect(notOwner.code).toBe(1)
      expect(notOwner.err).toContain(`only the registrar's owner ${automation.owner} approves requests`)
      const approved = await cli(['approve-request', '--network', 'local', '--request', hash, '--json'], {
        ...env,
        UPKEEPS_PRIVATE_KEY: ownerKey,
      })
      expect(approved.err).toBe('')
      const id = BigInt(JSON.parse(approved.out).upkeepId)
      expect((await registry.getUpkeep(id)).target).toBe(pendingGuard.address.guard)
      const done = await cli([...finishArgs, '--json'], env)
      expect(done.code).toBe(0)
      expect(JSON.parse(done.out)).toMatchObject({ status: 'registered', forwarderAllowed: true })
    } finally {
      owner.reset() // the CLI sent from the owner's key too
      await mined(registrar.setTriggerConfig(Trigger.CONDITION, AutoApproveType.ENABLED_ALL, 1_000_000))
    }
  })

  it("the request's admin cancels it and gets the funds back; finish then says it was cancelled", async () => {
    const pendingGuard = await deployGuardedToken(issuer, 1_000n, 900n)
    await mined(registrar.setTriggerConfig(Trigger.LOG, AutoApproveType.DISABLED, 0))
    try {
      const link = new Contract(automation.link, linkTokenInterface(), provider)
      const before = (await link.balanceOf(issuer.address)) as bigint
      const registered = await cli(
        [
          'register',
          '--network',
          'local',
          '--guard',
          pendingGuard.address.guard,
          '--trigger',
          'log',
          '--amount',
          '5',
        ],
        env,
      )
      const hash = /holds request (0x[0-9a-f]{64})/.exec(registered.out)![1]
      expect(await link.balanceOf(issuer.address)).toBe(before - parseEther('5'))
      const cancelled = await cli(['cancel-request', '--network', 'local', '--request', hash], env)
      expect(cancelled.err).toBe('')
      expect(cancelled.out).toContain(`Request ${hash} is cancelled: its funds went back to its admin.`)
      expect(await link.balanceOf(issuer.address)).toBe(before)
      const finish = await cli(
        ['finish', '--network', 'local', '--request', hash, '--guard', pendingGuard.address.guard],
        env,
      )
      expect(finish.code).toBe(1)
      expect(finish.err).toMatch(new RegExp(`request ${hash} was cancelled at block \\d+`))
    } finally {
      await mined(registrar.setTriggerConfig(Trigger.LOG, AutoApproveType.ENABLED_ALL, 1_000_000))
    }
  })
})
