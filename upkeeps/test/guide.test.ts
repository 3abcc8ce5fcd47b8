/**
 * The root README's Issuers guide, followed as a user follows it: every `npm run upkeeps` line of its local
 * steps, read from the README itself, run as its own process through npm (the real entry point), in order, on the
 * shared local chain A. Step 1 (wiring a guard to a token, docs/contracts.md) is done here with the test helper;
 * `run` is stopped as a user stops it, with Ctrl-C (SIGINT to the whole process group).
 */
import { readFileSync } from 'node:fs'
import { Contract, Wallet, parseUnits, type JsonRpcProvider } from 'ethers'
import { registryInterface } from '#chain/automation'
import { localChainUrl, localProvider } from '#devkit/local-chain'
import { npmRun as runScript } from '#devkit/npm-run'
import { readLocalDeployment, type Env } from '../network'
import { encodeMaxGasPrice } from '../offchain-config'
import { cliEnv, deployGuardedToken, fundedKey } from './helpers'

/** The guide's local commands, in order: lines of its sh blocks that run `npm run upkeeps -- … local …`. */
function guideCommands(): string[] {
  const readme = readFileSync('README.md', 'utf8')
  const issuers = readme.slice(
    readme.indexOf('\n## Issuers\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## Issuers\n') + 1),
  )
  return issuers
    .split('\n')
    .map((line) => line.trim().replace(/\s+#.*$/, ''))
    .filter(
      (line) =>
        line.startsWith('npm run upkeeps -- ') && /(^npm run upkeeps -- local$)|--network local/.test(line),
    )
}

/** `npm run upkeeps -- <args>` from a terminal; `interruptWhen` sends Ctrl-C once the output matches. */
const npmRun = (args: string[], env: Env, interruptWhen?: RegExp) =>
  runScript('upkeeps', args, env, interruptWhen)

let provider: JsonRpcProvider

beforeAll(() => {
  provider = localProvider()
})

afterAll(() => provider.destroy())

describe("the README's Issuers guide, on a local chain", () => {
  it('local, register, status, run (Ctrl-C), update-upkeep, transfer-admin, accept-admin, cancel', async () => {
    const commands = guideCommands()
    // What this test checks after each command: the guide must still say these, in this order.
    expect(commands.map((line) => line.split(' ')[4])).toEqual([
      'local',
      'register',
      'status',
      'run',
      'update-upkeep',
      'transfer-admin',
      'accept-admin',
      'cancel',
    ])

    // `export UPKEEPS_RPC_URL=… UPKEEPS_PRIVATE_KEY=…`: one account of the local chain.
    const issuer = new Wallet(await fundedKey(provider), provider)
    const env = cliEnv(localChainUrl('A'), issuer.privateKey)
    const next = new Wallet(await fundedKey(provider), provider)
    const guarded = await deployGuardedToken(issuer, 1_000n, 900n) // step 1
    let id = ''
    const filled = (line: string) =>
      line
        .replace(/^npm run upkeeps -- /, '')
        .replaceAll('0xGuard', guarded.address.guard)
        .replaceAll('0xNewAdmin', next.address)
        .replaceAll('<id>', id)
        .split(' ')
    const [local, register, status, run, update, transfer, accept, cancel] = commands

    const deployed = await npmRun(filled(local), env)
    expect(deployed).toMatchObject({ code: 0, err: '' })
    expect(deployed.out).toContain('Deployed Chainlink Automation 2.3 on chain 31337')
    const registry = new Contract(readLocalDeployment(env)!.registry, registryInterface(), provider)

    const registered = await npmRun(filled(register), env)
    expect(registered).toMatchObject({ code: 0, err: '' })
    id = /Upkeep (\d+) is registered/.exec(registered.out)![1]
    expect(registered.out).toContain(`The guard now accepts performUpkeep from upkeep ${id}'s forwarder.`)

    const shown = await npmRun(filled(status), env)
    expect(shown.code).toBe(0)
    expect(shown.out).toContain(': 1 active, 0 paused, 0 closed:')

    const ran = await npmRun(filled(run), env, /status: upkeep/)
    expect(ran.out).toContain(
      'This is a rehearsal tool: it does not replace the Chainlink Automation network.',
    )
    expect(ran.out).toMatch(new RegExp(`upkeep ${id} \\(conditional, block\\): not needed`))
    expect(ran.err).not.toMatch(/Error|at .*\.ts:\d+/)

    const updated = await npmRun(filled(update), env)
    expect(updated).toMatchObject({ code: 0, err: '' })
    const upkeep = await registry.getUpkeep(BigInt(id))
    expect(upkeep.performGas).toBe(600_000n)
    expect(upkeep.offchainConfig).toBe(encodeMaxGasPrice(parseUnits('50', 'gwei')))
    expect(updated.out).toContain('performed only while the gas price is at most 50 gwei')

    expect(await npmRun(filled(transfer), env)).toMatchObject({ code: 0, err: '' })
    expect((await registry.getUpkeep(BigInt(id))).admin).toBe(issuer.address)
    // "with the new admin's key in UPKEEPS_PRIVATE_KEY", from here on
    env.UPKEEPS_PRIVATE_KEY = next.privateKey
    expect(await npmRun(filled(accept), env)).toMatchObject({ code: 0, err: '' })
    expect((await registry.getUpkeep(BigInt(id))).admin).toBe(next.address)

    const cancelled = await npmRun(filled(cancel), env)
    expect(cancelled).toMatchObject({ code: 0, err: '' })
    const { maxValidBlocknumber } = await registry.getUpkeep(BigInt(id))
    expect(cancelled.out).toContain(
      `can be withdrawn from block ${maxValidBlocknumber} (the registry's cancellation delay of 50 blocks)`,
    )
    expect((await npmRun(filled(status), env)).out).toContain(': 0 active, 0 paused, 1 closed:')
  }, 240_000)
})
