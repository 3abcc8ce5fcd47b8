/**
 * A shortfall through the CRE path, end to end on the local chain, every hop a real contract: the por-feed
 * workflow's report (its own encoder) lowers the reserve in Chainlink's DataFeedsCache, read through its
 * EACAggregatorProxy as the reserve feed of both the SecureMintToken and the ReserveGuard; the cache's
 * `AnswerUpdated` wakes the guard's log trigger; the reserve-guard workflow's report (its own payload builder,
 * over the guard's checkUpkeep performData, as the workflow does) pauses the token; a further mint reverts.
 * Both reports are signed by the local DON and delivered by Chainlink's KeystoneForwarder 1.5.0.
 */
import { Wallet, id, type JsonRpcProvider, type Signer } from 'ethers'
import type { SecureMintToken } from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import { Operation, Reason, Role, Verdict, assetConfig, toResult } from '#chain/types'
import { deliver, deployLocalKeystone, signedReport, type LocalKeystone } from '#devkit/keystone'
import { deployCreFeed, onChainWorkflowName, type CreFeed } from '#devkit/data-feeds'
import { localProvider } from '#devkit/local-chain'
import { encodeDecimalReports } from '#workflows/por-feed/report'
import { decodeGuardEntries, entryTarget, guardReportPayload } from '#workflows/reserve-guard/report'
import { HEARTBEAT, TOKEN, actors, deployGuard, logStruct, type Actors, type Guard } from './guard-fixture'
import { deployToken, latestTimestamp, revertOf } from './helpers'

const DECIMALS = 8
const WORKFLOW_OWNER = Wallet.createRandom().address
const POR_WORKFLOW = id('por-feed workflow')
const POR_WORKFLOW_NAME = 'por-feed'
const GUARD_WORKFLOW = id('reserve-guard workflow')

let provider: JsonRpcProvider
let a: Actors
let admin: Signer
let adminAddress: string
let keystone: LocalKeystone
let feed: CreFeed
/** What readers are configured with: the proxy. */
let feedAddress: string
let token: SecureMintToken
let target: string
let g: Guard

/** The por-feed workflow's report of `answer`, as of the latest block, through the forwarder to the cache. */
async function reportReserves(answer: bigint) {
  const observedAt = await latestTimestamp(provider)
  const payload = encodeDecimalReports([{ dataId: feed.dataId, timestamp: observedAt, answer }])
  const call = signedReport(
    keystone,
    feed.cacheAddress,
    {
      workflowId: POR_WORKFLOW,
      workflowOwner: WORKFLOW_OWNER,
      workflowName: onChainWorkflowName(POR_WORKFLOW_NAME),
    },
    payload,
  )
  return { observedAt, ...(await deliver(keystone, a.forwarder, call)) }
}

beforeAll(async () => {
  provider = localProvider()
  a = await actors(provider)
  ;({ admin, adminAddress } = a)
  keystone = await deployLocalKeystone(admin)

  // The reserve: a feed of Chainlink's DataFeedsCache written by the por-feed workflow, read through its proxy.
  feed = await deployCreFeed(admin, {
    decimals: DECIMALS,
    description: 'sBTC reserves (CRE)',
    writers: [
      { forwarder: keystone.address, workflowOwner: WORKFLOW_OWNER, workflowName: POR_WORKFLOW_NAME },
    ],
  })
  feedAddress = feed.proxyAddress
  expect((await reportReserves(100n * TOKEN)).delivered).toBe(true)

  // The token mints against it.
  token = await deployToken(admin, adminAddress, feedAddress, Number(HEARTBEAT))
  target = await token.getAddress()
  await mined(token.grantRole(Role.MINTER, adminAddress))
  await mined(token.mint(adminAddress, 100n * TOKEN))

  // The guard protects the token on the same feed, and takes the reserve-guard workflow's reports.
  g = await deployGuard(a)
  await mined(token.grantRole(Role.PAUSER, g.address))
  await mined(
    g.guard.addAsset(
      target,
      assetConfig({ reserveFeed: feedAddress, supplySource: target, heartbeat: Number(HEARTBEAT) }),
    ),
  )
  await mined(g.guard.grantRole(Role.RECEIVER_ADMIN, adminAddress))
  await mined(g.guard.setForwarder(keystone.address))
  await mined(g.guard.allowWorkflow(GUARD_WORKFLOW, WORKFLOW_OWNER))
})

