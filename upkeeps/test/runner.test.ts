/**
 * The local automation runner against Chainlink's own Automation 2.3 registry on the shared chain A: it checks
 * through the registry and performs by signed `transmit`, so the registry calls the guard through each
 * upkeep's forwarder and charges the upkeep, as the network does.
 */
import { Contract, Wallet, parseEther, type JsonRpcProvider } from 'ethers'
import { linkTokenInterface, registryInterface } from '#chain/automation'
import { deployLocalAutomation, type LocalAutomation } from '#devkit/automation'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import type { Env } from '../network'
import { UpkeepRunner, type CheckOutcome, type PerformOutcome, type TickOutcome } from '../runner'
import { TOKEN, cli, cliEnv, deployGuardedToken, fundedKey, mined, type GuardedToken } from './helpers'

let provider: JsonRpcProvider
let owner: Awaited<ReturnType<typeof fundedSigner>>
let issuer: Wallet

beforeAll(async () => {
  provider = localProvider()
  owner = await fundedSigner(provider)
  issuer = new Wallet(await fundedKey(provider), provider)
})

afterAll(() => provider.destroy())

interface Setup {
  automation: LocalAutomation
  env: Env
  registry: Contract
}

async function setup(maxPerformDataSize?: number): Promise<Setup> {
  const automation = await deployLocalAutomation(owner, { maxPerformDataSize })
  const link = new Contract(automation.link, linkTokenInterface(), owner)
  await mined(link.transfer(issuer.address, parseEther('1000')))
  return {
    automation,
    env: cliEnv(localChainUrl('A'), issuer.privateKey, automation),
    registry: new Contract(automation.registry, registryInterface(), provider),
  }
}

async function register(s: Setup, guard: string, args: string[], env = s.env): Promise<bigint> {
  const run = await cli(['register', '--network', 'local', '--guard', guard, ...args, '--json'], env)
  expect(run.err).toBe('')
  return BigInt(JSON.parse(run.out).upkeep.id)
}

function runner(s: Setup, ids: bigint[]): Promise<UpkeepRunner> {
  return UpkeepRunner.create({
    provider,
    registry: s.automation.registry,
    upkeepIds: ids,
    mode: { kind: 'transmit', don: s.automation.don },
  })
}

