/**
 * The rehearsal (cre/rehearsal.ts) on the shared local chain: the two workflows' own bundles on a local DON of
 * four nodes, the btc-balance adapter's real server over HTTP, Chainlink's KeystoneForwarder with the local
 * DON's keys, Chainlink's DataFeedsCache behind its proxy, and the guard. What an issuer sees of each execution
 * (what fired it, what the workflow logged, whether it wrote or skipped and why, the receivers' events) is
 * checked against the chain.
 */
import { dataSlice, type JsonRpcProvider, type NonceManager } from 'ethers'
import { keystoneForwarderAt } from '#chain/contracts'
import { mined } from '#chain/events'
import { deployCreFeed, type CreFeed } from '#devkit/data-feeds'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { reportGasLimit } from '#workflows/reserve-guard/gas'
import { deployLocalCre, localKeystone, rehearsalWorkflowId, type LocalCreDeployment } from '../local'
import { Rehearsal, type ExecutionReport } from '../rehearsal'
import { decodeGuardEntries, entryTarget } from '#workflows/reserve-guard/report'
import {
  Custodian,
  TOKEN,
  adminWritableFeed,
  guardedToken,
  porFeedConfig,
  reserveGuardConfig,
  setReserve,
} from './fixture'

/** IRouter.TransmissionState (KeystoneForwarder 1.5.0) */
const FAILED = 3n

let provider: JsonRpcProvider
let admin: NonceManager
let deployment: LocalCreDeployment
let custodian: Custodian

beforeAll(async () => {
  provider = localProvider()
  admin = await fundedSigner(provider)
  deployment = await deployLocalCre(admin)
  custodian = await Custodian.start()
}, 60_000)

afterAll(async () => {
  await custodian.close()
  provider.destroy()
})

/** A DataFeedsCache feed the rehearsal's por-feed workflow may write. */
const newFeed = (description: string): Promise<CreFeed> =>
  deployCreFeed(admin, {
    decimals: 8,
    description,
    writers: [
      { forwarder: deployment.forwarder, workflowOwner: deployment.workflowOwner, workflowName: 'por-feed' },
    ],
  })

/** A guard taking the rehearsal's reserve-guard reports, as `npm run cre -- allow` leaves it. */
async function allow(guard: Awaited<ReturnType<typeof guardedToken>>['guard']) {
  await mined(guard.grantRole(await guard.RECEIVER_ADMIN_ROLE(), await admin.getAddress()))
  await mined(guard.setForwarder(deployment.forwarder))
  await mined(
    guard.allowWorkflow(
      rehearsalWorkflowId(deployment.workflowOwner, 'reserve-guard'),
      deployment.workflowOwner,
    ),
  )
}

/** The por-feed config for `feed`, reading `source`'s addresses through `adapterUrl` (default its adapter). */
const porFeed = (feed: CreFeed, source: Custodian, adapterUrl = source.adapter.url) =>
  porFeedConfig({
    adapterUrl,
    adapterRequest: source.request,
    dataFeedsCacheAddress: feed.cacheAddress,
    dataId: feed.dataId,
  })

const receiverEvents = (report: ExecutionReport) =>
  report.writes.flatMap((w) => w.events.filter((e) => e.contract === 'receiver').map((e) => e.name))

