/**
 * Registration through Chainlink's own Automation 2.3 registrar and registry (and the 2.1 registrar, refused),
 * on the shared local chain A.
 */
import { Contract, Wallet, ZeroAddress, getAddress, parseEther, type JsonRpcProvider } from 'ethers'
import { deploy } from '#chain/artifacts'
import {
  AUTOMATION_ARTIFACTS,
  AutoApproveType,
  Trigger,
  forwarderInterface,
  linkTokenInterface,
  registrarInterface,
  registryInterface,
} from '#chain/automation'
import { encodePerformData } from '#chain/types'
import { approveRegistration, deployLocalAutomation, type LocalAutomation } from '#devkit/automation'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import type { Env } from '../network'
import { cli, cliEnv, deployGuardedToken, fundedKey, mined, type GuardedToken } from './helpers'

let provider: JsonRpcProvider
let automation: LocalAutomation
let owner: Awaited<ReturnType<typeof fundedSigner>>
let issuer: Wallet
let env: Env
let registry: Contract
let registrar: Contract
let link: Contract

beforeAll(async () => {
  provider = localProvider()
  owner = await fundedSigner(provider)
  automation = await deployLocalAutomation(owner)
  issuer = new Wallet(await fundedKey(provider), provider)
  env = cliEnv(localChainUrl('A'), issuer.privateKey, automation)
  registry = new Contract(automation.registry, registryInterface(), provider)
  registrar = new Contract(automation.registrar, registrarInterface(), owner)
  link = new Contract(automation.link, linkTokenInterface(), owner)
  await mined(link.transfer(issuer.address, parseEther('1000')))
})

afterAll(() => provider.destroy())

/** The guard must accept performUpkeep from the forwarder, and from no one else. */
async function expectOnlyForwarderPerforms(guarded: GuardedToken, id: bigint): Promise<void> {
  const forwarder = (await registry.getForwarder(id)) as string
  // An empty entry list, in the guard's performData format: it performs nothing, but only for a forwarder.
  const emptyList = encodePerformData([])
  const performData = guarded.guard.interface.encodeFunctionData('performUpkeep', [emptyList])
  // The registry's own simulation: registry → forwarder → guard (tx.origin the registry's read-only address).
  const [success] = registry.interface.decodeFunctionResult(
    'simulatePerformUpkeep',
    await provider.call({
      to: automation.registry,
      from: ZeroAddress,
      data: registry.interface.encodeFunctionData('simulatePerformUpkeep', [id, emptyList]),
    }),
  )
  expect(success).toBe(true)
  expect(await guarded.guard.hasRole(await guarded.guard.FORWARDER_ROLE(), forwarder)).toBe(true)
  // Anyone else, the issuer (the guard's admin) included, is refused.
  await expect(
    provider.call({ to: guarded.address.guard, from: issuer.address, data: performData }),
  ).rejects.toThrow()
  await expect(
    provider.call({ to: guarded.address.guard, from: forwarder, data: performData }),
  ).resolves.toBe('0x')
}

