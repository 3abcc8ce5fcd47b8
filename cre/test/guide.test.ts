/**
 * The CRE rehearsal guide (the root README's "Running on CRE", step 4, and cre/README.md, which repeats it),
 * followed as a user follows it: every `npm run cre` line, read from the README itself, run as written through a
 * shell (the real entry point, quotes and all), in order, on the shared local chain A. What the guide leaves to the user is
 * done here with the test's helpers: the running adapter (btc-balance in front of a bitcoin ledger), the guard and
 * the token wired to the proxy `feed` printed (docs/contracts.md), and the two config files. `run` is stopped as a
 * user stops it, with Ctrl-C, once the executions the shortfall causes are on the screen.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NonceManager, Wallet, parseEther, toQuantity, type JsonRpcProvider } from 'ethers'
import { eacAggregatorProxyAt } from '#chain/contracts'
import { mined } from '#chain/events'
import { localChainUrl, localProvider } from '#devkit/local-chain'
import { shellLine } from '#devkit/shell-line'
import { readLocalCre } from '../local'
import { Custodian, TOKEN, guardedToken, porFeedConfig, reserveGuardConfig } from './fixture'

/** The `npm run cre` lines of a README's section, comments dropped. */
function guideCommands(file: string, heading: string): string[] {
  const readme = readFileSync(file, 'utf8')
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start).toBeGreaterThan(0)
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  return section
    .split('\n')
    .map((line) => line.trim().replace(/\s+#.*$/, ''))
    .filter((line) => line.startsWith('npm run cre -- '))
}

let provider: JsonRpcProvider
let custodian: Custodian
let scratch: string

beforeAll(async () => {
  provider = localProvider()
  custodian = await Custodian.start()
  scratch = mkdtempSync(join(tmpdir(), 'cre-guide-'))
}, 60_000)

afterAll(async () => {
  await custodian.close()
  provider.destroy()
  rmSync(scratch, { recursive: true, force: true })
})

describe("the README's CRE rehearsal guide, on a local chain", () => {
  it('local, feed, allow, run (Ctrl-C): the drop written to DataFeedsCache, the token paused by the guard workflow', async () => {
    const commands = guideCommands('README.md', '## Running on CRE')
    // cre/README.md gives the same commands, in the same order.
    expect(guideCommands('cre/README.md', '## From a guard to a rehearsed shortfall')).toEqual(commands)
    // What this test checks after each command: the guide must still say these, in this order.
    expect(commands.map((line) => line.split(' ')[4])).toEqual(['local', 'feed', 'allow', 'run'])

    // `export CRE_RPC_URL=… CRE_PRIVATE_KEY=…`: one account of the local chain (the deployment file kept apart
    // from a developer's own).
    const issuer = Wallet.createRandom()
    await provider.send('hardhat_setBalance', [issuer.address, toQuantity(parseEther('1000'))])
    const env = {
      CRE_RPC_URL: localChainUrl('A'),
      CRE_PRIVATE_KEY: issuer.privateKey,
      CRE_LOCAL_DEPLOYMENT: join(scratch, 'local-deployment.json'),
    }
    const configs = {
      'workflows/por-feed/config.local.json': join(scratch, 'por-feed.json'),
      'workflows/reserve-guard/config.local.json': join(scratch, 'reserve-guard.json'),
    }
    let guardAddress = ''
    /** The line as a reader fills it in: the guard `feed`'s proxy was wired to, the config files written. */
    const filled = (line: string) => {
      const text = Object.entries(configs).reduce(
        (done, [placeholder, path]) => done.replaceAll(placeholder, path),
        line.replaceAll('0xGuard', guardAddress),
      )
      expect(text).not.toMatch(/0x[A-Z][a-zA-Z]+\b/) // every placeholder filled
      return text
    }
    const [local, feed, allow, run] = commands

    const deployed = await shellLine(filled(local), env)
    expect(deployed).toMatchObject({ code: 0, err: '' })
    expect(deployed.out).toContain("Deployed Chainlink's KeystoneForwarder")
    const deployment = readLocalCre(env.CRE_LOCAL_DEPLOYMENT)!
    expect(deployment).toMatchObject({ chainId: 31337, workflowOwner: issuer.address })

    const created = await shellLine(filled(feed), env)
    expect(created).toMatchObject({ code: 0, err: '' })
    expect(created.out).toContain('feed "sBTC reserves", data id ')
    const cache = /DataFeedsCache (0x[0-9a-fA-F]{40})/.exec(created.out)![1]
    const dataId = /data id (0x[0-9a-f]+)/.exec(created.out)![1]
    const proxyAddress = /EACAggregatorProxy (0x[0-9a-fA-F]{40})/.exec(created.out)![1]
    expect(await eacAggregatorProxyAt(proxyAddress, provider).aggregator()).toBe(cache)

    // "Wire the guard and the token to the proxy `feed` printed" (docs/contracts.md); the custodian holds 100 BTC.
    const admin = new NonceManager(issuer.connect(provider))
    const { token, target, guard, guardAddress: deployedGuard } = await guardedToken(admin, proxyAddress)
    guardAddress = deployedGuard
    await custodian.answers(100n * TOKEN)

    // The two config files: each workflow's config.example.json filled in with what `feed` printed.
    writeFileSync(
      configs['workflows/por-feed/config.local.json'],
      JSON.stringify(
        porFeedConfig({
          adapterUrl: custodian.adapter.url,
          adapterRequest: custodian.request,
          dataFeedsCacheAddress: cache,
          dataId,
        }),
      ),
    )
    writeFileSync(
      configs['workflows/reserve-guard/config.local.json'],
      JSON.stringify(reserveGuardConfig({ guardAddress, watchedAggregators: [cache] })),
    )

    const allowed = await shellLine(filled(allow), env)
    expect(allowed).toMatchObject({ code: 0, err: '' })
    expect(allowed.out).toContain(`setForwarder(${deployment.forwarder})`)
    expect(await guard.forwarder()).toBe(deployment.forwarder)

    /** `run`, stopped with Ctrl-C once the third execution (the guard workflow woken by the feed's write) ended. */
    const rehearse = async () => {
      const ran = await shellLine(filled(run), env, /#3 reserve-guard: log [\s\S]*\n {2}→ /)
      expect(ran.err).not.toMatch(/Error|at .*\.ts:\d+/)
      expect(ran.out).toContain('a DON of 4 local nodes')
      expect(ran.out).toContain('A rehearsal: it does not replace CRE.')
      expect(ran.out).not.toContain('Problem:')
      expect(ran.out).toMatch(/#1 por-feed: cron, scheduled /)
      expect(ran.out).toMatch(
        new RegExp(`report to ${cache} at block \\d+, gas [\\d,]+ \\(gas limit 500,000\\): taken; `),
      )
      expect(ran.out).toMatch(/#2 reserve-guard: cron, scheduled /)
      expect(ran.out).toMatch(
        new RegExp(`#3 reserve-guard: log ${cache} in tx 0x[0-9a-f]{64} \\(block \\d+, log \\d+\\)`),
      )
      return ran.out
    }
    const reserves = async () => (await eacAggregatorProxyAt(proxyAddress, provider).latestRoundData())[1]

    // The first run: the feed has no answer, so por-feed writes the 100 BTC through the forwarder into the cache;
    // the guard workflow, on its cron and then on the cache's AnswerUpdated, finds the token backed.
    const first = await rehearse()
    expect(first).toContain('write due (first answer): the feed has no answer yet')
    expect(first.match(/\n {2}→ backed\n/g)).toHaveLength(2)
    expect(await reserves()).toBe(100n * TOKEN)

    // 90 sBTC minted against the 100 BTC; then 30 BTC leave the custodian, which the feed does not know yet.
    admin.reset() // `allow` sent transactions from the same account
    await mined(token.mint(issuer.address, 90n * TOKEN))
    custodian.spendFirst(30n * TOKEN)
    await custodian.answers(70n * TOKEN)
    expect(await guard.isAssetPaused(target)).toBe(false)

    // The second run: por-feed writes the drop; the guard workflow's cron pauses the token (70 BTC for 90 sBTC);
    // woken by the drop's AnswerUpdated, it finds the token paused already, nothing to report.
    const second = await rehearse()
    expect(second).toContain('write due (deviation): moved 3000 bps (10000000000 → 7000000000)')
    expect(await reserves()).toBe(70n * TOKEN)
    expect(second).toContain(
      `AssetPaused(target=${target}, reason=InsufficientReserves, reserves=${70n * TOKEN}, supply=${90n * TOKEN})`,
    )
    expect(await guard.isAssetPaused(target)).toBe(true)
    expect(second.slice(second.indexOf('#3 reserve-guard'))).toMatch(/\n {2}→ backed/)
  }, 300_000)
})