describe('a shortfall through both workflows, as the issuer sees it', () => {
  // A custodian of its own: this test moves its coins.
  let spending: Custodian
  beforeAll(async () => {
    spending = await Custodian.start()
  })
  afterAll(() => spending.close())

  it('por-feed writes, skips inside its bounds, writes the drop; the reserve-guard log execution pauses the token', async () => {
    const feed = await newFeed('sBTC reserves, end to end')
    const { token, guard, target, guardAddress } = await guardedToken(admin, feed.proxyAddress)
    await allow(guard)
    const rehearsal = await Rehearsal.create({
      provider,
      deployment,
      workflows: [
        { name: 'por-feed', config: porFeed(feed, spending) },
        {
          name: 'reserve-guard',
          config: reserveGuardConfig({ guardAddress, watchedAggregators: [feed.cacheAddress] }),
        },
      ],
    })
    expect(rehearsal.nodes).toBe(4)
    expect(
      rehearsal.triggers().map(({ workflow, triggers }) => [workflow, triggers.map((t) => t.kind)]),
    ).toEqual([
      ['por-feed', ['cron']],
      ['reserve-guard', ['cron', 'log']],
    ])

    // The first answer: written, through the forwarder, as DataFeedsCache's new round.
    await spending.answers(100n * TOKEN)
    const first = await rehearsal.fireCron('por-feed')
    expect(first).toMatchObject({ workflow: 'por-feed', nodes: 4, divergentNodes: [] })
    expect(first.error).toBeUndefined()
    expect(first.output).toMatch(/^written 0x/)
    expect(first.logs).toContain('write due (first answer): the feed has no answer yet')
    expect(receiverEvents(first)).toEqual(['DecimalReportUpdated', 'NewRound', 'AnswerUpdated'])
    expect((await feed.proxy.latestRoundData())[1]).toBe(100n * TOKEN)
    const { transmitter } = localKeystone(deployment, provider)
    const tx = (await provider.getTransaction(first.writes[0].txHash!))!
    expect([tx.to, tx.from]).toEqual([deployment.forwarder, await transmitter.getAddress()])

    // The same reserve: inside the bounds, skipped, and the issuer is told why.
    const again = await rehearsal.fireCron('por-feed')
    expect(again.output).toBe('skipped: within bounds')
    expect(again.writes).toEqual([])
    expect(again.logs.join('\n')).toMatch(/no write \(within bounds\): moved 0 bps/)

    // The first report's AnswerUpdated wakes the reserve-guard workflow: backed, nothing reported.
    const woken = await rehearsal.pollLogs()
    expect(woken.map((e) => [e.workflow, e.trigger.kind, e.output])).toEqual([
      ['reserve-guard', 'log', 'backed'],
    ])

    // 90 minted against 100; then 30 leave: 70 BTC for 90 sBTC.
    await mined(token.mint(await admin.getAddress(), 90n * TOKEN))
    spending.spendFirst(30n * TOKEN)
    await spending.answers(70n * TOKEN)
    const drop = await rehearsal.fireCron('por-feed')
    expect(drop.logs.join('\n')).toContain('write due (deviation): moved 3000 bps (10000000000 → 7000000000)')
    const [pause] = await rehearsal.pollLogs()
    expect(pause.workflow).toBe('reserve-guard')
    expect(pause.error).toBeUndefined()
    expect(pause.trigger).toMatchObject({
      kind: 'log',
      txHash: drop.writes[0].txHash,
      block: drop.writes[0].block,
    })
    expect(pause.output).toMatch(/^reported 0x/)
    expect(pause.writes[0].block).toBe(drop.writes[0].block! + 1)
    expect(pause.writes[0].events.find((e) => e.name === 'AssetPaused')?.text).toBe(
      `AssetPaused(target=${target}, reason=InsufficientReserves, reserves=${70n * TOKEN}, supply=${90n * TOKEN})`,
    )
    expect(await guard.isAssetPaused(target)).toBe(true)
    // Paused: the next check finds nothing to do.
    expect((await rehearsal.fireCron('reserve-guard')).output).toBe('backed')
    await rehearsal.stop()
  }, 240_000)
})

describe('the DON: each node reads the adapter, the DON agrees on the median', () => {
  let proxy: FaultProxy
  let failing: (index: number) => boolean = () => false

  beforeAll(async () => {
    proxy = await startFaultProxy(custodian.adapter.url, (index) =>
      failing(index) ? { status: 500, body: '{"statusCode":500,"errorMessage":"down"}' } : 'forward',
    )
  })
  afterAll(() => proxy.close())

  it("one node's failed read is outvoted (f = 1 of 4); with every read failing the execution writes nothing", async () => {
    const feed = await newFeed('sBTC reserves, one node failing')
    const rehearsal = await Rehearsal.create({
      provider,
      deployment,
      workflows: [{ name: 'por-feed', config: porFeed(feed, custodian, proxy.url) }],
    })
    await custodian.answers(100n * TOKEN)
    const from = proxy.requests.length
    failing = (index) => index === from
    const outvoted = await rehearsal.fireCron('por-feed')
    expect(proxy.requests.length - from).toBe(4)
    expect(outvoted.output).toMatch(/^written /)
    expect((await feed.proxy.latestRoundData())[1]).toBe(100n * TOKEN)

    failing = () => true
    const down = await rehearsal.fireCron('por-feed')
    expect(down.error).toMatch(
      /insufficient observations \(0 of 4, f = 1\): the adapter answered HTTP 500: down/,
    )
    expect(down.writes).toEqual([])
    failing = () => false
  }, 120_000)
})

