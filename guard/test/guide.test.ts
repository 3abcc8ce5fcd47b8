/**
 * The root README's Issuers guide, followed as an issuer follows it, from nothing: every `npm run guard` and
 * `npm run upkeeps` line of its local steps (1 to 4), read from the README itself, run as written through a
 * shell (the real entry points, quotes and all), in order, on the shared local chain A. The placeholders are
 * filled from what the earlier commands printed, as a reader fills them. `export UPKEEPS_…=$GUARD_…` is the
 * environment given to every command; `run` is stopped as a user stops it, with Ctrl-C (SIGINT to its
 * process group).
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Contract, parseUnits, type JsonRpcProvider } from 'ethers'
import { registryInterface } from '#chain/automation'
import { reserveGuardAt, secureMintTokenAt } from '#chain/contracts'
import { Operation } from '#chain/types'
import { localChainUrl, localProvider } from '#devkit/local-chain'
import { shellLine, type ShellRun } from '#devkit/shell-line'
import { readLocalDeployment } from '../../upkeeps/network'
import { encodeMaxGasPrice } from '../../upkeeps/offchain-config'
import { deployedAt, fundedWallet } from './helpers'

/** The guide's local commands, in order: its sh blocks' `npm run guard|upkeeps` lines for the local chain. */
function guideCommands(): string[] {
  const readme = readFileSync('README.md', 'utf8')
  const start = readme.indexOf('\n## Issuers\n')
  const issuers = readme.slice(start, readme.indexOf('\n## ', start + 1))
  return issuers
    .split('\n')
    .map((line) => line.trim().replace(/\s+#.*$/, ''))
    .filter((line) => /^npm run (guard|upkeeps) -- /.test(line))
    .filter((line) => line === 'npm run upkeeps -- local' || line.includes('--network local'))
}

let provider: JsonRpcProvider

beforeAll(() => {
  provider = localProvider()
})

afterAll(() => provider.destroy())

describe("the README's Issuers guide, on a local chain", () => {
  it('deploys and wires a guard with npm run guard, then registers, runs and changes its upkeep', async () => {
    const commands = guideCommands()
    // What this test checks after each command: the guide must still say these, in this order.
    expect(commands.map((line) => line.split(' ').slice(2, 5).join(' '))).toEqual([
      'guard -- local-feed',
      'guard -- deploy',
      'guard -- add-asset',
      'guard -- grant-role',
      'guard -- mint',
      'guard -- grant-role',
      'guard -- grant-role',
      'guard -- status',
      'upkeeps -- local',
      'upkeeps -- register',
      'upkeeps -- status',
      'upkeeps -- run',
      'guard -- local-feed',
      'upkeeps -- run',
      'guard -- status',
      'guard -- unpause',
      'guard -- local-feed',
      'guard -- unpause',
      'upkeeps -- update-upkeep',
      'upkeeps -- transfer-admin',
      'upkeeps -- accept-admin',
      'upkeeps -- cancel',
    ])

    // `export GUARD_RPC_URL=… GUARD_PRIVATE_KEY=…`, then `export UPKEEPS_RPC_URL=$GUARD_RPC_URL …`.
    const issuer = await fundedWallet(provider)
    const next = await fundedWallet(provider)
    const env: Record<string, string> = {
      GUARD_RPC_URL: localChainUrl('A'),
      GUARD_PRIVATE_KEY: issuer.privateKey,
      UPKEEPS_RPC_URL: localChainUrl('A'),
      UPKEEPS_PRIVATE_KEY: issuer.privateKey,
      UPKEEPS_LOCAL_DEPLOYMENT: join(mkdtempSync(join(tmpdir(), 'guide-')), 'local-deployment.json'),
    }
    const filled: Record<string, string> = { '0xIssuer': issuer.address, '0xNewAdmin': next.address }
    const fill = (line: string) =>
      Object.entries(filled).reduce((text, [placeholder, value]) => text.replaceAll(placeholder, value), line)
    const steps = [...commands]
    const run = async (interruptWhen?: RegExp): Promise<ShellRun> => {
      const line = fill(steps.shift()!)
      expect(line).not.toMatch(/0x[A-Z][a-zA-Z]+\b|<id>/) // every placeholder filled
      return shellLine(line, env, interruptWhen)
    }
    const ok = async (interruptWhen?: RegExp): Promise<string> => {
      const done = await run(interruptWhen)
      if (done.code !== 0) throw new Error(`exit ${done.code}\n${done.out}\n${done.err}`)
      return done.out
    }

    // 1. Deploy and wire a guard.
    filled['0xFeed'] = /EACAggregatorProxy (0x[0-9a-fA-F]{40})/.exec(await ok())![1]
    const deployed = await ok()
    filled['0xGuard'] = deployedAt(deployed, 'ReserveGuard')
    filled['0xToken'] = deployedAt(deployed, 'SecureMintToken')
    const guard = reserveGuardAt(filled['0xGuard'], provider)
    const token = secureMintTokenAt(filled['0xToken'], provider)
    expect(await ok()).toContain(`${filled['0xToken']} is protected`)
    expect(await guard.assetCount()).toBe(1n)
    await ok() // MINTER
    expect(await ok()).toContain('supply is 90 sBTC')
    await ok() // GUARDIAN
    await ok() // UNPAUSER
    const backed = await ok()
    expect(backed).toContain('backed: 100 BTC for 90 sBTC, 111.11 % (backed from 100.00 %)')
    expect(backed).toContain(`GUARDIAN_ROLE: ${issuer.address}`)

    // 2. Register the upkeep.
    expect(await ok()).toContain('Deployed Chainlink Automation 2.3 on chain 31337')
    const registry = new Contract(readLocalDeployment(env)!.registry, registryInterface(), provider)
    const registered = await ok()
    filled['<id>'] = /Upkeep (\d+) is registered/.exec(registered)![1]
    expect(registered).toContain(
      `The guard now accepts performUpkeep from upkeep ${filled['<id>']}'s forwarder.`,
    )
    expect(await ok()).toContain(': 1 active, 0 paused, 0 closed:')
    const ran = await run(/status: upkeep/)
    expect(ran.out).toContain(
      'This is a rehearsal tool: it does not replace the Chainlink Automation network.',
    )
    expect(ran.out).toMatch(new RegExp(`upkeep ${filled['<id>']} \\(conditional, block\\): not needed`))
    expect(ran.err).not.toMatch(/Error|at .*\.ts:\d+/)

    // 3. A shortfall: paused by the upkeep; unpaused by the unpauser once backed, not before.
    await ok() // the reserves fall to 80
    expect(await ok()).toMatch(/performed \(transmit\): success/)
    expect(await token.pausedOperations()).toBe(Operation.Mint | Operation.Redeem)
    const short = await ok()
    expect(short).toContain(
      'SHORT (InsufficientReserves): 80 BTC for 90 sBTC, 88.88 % (backed from 100.00 %)',
    )
    expect(short).toContain('pause: in force: mint (by the guard), redeem (by the guard) paused; burn open')
    expect(short).toContain('held by: the upkeep (a shortfall: an unpauser lifts it once backed, unpause)')
    const refused = await run()
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('unpausing is refused while')
    await ok() // the reserves are back at 100
    expect(await ok()).toContain(`${filled['0xToken']} is unpaused.`)
    expect(await token.pausedOperations()).toBe(0n)
    expect(await guard.isAssetPaused(filled['0xToken'])).toBe(false)

    // 4. Change the upkeep, hand it over, close it.
    const id = BigInt(filled['<id>'])
    expect(await ok()).toContain('performed only while the gas price is at most 50 gwei')
    const upkeep = await registry.getUpkeep(id)
    expect(upkeep.performGas).toBe(600_000n)
    expect(upkeep.offchainConfig).toBe(encodeMaxGasPrice(parseUnits('50', 'gwei')))
    await ok()
    expect((await registry.getUpkeep(id)).admin).toBe(issuer.address)
    env.UPKEEPS_PRIVATE_KEY = next.privateKey // "with the new admin's key in UPKEEPS_PRIVATE_KEY", from here on
    await ok()
    expect((await registry.getUpkeep(id)).admin).toBe(next.address)
    const cancelled = await ok()
    const { maxValidBlocknumber } = await registry.getUpkeep(id)
    expect(cancelled).toContain(
      `can be withdrawn from block ${maxValidBlocknumber} (the registry's cancellation delay of 50 blocks)`,
    )
    expect(steps).toEqual([])
  }, 480_000)
})
