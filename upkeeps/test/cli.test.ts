/**
 * The CLI itself: parsing, help, dry runs, --json, and the errors for what is missing (key, RPC, options),
 * against the shared local chain A (no other network).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { Contract, Wallet, parseEther, type JsonRpcProvider } from 'ethers'
import {
  encodeRegistrationParams,
  linkTokenInterface,
  registrarInterface,
  registryInterface,
} from '#chain/automation'
import { deployLocalAutomation, type LocalAutomation } from '#devkit/automation'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { deadUrl } from '#devkit/ports'
import { startRedirectingRpc } from '#devkit/rpc-proxy'
import { COMMANDS } from '../cli-spec'
import type { Env } from '../network'
import { cli, cliEnv, deployGuardedToken, fundedKey, mined, type GuardedToken } from './helpers'

let provider: JsonRpcProvider
let automation: LocalAutomation
let issuer: Wallet
let env: Env
let guarded: GuardedToken
let link: Contract
let registry: Contract

beforeAll(async () => {
  provider = localProvider()
  const owner = await fundedSigner(provider)
  automation = await deployLocalAutomation(owner)
  issuer = new Wallet(await fundedKey(provider), provider)
  env = cliEnv(localChainUrl('A'), issuer.privateKey, automation)
  link = new Contract(automation.link, linkTokenInterface(), owner)
  await mined(link.transfer(issuer.address, parseEther('100')))
  registry = new Contract(automation.registry, registryInterface(), provider)
  guarded = await deployGuardedToken(issuer, 1_000n, 900n)
})

afterAll(() => provider.destroy())

/** An RPC that answers only eth_chainId: enough for the checks made before anything is read or sent. */
async function chainIdServer(chainId: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: chainId }))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('usage', () => {
  it('help lists every command; help <command> lists its options and examples', async () => {
    const all = await cli(['help'], {})
    expect(all.code).toBe(0)
    for (const command of COMMANDS) expect(all.out).toContain(`  ${command.name} `)
    const one = await cli(['help', 'withdraw'], {})
    expect(one.out).toContain('--upkeep <id>')
    expect(one.out).toContain('--dry-run')
    expect(one.out).toContain('npm run upkeeps -- withdraw --network base-sepolia --upkeep 1234')
  })

  it('an unknown command, an unknown option, a missing option: exit 2 and what is wrong', async () => {
    expect(await cli(['registr'], {})).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command registr'),
    })
    const option = await cli(['status', '--gaurd', '0x00'], {})
    expect(option.code).toBe(2)
    expect(option.err).toContain("Unknown option '--gaurd'")
    expect(await cli(['register', '--amount', '1'], env)).toMatchObject({
      code: 2,
      err: 'register: register needs --guard <address>',
    })
  })

  it('no RPC: exit 2, naming the flag and the variable; an unreachable one: exit 1, naming its host only', async () => {
    const run = await cli(['status', '--guard', guarded.address.guard], {})
    expect(run).toMatchObject({
      code: 2,
      err: 'status: no RPC endpoint: pass --rpc-url or set UPKEEPS_RPC_URL',
    })
    const dead = new URL(await deadUrl())
    dead.pathname = '/v2/secret-api-key'
    const down = await cli(['status', '--guard', guarded.address.guard, '--rpc-url', dead.href], {})
    expect(down.code).toBe(1)
    expect(down.err).toMatch(new RegExp(`^status: cannot reach the RPC at ${dead.host}: `))
    expect(down.err).not.toContain('secret-api-key')
  })

  it('a redirecting RPC: exit 1, naming where it redirects to, never followed', async () => {
    const rpc = await startRedirectingRpc()
    try {
      const run = await cli(['status', '--guard', guarded.address.guard, '--rpc-url', rpc.url], {})
      expect(run.code).toBe(1)
      expect(run.err).toContain(`redirects (HTTP 307) to ${rpc.targetOrigin}: redirects are not followed`)
      expect(run.err).not.toContain('secret-api-key')
      expect(rpc.targetCalls()).toBe(0)
    } finally {
      await rpc.close()
    }
  })

  it('an RPC whose eth_chainId answer is not a chain id: exit 1, naming the answer', async () => {
    const garbled = createServer((_request, response) => {
      response.end('{"jsonrpc":"2.0","id":1,"result":"mainnet"}')
    })
    await new Promise<void>((done) => garbled.listen(0, '127.0.0.1', done))
    try {
      const url = `http://127.0.0.1:${(garbled.address() as AddressInfo).port}/v2/secret-api-key`
      const run = await cli(['status', '--guard', guarded.address.guard, '--rpc-url', url], {})
      expect(run.code).toBe(1)
      expect(run.err).toContain('answered eth_chainId with "mainnet", not a chain id')
      expect(run.err).not.toContain('secret-api-key')
    } finally {
      garbled.close()
    }
  })
})

