/**
 * The command line itself, on the shared local chain A: help, usage mistakes and their exit codes, the key and
 * the RPC from the environment, the network checked against the RPC, dry runs without a key, `--json`, the
 * local rehearsal in one command; and the pieces it stands on: the ERC-165 interface ids it asks a target for,
 * the pause mode found from each kind of target, and the exact, rounded-down ratio.
 */
import { readFileSync } from 'node:fs'
import { Wallet, type JsonRpcProvider } from 'ethers'
import {
  deployDecimalsToken,
  deployMockMisbehavingTarget,
  deployMockOperationsToken,
  deployMockPausableAsset,
  deploySecureMintToken,
  interfaceId,
  secureMintTokenAt,
} from '#chain/contracts'
import { MarginMode, PauseMode } from '#chain/types'
import { deployAceMintGate } from '#devkit/ace'
import { localChainUrl, localProvider } from '#devkit/local-chain'
import { COMMANDS, formattedReference } from '../cli-spec'
import { parseDuration, reserveRatio, showDuration } from '../format'
import { detectTarget } from '../pause-mode'
import { btcFeed, fundedWallet, guardCli, guardEnv } from './helpers'

let provider: JsonRpcProvider
let issuer: Wallet

beforeAll(async () => {
  provider = localProvider()
  issuer = await fundedWallet(provider)
})

afterAll(() => provider.destroy())

describe('usage', () => {
  it('help lists every command; help <command> its options and examples', async () => {
    const all = await guardCli(['help'], {})
    expect(all.code).toBe(0)
    for (const command of COMMANDS) expect(all.out).toContain(`  ${command.name} `)
    const one = await guardCli(['help', 'add-asset'], {})
    expect(one.out).toContain('--pause-gas <gas|measure>')
    expect(one.out).toContain(
      'npm run guard -- add-asset --network base-sepolia --guard 0xGuard --target 0xToken',
    )
  })

  it('mistakes exit 2 and say what is wrong', async () => {
    const env = guardEnv(localChainUrl('A'), issuer)
    expect(await guardCli(['pauze'], env)).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command pauze'),
    })
    expect(await guardCli(['pause', '--guard', issuer.address], env)).toMatchObject({
      code: 2,
      err: 'pause: pause needs --target <address>',
    })
    expect(await guardCli(['deploy', '--delay', 'a day'], env)).toMatchObject({
      code: 2,
      err: expect.stringContaining('--delay is a duration: whole seconds, or a whole number of s, m, h or d'),
    })
    expect(await guardCli(['status', '--guard', '0xabc'], env)).toMatchObject({
      code: 2,
      err: expect.stringContaining('--guard must be an address'),
    })
    const badSum = `0x${issuer.address.slice(2).replace(/[a-f]/, (c) => c.toUpperCase())}`
    expect((await guardCli(['status', '--guard', badSum], env)).err).toContain('fails its EIP-55 checksum')
    // A block number that is not one is refused, naming the option, before anything is read from the chain.
    for (const fromBlock of ['1.5', 'abc', '1e6']) {
      expect(
        await guardCli(['status', '--guard', issuer.address, '--from-block', fromBlock], env),
      ).toMatchObject({
        code: 2,
        err: expect.stringContaining(`--from-block must be a whole number, got ${fromBlock}`),
      })
    }
  })

  it('the RPC and the key come from the environment, and nothing is prompted for', async () => {
    expect(await guardCli(['status', '--guard', issuer.address], {})).toMatchObject({
      code: 2,
      err: 'status: no RPC endpoint: pass --rpc-url or set GUARD_RPC_URL',
    })
    const noKey = await guardCli(['deploy', '--delay', '1d'], guardEnv(localChainUrl('A')))
    expect(noKey.code).toBe(2)
    expect(noKey.err).toContain(
      'GUARD_PRIVATE_KEY is not set: deploy (the key pays for the deployments) needs it',
    )
    const dry = await guardCli(['deploy', '--delay', '1d', '--dry-run'], guardEnv(localChainUrl('A')))
    expect(dry.err).toContain('set GUARD_PRIVATE_KEY or pass --from <address>')
    const fromOnly = await guardCli(
      ['deploy', '--delay', '1d', '--dry-run', '--from', issuer.address],
      guardEnv(localChainUrl('A')),
    )
    expect(fromOnly).toMatchObject({ code: 0, err: '' })
    expect(fromOnly.out).toContain(`Dry run: 1 transaction(s) from ${issuer.address}, none sent`)
  })

  it('the network named must be the RPC’s', async () => {
    const env = guardEnv(localChainUrl('A'), issuer)
    expect(
      await guardCli(['status', '--guard', issuer.address, '--network', 'base-sepolia'], env),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('is chain 31337, but network base-sepolia is chain 84532'),
    })
    expect(
      (await guardCli(['status', '--guard', issuer.address, '--network', 'mainnet'], env)).err,
    ).toContain('unknown network mainnet: upkeeps/networks.json has ethereum, sepolia')
    expect((await guardCli(['status', '--guard', issuer.address], env)).err).toContain(
      'is not a contract on this chain',
    )
  })

  it('--json prints data, and errors as data', async () => {
    const env = guardEnv(localChainUrl('A'), issuer)
    const run = await guardCli(['deploy', '--delay', '2d', '--dry-run', '--json'], env)
    expect(run.code).toBe(0)
    const data = JSON.parse(run.out)
    expect(data).toMatchObject({
      command: 'deploy',
      dryRun: true,
      transactions: [expect.objectContaining({ to: '(a new contract)' })],
    })
    expect(data.transactions[0].call).toBe(`new ReserveGuard(admin=${issuer.address}, delay=172800)`)
    const failed = await guardCli(['status', '--guard', issuer.address, '--json'], env)
    expect(failed.code).toBe(2)
    expect(JSON.parse(failed.out)).toEqual({
      command: 'status',
      error: `the guard ${issuer.address} is not a contract on this chain`,
    })
  })

  it('local is refused on a chain that is not a development chain', async () => {
    // A chain id of a public network, answered by a stand-in RPC: nothing is sent there.
    const { createServer } = await import('node:http')
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x14a34' }))
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const { port } = server.address() as { port: number }
    const run = await guardCli(['local'], {
      GUARD_RPC_URL: `http://127.0.0.1:${port}`,
      GUARD_PRIVATE_KEY: issuer.privateKey,
    })
    server.close()
    expect(run.code).toBe(2)
    expect(run.err).toContain(
      'local is a rehearsal on a development chain (1337, 31337, 31338), and chain 84532 is not one',
    )
  })
})

