/**
 * The dashboard on the CRE path, every hop a real contract on the local chain: a reserve feed in Chainlink's
 * DataFeedsCache behind its proxy, written by the por-feed workflow's reports, and the guard taking the
 * reserve-guard workflow's reports, both signed by a local DON and delivered by Chainlink's KeystoneForwarder.
 * The dashboard lists both receivers with their workflows and last reports, charts the cache's rounds, and says
 * the pause came from a CRE report.
 */
import { Wallet, id, type JsonRpcProvider, type Signer } from 'ethers'
import { deploySecureMintToken, type SecureMintToken } from '#chain/contracts'
import { mined } from '#chain/events'
import { NO_MARGIN, Role } from '#chain/types'
import { deployCreFeed, onChainWorkflowName, type CreFeed } from '#devkit/data-feeds'
import { deliver, deployLocalKeystone, signedReport, type LocalKeystone } from '#devkit/keystone'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { encodeDecimalReports } from '#workflows/por-feed/report'
import { guardReportPayload } from '#workflows/reserve-guard/report'
import { ADMIN_DELAY_SECONDS, deployGuard, protectToken, type ReserveGuard } from '../../demo/guard'
import { Dashboard } from '../dashboard'
import type { Snapshot } from '../snapshot'

const UNIT = 10n ** 8n
const HEARTBEAT = 86_400
const OWNER = Wallet.createRandom().address
const POR_WORKFLOW = id('por-feed workflow')
const GUARD_WORKFLOW = id('reserve-guard workflow')

let provider: JsonRpcProvider
let admin: Signer
let transmitter: Signer
let keystone: LocalKeystone
let feed: CreFeed
let token: SecureMintToken
let guard: ReserveGuard
let snapshot: Snapshot
const written: number[] = []

async function reportReserves(answer: bigint): Promise<void> {
  const timestamp = (await provider.getBlock('latest'))!.timestamp
  const payload = encodeDecimalReports([{ dataId: feed.dataId, timestamp: BigInt(timestamp), answer }])
  const origin = {
    workflowId: POR_WORKFLOW,
    workflowOwner: OWNER,
    workflowName: onChainWorkflowName('por-feed'),
  }
  const { delivered, receipt } = await deliver(
    keystone,
    transmitter,
    signedReport(keystone, feed.cacheAddress, origin, payload),
  )
  expect(delivered).toBe(true)
  written.push(receipt.blockNumber)
}

beforeAll(async () => {
  provider = localProvider()
  admin = await fundedSigner(provider)
  transmitter = await fundedSigner(provider)
  const fromBlock = await provider.getBlockNumber()
  keystone = await deployLocalKeystone(admin)
  feed = await deployCreFeed(admin, {
    decimals: 8,
    description: 'USDX reserves (CRE)',
    writers: [{ forwarder: keystone.address, workflowOwner: OWNER, workflowName: 'por-feed' }],
  })
  await reportReserves(100n * UNIT)
  const adminAddress = await admin.getAddress()
  token = await deploySecureMintToken(
    admin,
    'USDX',
    'USDX',
    adminAddress,
    ADMIN_DELAY_SECONDS,
    feed.proxyAddress,
    HEARTBEAT,
    NO_MARGIN.marginMode,
    NO_MARGIN.marginAmount,
  )
  await mined(token.grantRole(Role.MINTER, adminAddress))
  await mined(token.mint(adminAddress, 90n * UNIT))
  ;({ guard } = await deployGuard(admin))
  await protectToken(guard, token, feed.proxyAddress, { heartbeat: HEARTBEAT, ...NO_MARGIN })
  await mined(guard.grantRole(Role.RECEIVER_ADMIN, adminAddress))
  await mined(guard.setForwarder(keystone.address))
  await mined(guard.allowWorkflow(GUARD_WORKFLOW, OWNER))

  await reportReserves(60n * UNIT) // short: 60 USD for 90 USDX
  const [, performData] = (await guard.checkUpkeep('0x')) as [boolean, string]
  const payload = guardReportPayload(performData as `0x${string}`)
  const call = signedReport(
    keystone,
    String(guard.target),
    { workflowId: GUARD_WORKFLOW, workflowOwner: OWNER },
    payload,
  )
  expect((await deliver(keystone, transmitter, call)).delivered).toBe(true)

  const dashboard = new Dashboard({
    provider,
    chainId: 31337,
    networkName: 'local',
    settings: {
      guard: String(guard.target),
      pollMs: 1_000,
      fromBlock,
      adapters: [],
      historyPoints: 500,
      logRange: 10_000,
    },
  })
  await dashboard.poll()
  snapshot = dashboard.snapshot!
})

afterAll(() => provider.destroy())

it('lists the guard as a receiver: its forwarder, its allowed workflow, the report it took', () => {
  const [receiver] = snapshot.receivers
  expect(receiver).toMatchObject({
    address: String(guard.target),
    forwarder: keystone.address,
    workflows: [`${GUARD_WORKFLOW}@${OWNER}`],
  })
  expect(receiver.lastReports.map((r) => r.outcome)).toEqual(['taken'])
})

it("lists the feed's DataFeedsCache as a receiver: the workflow allowed to write it, the reports it wrote", () => {
  const cache = snapshot.receivers[1]
  expect(cache.address).toBe(feed.cacheAddress)
  expect(cache.workflows).toEqual([
    `${Buffer.from(onChainWorkflowName('por-feed').slice(2), 'hex').toString()}@${OWNER} via ${keystone.address}`,
  ])
  expect(cache.lastReports.map((r) => [r.outcome, r.block, r.detail.split(',')[0]])).toEqual([
    ['written', written[1], 'answer 60'],
    ['written', written[0], 'answer 100'],
  ])
})

it("charts the cache's rounds, and says the pause came from a CRE report", () => {
  const [asset] = snapshot.assets
  // The first round was written before the token existed: no supply then, no point.
  expect(asset.history.map((p) => [p.block, p.reserves.text, p.supply.text, p.verdict])).toEqual([
    [written[1], '60', '90', 'short'],
  ])
  expect(asset.historyNote).toBeUndefined()
  expect(asset).toMatchObject({ verdict: 'short', paused: true, reason: 'InsufficientReserves' })
  expect(snapshot.pauses).toMatchObject([
    {
      event: 'AssetPaused',
      who: "a CRE workflow's report (KeystoneForwarder)",
      whoAddress: keystone.address,
      why: 'InsufficientReserves: reserves 60, supply 90',
    },
  ])
})