describe('the key', () => {
  const noKey = () => ({ ...env, UPKEEPS_PRIVATE_KEY: undefined })

  it('missing: a clear error (exit 2), never a prompt, in words and in JSON', async () => {
    const run = await cli(
      ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '1'],
      noKey(),
    )
    expect(run.code).toBe(2)
    expect(run.err).toBe(
      'register: UPKEEPS_PRIVATE_KEY is not set: register (the key pays for the registration and grants ' +
        'FORWARDER_ROLE) needs it. Set it in the environment (the tools never prompt for a key or read one from ' +
        'a file), or add --dry-run to see the transactions without sending them.',
    )
    const json = await cli(
      ['fund', '--network', 'local', '--upkeep', '1', '--amount', '1', '--json'],
      noKey(),
    )
    expect(json.code).toBe(2)
    expect(JSON.parse(json.out)).toEqual({
      command: 'fund',
      error: expect.stringContaining('UPKEEPS_PRIVATE_KEY is not set'),
    })
  })

  it('missing, from the real entry point (npm run upkeeps runs upkeeps/cli.ts with tsx): exit code 2 and stderr', () => {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      UPKEEPS_RPC_URL: localChainUrl('A'),
      UPKEEPS_LOCAL_DEPLOYMENT: env.UPKEEPS_LOCAL_DEPLOYMENT,
    }
    delete childEnv.UPKEEPS_PRIVATE_KEY
    const child = spawnSync(
      process.execPath,
      [
        '--no-deprecation',
        '--import',
        'tsx',
        resolve('upkeeps/cli.ts'),
        'cancel',
        '--network',
        'local',
        '--upkeep',
        '1',
      ],
      { env: childEnv, encoding: 'utf8', timeout: 60_000 },
    )
    expect(child.status).toBe(2)
    expect(child.stdout).toBe('')
    expect(child.stderr).toContain('cancel: UPKEEPS_PRIVATE_KEY is not set')
  })

  it('not a key: said without echoing it', async () => {
    const run = await cli(['status', '--guard', guarded.address.guard], env) // status needs no key
    expect(run.code).toBe(0)
    const bad = await cli(['cancel', '--network', 'local', '--upkeep', '1'], {
      ...env,
      UPKEEPS_PRIVATE_KEY: '0x1234secret',
    })
    expect(bad).toMatchObject({
      code: 2,
      err: 'cancel: UPKEEPS_PRIVATE_KEY is not a valid private key (32 bytes of hex)',
    })
  })
})