describe('register', () => {
  it('a conditional upkeep paid in LINK (transferAndCall), auto-approved: read back, forwarder granted', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const linkBefore = (await link.balanceOf(issuer.address)) as bigint
    const run = await cli(
      ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '20', '--json'],
      env,
    )
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const result = JSON.parse(run.out)
    expect(result.status).toBe('registered')
    const id = BigInt(result.upkeep.id)

    const upkeep = await registry.getUpkeep(id)
    expect(upkeep.target).toBe(guarded.address.guard)
    expect(upkeep.balance).toBe(parseEther('20'))
    expect(upkeep.admin).toBe(issuer.address)
    expect(upkeep.performGas).toBe(1_000_000n)
    expect(await registry.getTriggerType(id)).toBe(Trigger.CONDITION)
    expect(await registry.getBillingToken(id)).toBe(automation.link)
    const forwarder = (await registry.getForwarder(id)) as string
    expect(result.upkeep.forwarder).toBe(forwarder)
    expect(await new Contract(forwarder, forwarderInterface(), provider).getTarget()).toBe(
      guarded.address.guard,
    )
    expect(result.forwarderAllowed).toBe(true)
    expect(linkBefore - ((await link.balanceOf(issuer.address)) as bigint)).toBe(parseEther('20'))
    await expectOnlyForwarderPerforms(guarded, id)
  })

  it('a log-trigger upkeep on a feed proxy filters the aggregator behind it, and says so', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const run = await cli(
      [
        'register',
        '--network',
        'local',
        '--guard',
        guarded.address.guard,
        '--trigger',
        'log',
        '--feed',
        guarded.address.proxy,
        '--amount',
        '20',
      ],
      env,
    )
    expect(run.err).toBe('')
    expect(run.out).toContain(
      `the feed ${guarded.address.proxy} is a proxy: its AnswerUpdated events come from its current aggregator ${guarded.address.aggregator}`,
    )
    const id = BigInt(/Upkeep (\d+) is registered/.exec(run.out)![1])
    expect(await registry.getTriggerType(id)).toBe(Trigger.LOG)
    const { decodeLogTriggerConfig } = await import('#chain/automation')
    const config = decodeLogTriggerConfig(await registry.getUpkeepTriggerConfig(id))
    expect(config).toEqual({
      contractAddress: guarded.address.aggregator,
      filterSelector: 0,
      topic0: await guarded.guard.ANSWER_UPDATED_TOPIC(),
      topic1: '0x' + '00'.repeat(32),
      topic2: '0x' + '00'.repeat(32),
      topic3: '0x' + '00'.repeat(32),
    })
    await expectOnlyForwarderPerforms(guarded, id)
  })

  it('in native: registerUpkeep with value, billed in the wrapped native token', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const run = await cli(
      [
        'register',
        '--network',
        'local',
        '--guard',
        guarded.address.guard,
        '--billing',
        'native',
        '--amount',
        '0.5',
        '--json',
      ],
      env,
    )
    expect(run.err).toBe('')
    const result = JSON.parse(run.out)
    expect(result.transactions[0].value).toContain('500000000000000000 wei')
    const id = BigInt(result.upkeep.id)
    expect(await registry.getBillingToken(id)).toBe(automation.wrappedNative)
    expect(await registry.getBalance(id)).toBe(parseEther('0.5'))
    expect(result.upkeep.billedInNative).toBe(true)
  })

  it('in another ERC-20 billing token of the registry: approve, then registerUpkeep', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const weth = new Contract(automation.wrappedNative, linkTokenInterface(), issuer)
    await mined(issuer.sendTransaction({ to: automation.wrappedNative, value: parseEther('1') })) // WETH9 deposit
    const run = await cli(
      [
        'register',
        '--network',
        'local',
        '--guard',
        guarded.address.guard,
        '--billing',
        automation.wrappedNative,
        '--amount',
        '0.25',
        '--json',
      ],
      env,
    )
    expect(run.err).toBe('')
    const result = JSON.parse(run.out)
    expect(result.transactions.map((t: { call: string }) => t.call.split('(')[0])).toEqual([
      'approve',
      'registerUpkeep',
      'grantRole',
    ])
    expect(await registry.getBalance(BigInt(result.upkeep.id))).toBe(parseEther('0.25'))
    expect(await weth.balanceOf(issuer.address)).toBe(parseEther('0.75'))
  })

  it('left pending: id 0 until the registrar owner approves; then finish reads it back and grants the role', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    await mined(registrar.setTriggerConfig(Trigger.CONDITION, AutoApproveType.DISABLED, 0))
    try {
      const run = await cli(
        ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '20'],
        env,
      )
      expect(run.err).toBe('')
      expect(run.out).toContain('Pending: the registrar answered upkeep id 0')
      const hash = /holds request (0x[0-9a-f]{64})/.exec(run.out)![1]
      expect(run.out).toContain(
        `npm run upkeeps -- finish --network local --request ${hash} --guard ${guarded.address.guard}`,
      )
      const [admin, balance] = await registrar.getPendingRequest(hash)
      expect([admin, balance]).toEqual([issuer.address, parseEther('20')])

      const early = await cli(
        ['finish', '--network', 'local', '--request', hash, '--guard', guarded.address.guard],
        env,
      )
      expect(early.code).toBe(3) // not done yet: a script polling finish must not read it as done
      expect(early.out).toBe('')
      expect(early.err).toContain(`request ${hash} is still pending`)

      const id = await approveRegistration(owner, automation.registrar, hash)
      const done = await cli(
        ['finish', '--network', 'local', '--request', hash, '--guard', guarded.address.guard, '--json'],
        env,
      )
      expect(done.err).toBe('')
      const result = JSON.parse(done.out)
      expect(result.status).toBe('registered')
      expect(BigInt(result.upkeep.id)).toBe(id)
      expect(result.forwarderAllowed).toBe(true)
      expect((await registry.getUpkeep(id)).target).toBe(guarded.address.guard)
      await expectOnlyForwarderPerforms(guarded, id)
    } finally {
      await mined(registrar.setTriggerConfig(Trigger.CONDITION, AutoApproveType.ENABLED_ALL, 1_000_000))
    }
  })

  it('by a key that is not the guard admin: registered, and the grant is printed for the admin', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const other = new Wallet(await fundedKey(provider), provider)
    await mined(link.transfer(other.address, parseEther('30')))
    const run = await cli(
      ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '20', '--json'],
      { ...env, UPKEEPS_PRIVATE_KEY: other.privateKey },
    )
    expect(run.err).toBe('')
    const result = JSON.parse(run.out)
    expect(result.forwarderAllowed).toBe(false)
    expect(result.grantForAdmin.to).toBe(guarded.address.guard)
    expect(result.grantForAdmin.call).toBe(
      `grantRole(role=${await guarded.guard.FORWARDER_ROLE()}, account=${result.upkeep.forwarder})`,
    )
  })

  it('refuses an Automation 2.1 registrar, sends nothing, and names the alternatives', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const registrar21 = await deploy<Contract>(
      owner,
      AUTOMATION_ARTIFACTS.registrar21,
      automation.link,
      automation.registry,
      0,
      [],
    )
    const address21 = await registrar21.getAddress()
    expect(await registrar21.typeAndVersion()).toBe('AutomationRegistrar 2.1.0')
    const before = (await link.balanceOf(issuer.address)) as bigint
    const run = await cli(
      [
        'register',
        '--network',
        'local',
        '--registrar',
        address21,
        '--guard',
        guarded.address.guard,
        '--amount',
        '20',
      ],
      env,
    )
    expect(run.code).toBe(1)
    expect(run.out).toBe('')
    expect(run.err).toContain(`the registrar at ${address21} is "AutomationRegistrar 2.1.0"`)
    expect(run.err).toContain('Chainlink Automation 2.1 was sunset on 2026-07-31 (1.x on 2026-06-30)')
    expect(run.err).toContain('an upkeep registered on 2.1 is no longer performed')
    expect(run.err).toContain('Automation 2.3')
    expect(run.err).toContain('workflows/reserve-guard')
    expect(await link.balanceOf(issuer.address)).toBe(before)
  })

  it('refuses a registrar of another registry than the configured one, and a guard that is not a ReserveGuard', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const elsewhere = await deployLocalAutomation(owner)
    const wrongRegistrar = await cli(
      [
        'register',
        '--network',
        'local',
        '--registrar',
        elsewhere.registrar,
        '--guard',
        guarded.address.guard,
        '--amount',
        '20',
      ],
      env,
    )
    expect(wrongRegistrar.err).toContain(
      `registers on ${elsewhere.registry}, not on the configured registry ${automation.registry}`,
    )
    const notAGuard = await cli(
      ['register', '--network', 'local', '--guard', guarded.address.token, '--amount', '20'],
      env,
    )
    expect(notAGuard.code).toBe(2)
    expect(notAGuard.err).toContain(`${guarded.address.token} is not a ReserveGuard`)
    expect(getAddress(guarded.address.token)).toBe(guarded.address.token)
  })

  it('warns that both are charged when the guard already has a live upkeep of the same trigger', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const args = ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '20']
    const first = await cli(args, env)
    expect(first.out).not.toContain('Warning: upkeep')
    const firstId = /Upkeep (\d+) is registered/.exec(first.out)![1]
    const log = await cli([...args, '--trigger', 'log'], env) // another trigger: no warning
    expect(log.out).not.toContain('Warning: upkeep')
    const second = await cli([...args, '--dry-run'], env)
    expect(second.out).toContain(
      `Warning: upkeep ${firstId} is already a conditional upkeep on this guard: both will be checked, and both ` +
        'will be charged for each perform when the guard is short.',
    )
    const secondLog = await cli([...args, '--trigger', 'log', '--dry-run'], env)
    expect(secondLog.out).toContain(
      `is already a log-trigger upkeep on the same feed (${guarded.address.aggregator})`,
    )
    // A cancelled upkeep is closed: no longer counted.
    expect((await cli(['cancel', '--network', 'local', '--upkeep', firstId], env)).err).toBe('')
    expect((await cli([...args, '--dry-run'], env)).out).not.toContain('Warning: upkeep')
  })

  it('refuses an amount below what the registry needs to perform, but registers with a warning', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const run = await cli(
      ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '0.5'],
      env,
    )
    expect(run.err).toBe('')
    expect(run.out).toMatch(
      /Warning: 0\.5 LINK is below the [\d.]+ LINK the registry requires for a gas limit of 1000000/,
    )
    expect(run.out).toContain('is registered')
  })
})