afterAll(() => provider.destroy())

it('a PoR report lowers the reserve, the guard workflow’s report pauses the token, a further mint reverts', async () => {
  // Backed: the guard asks for nothing, so the workflow writes nothing.
  expect((await g.guard.checkUpkeep('0x'))[0]).toBe(false)
  expect(toResult(await token.reserveStatus(0n)).verdict).toBe(Verdict.Backed)

  // The por-feed workflow reports 60 BTC against a supply of 100.
  const { delivered, receipt, observedAt } = await reportReserves(60n * TOKEN)
  expect(delivered).toBe(true)
  const [updated] = eventsNamed(receipt, feed.cache, 'AnswerUpdated')
  expect(updated.current).toBe(60n * TOKEN)
  expect((await feed.proxy.latestRoundData())[3]).toBe(observedAt)
  // What wakes the reserve-guard workflow's log trigger (and the guard's log upkeep): the cache's AnswerUpdated,
  // emitted by the cache (the proxy's aggregator), as an aggregator emits it behind any Data Feed's proxy.
  const topic = await g.guard.ANSWER_UPDATED_TOPIC()
  const logIndex = receipt.logs.findIndex((l) => l.address === feed.cacheAddress && l.topics[0] === topic)
  expect(logIndex).toBeGreaterThanOrEqual(0)
  expect(await feed.proxy.aggregator()).toBe(feed.cacheAddress)
  const [logUpkeepNeeded] = await g.guard.checkLog(await logStruct(provider, receipt, logIndex), '0x')
  expect(logUpkeepNeeded).toBe(true)
  // Token and guard read the CRE-written reserve as a Data Feed.
  for (const status of [
    toResult(await token.reserveStatus(0n)),
    toResult(await g.guard.assetStatus(target)),
  ]) {
    expect([status.verdict, status.reason, status.reserves, status.supply]).toEqual([
      Verdict.Short,
      Reason.InsufficientReserves,
      60n * TOKEN,
      100n * TOKEN,
    ])
  }

  // The reserve-guard workflow: the guard's own checkUpkeep, its performData as the report payload.
  const [upkeepNeeded, performData] = (await g.guard.checkUpkeep('0x')) as [boolean, string]
  expect(upkeepNeeded).toBe(true)
  const payload = guardReportPayload(performData as `0x${string}`)
  expect(decodeGuardEntries(payload).map(entryTarget)).toEqual([target.toLowerCase()])
  const call = signedReport(
    keystone,
    g.address,
    { workflowId: GUARD_WORKFLOW, workflowOwner: WORKFLOW_OWNER },
    payload,
  )
  const guardDelivery = await deliver(keystone, a.forwarder, call)
  expect(guardDelivery.delivered).toBe(true)
  const [paused, ...more] = eventsNamed(guardDelivery.receipt, g.guard, 'AssetPaused')
  expect(more).toEqual([])
  expect([paused.target, paused.reason, paused.reserves, paused.supply]).toEqual([
    target,
    Reason.InsufficientReserves,
    60n * TOKEN,
    100n * TOKEN,
  ])
  expect(await g.guard.isAssetPaused(target)).toBe(true)
  expect((await token.pausedOperations()) & Operation.Mint).toBe(Operation.Mint)

  // A further mint reverts: paused, before the reserve is even looked at.
  expect(await revertOf(token.mint.staticCall(adminAddress, 1n), token, 'OperationPaused')).toEqual([
    Operation.Mint,
  ])
  // And the guard asks for nothing more: the workflow writes no second report.
  expect((await g.guard.checkUpkeep('0x'))[0]).toBe(false)
})