describe('--dry-run', () => {
  const registerArgs = () => [
    'register',
    '--network',
    'local',
    '--guard',
    guarded.address.guard,
    '--amount',
    '5',
    '--dry-run',
  ]

  it('prints each transaction (to, value, decoded call, calldata), the role grant included, and sends nothing', async () => {
    const upkeeps = (await registry.getNumUpkeeps()) as bigint
    const balance = (await link.balanceOf(issuer.address)) as bigint
    const nonce = await provider.getTransactionCount(issuer.address)
    const run = await cli(registerArgs(), env)
    expect(run.err).toBe('')
    expect(run.out).toContain(`Dry run: 2 transaction(s) from ${issuer.address}, none sent:`)
    expect(run.out).toContain(
      '1. register a conditional upkeep on the guard, paying 5 LINK (LINK transferAndCall to the registrar)',
    )
    expect(run.out).toContain(`to:       ${automation.link}`)
    expect(run.out).toContain('value:    0')
    expect(run.out).toContain(
      `call:     transferAndCall(to=${automation.registrar}, amount=5000000000000000000, data=RegistrationParams{ ` +
        `upkeepContract: ${guarded.address.guard}, amount: 5000000000000000000, adminAddress: ${issuer.address}, ` +
        `gasLimit: 1000000, triggerType: 0, billingToken: ${automation.link}, name: ReserveGuard ${guarded.address.guard}, ` +
        `encryptedEmail: 0x, checkData: 0x, triggerConfig: 0x, offchainConfig: 0x })`,
    )
    expect(run.out).toMatch(/calldata: 0x4000aea0[0-9a-f]+/)
    // The grant that follows, to the forwarder the registry will create for the upkeep.
    const forwarder =
      /2\. grant FORWARDER_ROLE on the guard to the new upkeep's forwarder (0x[0-9a-fA-F]{40})/.exec(
        run.out,
      )![1]
    expect(run.out).toContain(
      `call:     grantRole(role=${await guarded.guard.FORWARDER_ROLE()}, account=${forwarder})`,
    )
    expect(run.out).toContain(`Note: the forwarder ${forwarder} is predicted from the registry's nonce`)
    expect(await registry.getNumUpkeeps()).toBe(upkeeps)
    expect(await link.balanceOf(issuer.address)).toBe(balance)
    expect(await provider.getTransactionCount(issuer.address)).toBe(nonce)

    // Registered for real (nothing registered in between): that very forwarder, granted.
    const real = JSON.parse(
      (await cli([...registerArgs().filter((a) => a !== '--dry-run'), '--json'], env)).out,
    )
    expect(real.upkeep.forwarder).toBe(forwarder)
    expect(real.transactions.map((t: { call: string }) => t.call)).toEqual([
      expect.stringMatching(/^transferAndCall\(/),
      `grantRole(role=${await guarded.guard.FORWARDER_ROLE()}, account=${forwarder})`,
    ])
  })

  it('--json: the calldata is exactly what would be sent (the registrar ABI encoding)', async () => {
    const run = await cli([...registerArgs(), '--json', '--check-data', '0xabcd'], env)
    expect(run.err).toBe('')
    const result = JSON.parse(run.out)
    expect(result.dryRun).toBe(true)
    expect(result.transactions).toHaveLength(2)
    expect(result.transactions[1].call).toBe(
      `grantRole(role=${await guarded.guard.FORWARDER_ROLE()}, account=${result.predictedForwarder})`,
    )
    const params = {
      upkeepContract: guarded.address.guard,
      amount: parseEther('5'),
      adminAddress: issuer.address,
      gasLimit: 1_000_000n,
      triggerType: 0n,
      billingToken: automation.link,
      name: `ReserveGuard ${guarded.address.guard}`,
      encryptedEmail: '0x',
      checkData: '0xabcd',
      triggerConfig: '0x',
      offchainConfig: '0x',
    }
    expect(result.transactions[0]).toMatchObject({
      to: automation.link,
      value: '0',
      calldata: link.interface.encodeFunctionData('transferAndCall', [
        automation.registrar,
        parseEther('5'),
        encodeRegistrationParams(params),
      ]),
    })
    expect(result.params.checkData).toBe('0xabcd')
  })

  it('needs no key with --from, and needs --from without a key', async () => {
    const keyless = { ...env, UPKEEPS_PRIVATE_KEY: undefined }
    const run = await cli([...registerArgs(), '--from', issuer.address], keyless)
    expect(run.err).toBe('')
    expect(run.out).toContain(`from ${issuer.address}, none sent`)
    expect((await cli(registerArgs(), keyless)).err).toContain(
      'set UPKEEPS_PRIVATE_KEY or pass --from <address>',
    )
  })
})

describe('run', () => {
  it('prints the mode, that it does not replace the network, each check and the status lines', async () => {
    const registered = await cli(
      ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '20', '--json'],
      env,
    )
    const id = JSON.parse(registered.out).upkeep.id as string
    const printed: string[] = []
    const { runCli } = await import('../cli')
    const code = await runCli(['run', '--network', 'local', '--upkeep', id, '--once'], env, {
      out: (t) => printed.push(t),
      err: (t) => printed.push(`ERR ${t}`),
    })
    expect(code).toBe(0)
    expect(printed[1]).toMatch(/^Mode: transmit: this runner holds the registry's DON keys \(f = 1\)/)
    expect(printed[2]).toBe('This is a rehearsal tool: it does not replace the Chainlink Automation network.')
    expect(printed).toContainEqual(
      expect.stringMatching(
        new RegExp(`^\\[block \\d+\\] upkeep ${id} \\(conditional, block\\): not needed, check gas [\\d,]+$`),
      ),
    )
    expect(printed).toContainEqual(
      expect.stringMatching(/^status: upkeep \d+…\d+ \(conditional\) · block \d+: not needed/),
    )
  })
})