describe('local', () => {
  it('deploys a feed, a guard and a token, wired, the supply minted, printing each command it runs', async () => {
    const run = await guardCli(
      ['local', '--reserves', '100', '--supply', '90'],
      guardEnv(localChainUrl('A'), issuer),
    )
    expect(run).toMatchObject({ code: 0, err: '' })
    for (const command of ['local-feed', 'deploy', 'add-asset', 'grant-role', 'mint']) {
      expect(run.out).toContain(`$ npm run guard -- ${command} --network local`)
    }
    const guard = /Ready: the guard (0x[0-9a-fA-F]{40})/.exec(run.out)![1]
    const status = await guardCli(['status', '--guard', guard], guardEnv(localChainUrl('A')))
    expect(status.out).toContain('backed: 100 BTC for 90 sBTC, 111.11 % (backed from 100.00 %)')
  })
})

/** A SecureMintToken on `reserveFeed` (a fresh feed when left out), with no margin and no admin delay. */
async function plainSecureMintToken(reserveFeed?: string) {
  const feed = reserveFeed ?? (await btcFeed(issuer, 1n)).proxyAddress
  return deploySecureMintToken(issuer, 'T', 'T', issuer.address, 0, feed, 3_600, MarginMode.None, 0)
}

describe('what the commands stand on', () => {
  it("interface ids are Solidity's, as a SecureMintToken answers them", async () => {
    const token = await plainSecureMintToken()
    expect(await token.supportsInterface(interfaceId('ISecureMintToken'))).toBe(true)
    // The id counts only the functions an interface declares itself, as type(I).interfaceId does.
    expect(interfaceId('ISecureMintToken')).not.toBe(interfaceId('IOperationsPausable'))
    expect(await token.supportsInterface(interfaceId('IOperationsPausable'))).toBe(false)
  })

  it('finds the pause mode of each kind of target, and refuses what answers neither', async () => {
    const feed = await btcFeed(issuer, 1n)
    const address = async (c: { getAddress(): Promise<string> }) => c.getAddress()
    const token = await address(await plainSecureMintToken(feed.proxyAddress))
    expect(await detectTarget(provider, token)).toMatchObject({
      kind: 'SecureMintToken',
      pauseMode: PauseMode.Operations,
    })
    const operations = await address(await deployMockOperationsToken(issuer, issuer.address, 0))
    expect(await detectTarget(provider, operations)).toMatchObject({
      kind: 'IOperationsPausable',
      pauseMode: PauseMode.Operations,
    })
    const pausable = await address(await deployMockPausableAsset(issuer, 18, issuer.address))
    expect(await detectTarget(provider, pausable)).toMatchObject({
      kind: 'Pausable',
      pauseMode: PauseMode.Pausable,
    })
    // Both pause interfaces, but no ERC-165: paused() is what it proves it answers.
    const both = await address(await deployMockMisbehavingTarget(issuer, 0))
    expect(await detectTarget(provider, both)).toMatchObject({ kind: 'Pausable' })
    // Chainlink ACE's PausePolicy, on a ComplianceTokenERC20's mint: s_paused() is what it answers.
    const ace = await deployAceMintGate(issuer, { secureMint: { reservesFeed: feed.proxyAddress } })
    expect(await detectTarget(provider, await address(ace.pause))).toMatchObject({
      kind: 'AcePausePolicy',
      pauseMode: PauseMode.AcePausePolicy,
    })
    // The token itself is paused through its policy, not by an interface of its own.
    await expect(detectTarget(provider, ace.tokenAddress)).rejects.toThrow('nor s_paused()')
    const plain = await address(await deployDecimalsToken(issuer, 'Plain', 'PLN', 18, 0))
    await expect(detectTarget(provider, plain)).rejects.toThrow('it declares neither ISecureMintToken')
    await expect(detectTarget(provider, Wallet.createRandom().address)).rejects.toThrow('is not a contract')
    expect(await secureMintTokenAt(token, provider).supportsInterface('0xffffffff')).toBe(false)
  })

  it('the ratio is exact and rounded down; durations read and print both ways', () => {
    expect(reserveRatio(100n * 10n ** 8n, 8, 90n * 10n ** 8n, 8)).toBe('111.11')
    expect(reserveRatio(2n, 0, 3n, 0)).toBe('66.66') // 66.666…, never 66.67
    expect(reserveRatio(10n ** 18n, 18, 10n ** 8n, 8)).toBe('100.00')
    expect(reserveRatio(10n ** 18n - 1n, 18, 10n ** 8n, 8)).toBe('99.99') // one unit short is short
    expect(reserveRatio(1n, 0, 0n, 8)).toBeUndefined()
    expect([parseDuration('86400', 'd'), parseDuration('36h', 'd'), parseDuration('2d', 'd')]).toEqual([
      86_400, 129_600, 172_800,
    ])
    expect([showDuration(0), showDuration(90_061), showDuration(59)]).toEqual(['0 s', '1 d 1 h', '59 s'])
  })
})

describe('guard/README.md', () => {
  it("holds the reference generated from the CLI's definitions", async () => {
    const readme = readFileSync('guard/README.md', 'utf8')
    const start = readme.indexOf('\n', readme.indexOf('<!-- Generated from guard/cli-spec.ts')) + 1
    const end = readme.indexOf('<!-- End of the generated reference. -->')
    expect(start).toBeGreaterThan(0)
    expect(end).toBeGreaterThan(start)
    // On a mismatch: npm run guard -- help --markdown prints the block to paste between the two markers.
    expect(readme.slice(start, end).trim()).toBe((await formattedReference()).trim())
  })
})