describe('what the receivers refuse, and what the gas rule keeps from happening', () => {
  /** A token 50 BTC short (90 minted, then the reserve set to 40) on a feed of its own, and its guard. */
  async function shortToken(description: string, guard?: Awaited<ReturnType<typeof guardedToken>>['guard']) {
    const feed = await adminWritableFeed(admin, deployment.forwarder, deployment.workflowOwner, description)
    await setReserve(admin, feed, 100n * TOKEN)
    const guarded = await guardedToken(admin, feed.proxyAddress, guard)
    await mined(guarded.token.mint(await admin.getAddress(), 90n * TOKEN))
    await setReserve(admin, feed, 40n * TOKEN)
    return { feed, ...guarded }
  }

  it("a report the guard refuses fails the execution with the guard's own error; the forwarder keeps it open", async () => {
    const { guard, guardAddress, target } = await shortToken('sBTC reserves, workflow not allowed')
    await mined(guard.grantRole(await guard.RECEIVER_ADMIN_ROLE(), await admin.getAddress()))
    await mined(guard.setForwarder(deployment.forwarder)) // the forwarder, but not the workflow
    const rehearsal = await Rehearsal.create({
      provider,
      deployment,
      workflows: [
        { name: 'reserve-guard', config: reserveGuardConfig({ guardAddress, watchedAggregators: [] }) },
      ],
    })
    const refused = await rehearsal.fireCron('reserve-guard')
    const id = rehearsalWorkflowId(deployment.workflowOwner, 'reserve-guard')
    const why = `WorkflowNotAllowed(workflowId=${id}, workflowOwner=${deployment.workflowOwner})`
    expect(refused.error).toBe(`report to ${guardAddress} refused: the receiver reverted: ${why}`)
    expect(refused.writes).toMatchObject([{ txStatus: 'SUCCESS', delivered: false, error: why }])
    const forwarder = keystoneForwarderAt(deployment.forwarder, provider)
    const executionId = dataSlice(
      forwarder.interface.decodeFunctionData(
        'report',
        (await provider.getTransaction(refused.writes[0].txHash!))!.data,
      )[1],
      1,
      33,
    )
    expect((await forwarder.getTransmissionInfo(guardAddress, executionId, '0x0001')).state).toBe(FAILED)
    expect(await guard.isAssetPaused(target)).toBe(false)
  }, 120_000)

  it('a report never lists more than its gas limit covers: one asset per report at reportGasLimit(1), the next execution pauses the next', async () => {
    const first = await shortToken('sBTC reserves, first of two')
    const second = await shortToken('sBTC reserves, second of two', first.guard)
    await allow(first.guard)
    const config = reserveGuardConfig({
      guardAddress: first.guardAddress,
      watchedAggregators: [],
      gasLimit: reportGasLimit(1).toString(),
      maxEntries: 1,
    })
    const rehearsal = await Rehearsal.create({
      provider,
      deployment,
      workflows: [{ name: 'reserve-guard', config }],
    })
    const one = await rehearsal.fireCron('reserve-guard')
    expect(one.error).toBeUndefined()
    expect(one.writes[0].gasLimit).toBe(reportGasLimit(1))
    expect(
      decodeGuardEntries(one.output!.replace('reported ', '') as `0x${string}`).map(entryTarget),
    ).toEqual([first.target.toLowerCase()])
    expect([
      await first.guard.isAssetPaused(first.target),
      await first.guard.isAssetPaused(second.target),
    ]).toEqual([true, false])
    const two = await rehearsal.fireCron('reserve-guard')
    expect(receiverEvents(two)).toEqual(['AssetPaused'])
    expect(await first.guard.isAssetPaused(second.target)).toBe(true)
  }, 120_000)

  it('a config the workflow refuses stops the rehearsal before any execution, with the field and the reason', async () => {
    const config = reserveGuardConfig({
      guardAddress: deployment.forwarder,
      watchedAggregators: [],
      gasLimit: '700000',
    })
    await expect(
      Rehearsal.create({ provider, deployment, workflows: [{ name: 'reserve-guard', config }] }),
    ).rejects.toThrow(
      /workflow reserve-guard: error: Config validation failed[\s\S]*"gasLimit"[\s\S]*does not cover a report of 2 entries/,
    )
  })
})