describe('local', () => {
  it('deploys Automation 2.3 on a development chain and records it for --network local', async () => {
    const file = cliEnv(localChainUrl('A'), issuer.privateKey)
    const run = await cli(['local', '--pending', '--json'], file)
    expect(run.err).toBe('')
    const { deployment } = JSON.parse(run.out)
    const written = JSON.parse(readFileSync(file.UPKEEPS_LOCAL_DEPLOYMENT!, 'utf8'))
    expect(written).toMatchObject({
      registry: deployment.registry,
      registrar: deployment.registrar,
      chainId: 31337,
    })
    expect(written.don.signers).toHaveLength(4)
    const registrar = new Contract(deployment.registrar, registrarInterface(), provider)
    expect(await registrar.typeAndVersion()).toBe('AutomationRegistrar 2.3.0')
    expect((await registrar.getTriggerRegistrationDetails(0)).autoApproveType).toBe(0n) // DISABLED: --pending
    const status = await cli(['status', '--network', 'local', '--guard', guarded.address.guard], file)
    expect(status.out).toContain(`0 upkeep(s) on registry ${deployment.registry}`)
  })

  it('a deployment file from an earlier chain (the node restarted) gets a hint to run local again', async () => {
    const stale = cliEnv(localChainUrl('A'), issuer.privateKey, {
      ...automation,
      registry: Wallet.createRandom().address, // no code there: that chain is gone
    })
    for (const args of [
      ['status', '--network', 'local', '--guard', guarded.address.guard],
      ['register', '--network', 'local', '--guard', guarded.address.guard, '--amount', '1'],
    ]) {
      const run = await cli(args, stale)
      expect(run.code).toBe(2)
      expect(run.err).toContain(
        `the local deployment in ${stale.UPKEEPS_LOCAL_DEPLOYMENT} is from an earlier chain`,
      )
      expect(run.err).toContain('Run local again: npm run upkeeps -- local')
    }
  })

  it('refuses a chain that is not a development chain, before sending anything', async () => {
    const { server, url } = await chainIdServer('0x2105') // chain 8453, Base
    try {
      const run = await cli(['local', '--rpc-url', url], { UPKEEPS_PRIVATE_KEY: issuer.privateKey })
      expect(run.code).toBe(2)
      expect(run.err).toContain('chain 8453 is not a development chain')
      const mismatch = await cli(
        ['status', '--network', 'base-sepolia', '--rpc-url', url, '--guard', guarded.address.guard],
        {},
      )
      expect(mismatch.err).toBe(
        `status: the RPC at ${new URL(url).host} is chain 8453, but network base-sepolia is chain 84532`,
      )
    } finally {
      server.close()
    }
  })
})

describe('networks', () => {
  it('lists each configured network with the page every address comes from', async () => {
    const run = await cli(['networks'], {})
    expect(run.out).toContain('base (chain 8453, Automation 2.3):')
    expect(run.out).toContain(
      'registry  0xf4bAb6A129164aBa9B113cB96BA4266dF49f8743  from https://docs.chain.link/chainlink-automation/overview/supported-networks#base-mainnet',
    )
    expect(run.out).toContain('local: filled at run time by npm run upkeeps -- local')
    expect(run.out).toContain('ethereum (chain 1, Automation 2.3):')
    expect(run.out).toContain(
      '  registry, registrar: not configured, pass --registry and --registrar. No stored Chainlink source',
    )
    expect(run.out).toContain(
      'LINK      0x514910771AF9Ca656af840dff83E8264EcF986CA  from https://docs.chain.link/resources/link-token-contracts#ethereum-mainnet',
    )
    const json = JSON.parse((await cli(['networks', '--json'], {})).out)
    expect(Object.keys(json.networks)).toEqual([
      'ethereum',
      'sepolia',
      'arbitrum',
      'arbitrum-sepolia',
      'base',
      'base-sepolia',
    ])
  })

  it('a network without a documented 2.3 registry asks for --registry, naming why', async () => {
    const { server, url } = await chainIdServer('0x1') // chain 1, Ethereum
    try {
      const run = await cli(['cancel', '--network', 'ethereum', '--rpc-url', url, '--upkeep', '1'], {
        UPKEEPS_PRIVATE_KEY: issuer.privateKey,
      })
      expect(run.code).toBe(2)
      expect(run.err).toContain(
        'cancel: network ethereum has no Automation 2.3 registry in upkeeps/networks.json',
      )
      expect(run.err).toContain('Pass --registry with the address from')
    } finally {
      server.close()
    }
  })
})