const short = (guarded: GuardedToken, reserves = 800n) =>
  mined(guarded.aggregator.setAnswer(reserves * TOKEN))

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected one ${what}, got ${items.length}`)
  return items[0]
}

describe('a shortfall, end to end through transmit', () => {
  it('checkLog and checkUpkeep say yes, the forwarder performs, the upkeeps pay, mint reverts, the next check says no', async () => {
    const s = await setup()
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const conditional = await register(s, guarded.address.guard, ['--amount', '20'])
    const log = await register(s, guarded.address.guard, ['--amount', '20', '--trigger', 'log'])
    const run = await runner(s, [conditional, log])
    expect(run.mode).toBe('transmit')
    const performed: PerformOutcome[] = []
    run.on('perform', (p: PerformOutcome) => performed.push(p))

    // Healthy: the conditional check says no; no feed log yet.
    const quiet = await run.tick()
    expect(only(quiet.checks, 'check')).toMatchObject({
      upkeepId: conditional,
      upkeepNeeded: false,
      failureReason: 'UPKEEP_NOT_NEEDED',
    })
    expect(quiet.performs).toEqual([])

    const before = {
      conditional: (await s.registry.getBalance(conditional)) as bigint,
      log: (await s.registry.getBalance(log)) as bigint,
    }
    const update = await short(guarded) // reserves 800 < supply 900: AnswerUpdated from the aggregator
    const shortfall: TickOutcome = await run.tick()

    const byUpkeep = (id: bigint) => shortfall.checks.filter((c: CheckOutcome) => c.upkeepId === id)
    const conditionalCheck = only(byUpkeep(conditional), 'conditional check')
    expect(conditionalCheck).toMatchObject({ upkeepNeeded: true, failureReason: 'NONE', problem: undefined })
    expect(conditionalCheck.gasUsed).toBeGreaterThan(0n)
    const logCheck = only(byUpkeep(log), 'log check')
    expect(logCheck).toMatchObject({ upkeepNeeded: true, failureReason: 'NONE' })
    expect(logCheck.log).toEqual({ txHash: update.hash, index: 0, blockNumber: update.blockNumber })

    expect(shortfall.performs).toHaveLength(2)
    expect(performed).toEqual(shortfall.performs)
    for (const perform of shortfall.performs) {
      expect(perform).toMatchObject({ mode: 'transmit', success: true, problem: undefined })
      expect(perform.gasUsed).toBeGreaterThan(0n)
      const id = perform.upkeepId === conditional ? 'conditional' : 'log'
      const after = (await s.registry.getBalance(perform.upkeepId)) as bigint
      expect(after).toBeLessThan(before[id])
      expect(perform.charged!.units).toBe(before[id] - after)
      expect(perform.balance.units).toBe(after)
    }
    // One transmit, one report: the first perform pauses the token, the second finds it paused.
    const receipt = (await provider.getTransactionReceipt(shortfall.performs[0].txHash))!
    expect(receipt.to).toBe(s.automation.registry)
    const paused = shortfall.performs.flatMap((p) => p.guardEvents)
    expect(paused.map((e) => e.text)).toEqual([
      `AssetPaused(target=${guarded.address.token}, reason=InsufficientReserves, reserves=${800n * TOKEN}, supply=${900n * TOKEN})`,
    ])
    expect(await guarded.token.pausedOperations()).toBe(7n)
    await expect(guarded.token.mint.staticCall(issuer.address, 1n)).rejects.toMatchObject({
      revert: { name: 'OperationPaused' },
    })

    const after = await run.tick()
    expect(only(after.checks, 'check')).toMatchObject({
      upkeepId: conditional,
      upkeepNeeded: false,
      failureReason: 'UPKEEP_NOT_NEEDED',
    })
    expect(after.performs).toEqual([])
    expect(run.statusLines()).toEqual([
      expect.stringMatching(
        new RegExp(
          `\\(conditional\\) · block ${after.block}: not needed, check gas [\\d,]+ · balance [\\d.]+ LINK · last perform succeeded at block ${receipt.blockNumber}`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `\\(log\\) · block ${shortfall.block}: upkeep needed, check gas [\\d,]+ · balance [\\d.]+ LINK · last perform succeeded`,
        ),
      ),
    ])
  })
})

describe('as a library', () => {
  it('start() ticks on each new block and reports the perform as an event; stop() ends it', async () => {
    const s = await setup()
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const id = await register(s, guarded.address.guard, ['--amount', '20'])
    const run = await UpkeepRunner.create({
      provider,
      registry: s.automation.registry,
      upkeepIds: [id],
      mode: { kind: 'transmit', don: s.automation.don },
      pollIntervalMs: 20,
    })
    const ticked = new Promise((resolve) => run.once('ticked', resolve))
    const performed = new Promise<PerformOutcome>((resolve) => run.once('perform', resolve))
    run.start()
    await ticked
    await short(guarded)
    const perform = await performed
    await run.stop()
    expect(perform).toMatchObject({ upkeepId: id, success: true })
    expect(perform.guardEvents.map((e) => e.name)).toEqual(['AssetPaused'])
    expect(await guarded.token.pausedOperations()).toBe(7n)
  })
})

describe('what the network would not perform, said plainly', () => {
  let s: Setup
  beforeAll(async () => {
    s = await setup(100) // room for one short asset's performData (96 bytes), not two (128)
  })

  it('PERFORM_DATA_EXCEEDS_LIMIT: how big the perform data is, the limit, and what to do', async () => {
    const first = await deployGuardedToken(issuer, 1_000n, 900n)
    const second = await deployGuardedToken(issuer, 1_000n, 900n, first.guard)
    const id = await register(s, first.address.guard, ['--amount', '20'])
    await short(first)
    await short(second)
    const run = await runner(s, [id])
    const problems: string[] = []
    run.on('problem', ({ message }: { message: string }) => problems.push(message))
    const tick = await run.tick()
    const check = only(tick.checks, 'check')
    expect(check).toMatchObject({ upkeepNeeded: false, failureReason: 'PERFORM_DATA_EXCEEDS_LIMIT' })
    expect(check.problem).toBe(
      `the guard's performData is 128 bytes (2 short assets listed), over the registry's maxPerformDataSize of ` +
        `100 bytes: the registry refuses it, and the network will never perform upkeep ${id} while that many ` +
        `assets are short and unpaused. Each listed asset takes 32 bytes: split the assets over more guards, or ` +
        `bound the assets one check returns through the upkeep's checkData where the guard supports it.`,
    )
    expect(problems).toEqual([check.problem])
    expect(tick.performs).toEqual([])
    expect(await first.token.pausedOperations()).toBe(0n)
  })

  it('an underfunded upkeep: its balance, the minimum, and the fund command; funded, it performs', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const id = await register(s, guarded.address.guard, ['--amount', '0.5'])
    await short(guarded)
    const run = await runner(s, [id])
    const check = only((await run.tick()).checks, 'check')
    expect(check).toMatchObject({ upkeepNeeded: false, failureReason: 'INSUFFICIENT_BALANCE' })
    const minimum = (await s.registry.getMinBalance(id)) as bigint
    expect(minimum).toBeGreaterThan(parseEther('0.5'))
    expect(check.problem).toMatch(
      new RegExp(
        `^upkeep ${id} is underfunded: its balance 0\\.5 LINK is below the registry's minimum of [\\d.]+ LINK for ` +
          `its gas limit \\(getMinBalance\\), so the network does not perform it\\. Fund it: npm run upkeeps -- fund ` +
          `--upkeep ${id} --amount <amount>$`,
      ),
    )

    const funding = await cli(['fund', '--network', 'local', '--upkeep', String(id), '--amount', '20'], s.env)
    expect(funding.err).toBe('')
    expect(funding.out).toContain(
      `Sent: fund upkeep ${id} with 20 LINK (LINK transferAndCall to the registry)`,
    )
    const tick = await run.tick()
    expect(only(tick.checks, 'check')).toMatchObject({ upkeepNeeded: true, problem: undefined })
    expect(only(tick.performs, 'perform')).toMatchObject({ success: true })
    expect(await guarded.token.pausedOperations()).toBe(7n)
  })

  it('a forwarder without FORWARDER_ROLE: the guard rejects it, the upkeep still pays; granted, it performs', async () => {
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const registrant = new Wallet(await fundedKey(provider), provider) // not the guard's admin: cannot grant the role
    await mined(
      new Contract(s.automation.link, linkTokenInterface(), owner).transfer(
        registrant.address,
        parseEther('30'),
      ),
    )
    const id = await register(s, guarded.address.guard, ['--amount', '20'], {
      ...s.env,
      UPKEEPS_PRIVATE_KEY: registrant.privateKey,
    })
    const forwarder = (await s.registry.getForwarder(id)) as string
    await short(guarded)
    const run = await runner(s, [id])
    const before = (await s.registry.getBalance(id)) as bigint
    const tick = await run.tick()
    const expected =
      `the forwarder ${forwarder} of upkeep ${id} does not hold FORWARDER_ROLE on the guard ${guarded.address.guard}: ` +
      `the guard rejects its performUpkeep, and the network still charges the upkeep for the attempt. Grant it: ` +
      `npm run upkeeps -- grant-forwarder --guard ${guarded.address.guard} --upkeep ${id}`
    expect(only(tick.checks, 'check')).toMatchObject({ upkeepNeeded: true, problem: expected })
    const perform = only(tick.performs, 'perform')
    expect(perform.success).toBe(false)
    expect(perform.problem).toMatch(
      new RegExp(
        `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(charged [\\d.]+ LINK for this attempt\\)$`,
      ),
    )
    expect((await s.registry.getBalance(id)) as bigint).toBeLessThan(before)
    expect(await guarded.token.pausedOperations()).toBe(0n)

    const grant = await cli(['grant-forwarder', '--network', 'local', '--upkeep', String(id)], s.env)
    expect(grant.err).toBe('')
    expect(grant.out).toContain('The guard now accepts performUpkeep')
    const retry = await run.tick()
    expect(only(retry.performs, 'perform')).toMatchObject({ success: true, problem: undefined })
    expect(await guarded.token.pausedOperations()).toBe(7n)
  })
})

