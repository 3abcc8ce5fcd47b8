/**
 * On a chain of its own (this file moves the block number and impersonates accounts, which the shared chains
 * forbid): the runner's rehearsal modes for a registry it does not control, and withdrawing after the
 * registry's cancellation delay.
 */
import { Contract, NonceManager, Wallet, parseEther, toQuantity, type JsonRpcProvider } from 'ethers'
import { linkTokenInterface, registryInterface } from '#chain/automation'
import { deployLocalAutomation, type LocalAutomation } from '#devkit/automation'
import { chainProvider, startHardhatNode, type RunningChain } from '#devkit/local-chain'
import type { Env } from '../network'
import { UpkeepRunner } from '../runner'
import { TOKEN, cli, cliEnv, deployGuardedToken, mined } from './helpers'

let chain: RunningChain
let provider: JsonRpcProvider
let automation: LocalAutomation
let issuer: Wallet
let env: Env
let registry: Contract

beforeAll(async () => {
  chain = await startHardhatNode('localA', 31337)
  provider = chainProvider(chain.url, chain.chainId)
  const ownerWallet = Wallet.createRandom().connect(provider)
  issuer = new Wallet(Wallet.createRandom().privateKey, provider)
  for (const account of [ownerWallet, issuer]) {
    await provider.send('hardhat_setBalance', [account.address, toQuantity(parseEther('1000'))])
  }
  const owner = new NonceManager(ownerWallet)
  automation = await deployLocalAutomation(owner)
  await mined(
    new Contract(automation.link, linkTokenInterface(), owner).transfer(issuer.address, parseEther('1000')),
  )
  registry = new Contract(automation.registry, registryInterface(), provider)
  // Without the local deployment file, the registry is one the runner holds no keys for (as on a fork).
  env = cliEnv(chain.url, issuer.privateKey)
}, 120_000)

afterAll(() => {
  provider?.destroy()
  chain?.process.kill()
})

async function register(guard: string, args: string[] = []): Promise<bigint> {
  const run = await cli(
    ['register', '--registrar', automation.registrar, '--guard', guard, '--amount', '20', ...args, '--json'],
    env,
  )
  expect(run.err).toBe('')
  return BigInt(JSON.parse(run.out).upkeep.id)
}

describe('rehearsal on a registry the runner does not control', () => {
  it('impersonates the forwarder: the guard pauses, the registry charges nothing, and the mode says so', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const id = await register(guarded.address.guard)
    await mined(guarded.aggregator.setAnswer(800n * TOKEN))
    const before = (await registry.getBalance(id)) as bigint

    const run = await cli(
      [
        'run',
        '--rpc-url',
        chain.url,
        '--registry',
        automation.registry,
        '--upkeep',
        String(id),
        '--once',
        '--json',
      ],
      env,
    )
    expect(run.err).toBe('')
    const result = JSON.parse(run.out)
    expect(result.mode).toBe('impersonate')
    expect(result.modeDescription).toContain('impersonated with hardhat_impersonateAccount')
    expect(result.modeDescription).toContain('no report, no charge')
    expect(result.checks).toEqual([expect.objectContaining({ upkeepNeeded: true, failureReason: 'NONE' })])
    expect(result.performs).toHaveLength(1)
    const perform = result.performs[0]
    expect(perform).toMatchObject({ mode: 'impersonate', success: true })
    expect(perform.guardEvents.map((e: { name: string }) => e.name)).toEqual(['AssetPaused'])
    const tx = (await provider.getTransaction(perform.txHash))!
    expect(tx.from).toBe(await registry.getForwarder(id))
    expect(tx.to).toBe(guarded.address.guard)
    expect(await registry.getBalance(id)).toBe(before)
    expect(await guarded.token.pausedOperations()).toBe(7n)
  })

  it('performs from a key granted FORWARDER_ROLE, and refuses a key without it', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const id = await register(guarded.address.guard)
    const performer = Wallet.createRandom().connect(provider)
    await provider.send('hardhat_setBalance', [performer.address, toQuantity(parseEther('10'))])
    const options = { provider, registry: automation.registry, upkeepIds: [id] }
    await expect(
      UpkeepRunner.create({ ...options, mode: { kind: 'forwarder-key', signer: performer } }),
    ).rejects.toThrow(
      `${performer.address} does not hold FORWARDER_ROLE on the guard ${guarded.address.guard}`,
    )

    await mined(
      guarded.guard.connect(issuer).getFunction('grantRole')(
        await guarded.guard.FORWARDER_ROLE(),
        performer.address,
      ),
    )
    const runner = await UpkeepRunner.create({
      ...options,
      mode: { kind: 'forwarder-key', signer: performer },
    })
    expect(runner.modeDescription).toContain(
      `performs are sent from ${performer.address}, which holds FORWARDER_ROLE`,
    )
    await mined(guarded.aggregator.setAnswer(800n * TOKEN))
    const tick = await runner.tick()
    expect(tick.performs).toEqual([expect.objectContaining({ mode: 'forwarder-key', success: true })])
    expect((await provider.getTransaction(tick.performs[0].txHash))!.from).toBe(performer.address)
    expect(await guarded.token.pausedOperations()).toBe(7n)
  })

  it('refuses transmit mode without the DON keys', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const id = await register(guarded.address.guard)
    const run = await cli(
      [
        'run',
        '--rpc-url',
        chain.url,
        '--registry',
        automation.registry,
        '--upkeep',
        String(id),
        '--once',
        '--mode',
        'transmit',
      ],
      env,
    )
    expect(run.code).toBe(2)
    expect(run.err).toContain('transmit needs the DON keys of the registry')
  })
})

describe('withdraw after the cancellation delay', () => {
  it('is refused one block early and sends the balance once the delay has passed', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const id = await register(guarded.address.guard)
    const upkeepArgs = (command: string) => [
      command,
      '--registry',
      automation.registry,
      '--upkeep',
      String(id),
    ]
    expect((await cli(upkeepArgs('cancel'), env)).err).toBe('')
    const { maxValidBlocknumber, balance } = await registry.getUpkeep(id)
    // The withdrawal runs in the next block: refused while that block is before maxValidBlocknumber.
    const now = BigInt(await provider.getBlockNumber())
    await provider.send('hardhat_mine', [toQuantity(maxValidBlocknumber - now - 2n)])
    const early = await cli(upkeepArgs('withdraw'), env)
    expect(early.err).toContain(`withdrawn only from block ${maxValidBlocknumber}`)
    expect(early.err).toContain('1 more block(s) to wait')

    await provider.send('hardhat_mine', ['0x1'])
    const link = new Contract(automation.link, linkTokenInterface(), provider)
    const before = (await link.balanceOf(issuer.address)) as bigint
    const run = await cli(upkeepArgs('withdraw'), env)
    expect(run.err).toBe('')
    expect(run.out).toContain(`Sent: withdraw upkeep ${id}'s 19.9 LINK to ${issuer.address}`)
    expect(await link.balanceOf(issuer.address)).toBe(before + balance)
    expect((await registry.getUpkeep(id)).balance).toBe(0n)
  })
})