describe('cancelled upkeeps are closed', () => {
  it('are not checked: left out at the start, dropped when cancelled during a run', async () => {
    const s = await setup()
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n)
    const live = await register(s, guarded.address.guard, ['--amount', '20'])
    const gone = await register(s, guarded.address.guard, ['--amount', '20'])
    const later = await register(s, guarded.address.guard, ['--amount', '20', '--trigger', 'log'])
    const cancel = async (id: bigint) =>
      expect((await cli(['cancel', '--network', 'local', '--upkeep', String(id)], s.env)).err).toBe('')
    await cancel(gone)

    const printed: string[] = []
    const { runCli } = await import('../cli')
    const code = await runCli(
      ['run', '--network', 'local', '--guard', guarded.address.guard, '--once'],
      s.env,
      {
        out: (t) => printed.push(t),
        err: (t) => printed.push(`ERR ${t}`),
      },
    )
    expect(code).toBe(0)
    expect(printed).toContain(`Not checked: upkeep ${gone} is cancelled (closed).`)
    expect(printed[0]).toMatch(/, 2 upkeep\(s\)\.$/)
    expect(printed.filter((line) => line.includes(`upkeep ${gone} (`))).toEqual([])

    const run = await runner(s, [live, gone, later])
    expect(run.closed).toEqual([gone])
    expect(run.upkeepIds).toEqual([live, later])
    const closed: bigint[] = []
    run.on('closed', (id: bigint) => closed.push(id))
    await cancel(live)
    await short(guarded) // a log for the log upkeep, and a shortfall: the cancelled one must not perform
    const tick = await run.tick()
    expect(closed).toEqual([live])
    expect(run.upkeepIds).toEqual([later])
    expect(tick.performs.map((p) => p.upkeepId)).toEqual([later])
    const next = await run.tick()
    expect(next.checks.map((c) => c.upkeepId)).not.toContain(live)

    await cancel(later)
    await expect(runner(s, [live, gone, later])).rejects.toThrow(
      `every upkeep to run is cancelled (${live}, ${gone}, ${later})`,
    )
  })
})
