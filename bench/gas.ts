/**
 * Gas of the reserve guard (`npm run bench:gas`, which builds the contracts first): starts its own
 * `hardhat node`, measures ReserveGuard.checkUpkeep with 1, 10, 50 and 64 assets and performUpkeep pausing
 * 1 and 5 assets, prints the tables `npm run docs` puts in the README (devkit/docs.ts, with the ceilings
 * they are held to) and writes bench/results/gas.json.
 *
 * Every asset is a SecureMintToken (supply read with totalSupply()) backed by its own Chainlink
 * MockV3Aggregator, measured in two feed set-ups: the aggregator read directly (each asset costs the
 * guard cold reads of three contracts), and the aggregator behind Chainlink's own EACAggregatorProxy,
 * the way every Data Feed, PoR feeds included, is read on a real chain (a fourth cold contract).
 * checkUpkeep is measured with eth_estimateGas (what the call needs, including the 21,000 base cost);
 * performUpkeep is a mined transaction from the forwarder (gasUsed, base cost included). The ceilings:
 * checkUpkeep for 64 assets at most 3,000,000 gas (Automation's check limit is 5,000,000), performUpkeep
 * pausing one asset at most 150,000, the base included.
 *
 * The CRE path (set-up `cre`): every asset's reserve is a feed of one Chainlink DataFeedsCache, read through its
 * own EACAggregatorProxy and written by the por-feed workflow's report through Chainlink's KeystoneForwarder
 * (a local DON of 4, 2 signatures); the guard takes the reserve-guard workflow's reports through the same
 * forwarder. Measured there: a por-feed write (a new round of one feed: the whole report transaction), the
 * guard's onReport pausing 1 and 5 assets (the whole report transaction, sent with the reserve-guard
 * workflow's gas limit for that many entries, `reportGasLimit`), and performUpkeep pausing as many, on the
 * same feeds, for comparison.
 *
 * bench/results/gas.json: `checkUpkeep`, `performUpkeep`, `checkUpkeepAllShort` for the direct set-up at
 * the top level, the same three under `proxy` for the proxy set-up, and `dataFeedsCacheWrite`, `onReport`,
 * `performUpkeep` under `cre` (the set-up layout devkit/docs.ts renders, one table per set-up); each maps a
 * size to gas.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { ZeroAddress, id, type Signer } from 'ethers'
import {
  deployEACAggregatorProxy,
  deployMockV3Aggregator,
  deployReserveGuard,
  deploySecureMintToken,
  type DataFeedsCache,
  type MockV3Aggregator,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import { eventsNamed, mined } from '#chain/events'
import {
  MarginMode,
  Role,
  assetConfig,
  decodePerformData,
  encodeCheckData,
  encodePerformData,
} from '#chain/types'
import { deployCreFeed, onChainWorkflowName, type CreFeed } from '#devkit/data-feeds'
import { gasPart } from '#devkit/docs'
import { deliver, deployLocalKeystone, signedReport, type LocalKeystone } from '#devkit/keystone'
import {
  LOCAL_CHAINS,
  chainProvider,
  fundedSigner,
  startHardhatNode,
  type RunningChain,
} from '#devkit/local-chain'
import { encodeDecimalReports } from '#workflows/por-feed/report'
import { reportGasLimit } from '#workflows/reserve-guard/gas'

const TOKEN = 10n ** 8n
const CHECK_SIZES = [1, 10, 50, 64] as const
const PERFORM_SIZES = [1, 5] as const
/** The registry the performs are measured on: the largest, whose assets are each paused once. */
const PERFORM_REGISTRY = 64
/** The CRE set-up's workflows: their IDs and the por-feed workflow's name. */
const GUARD_WORKFLOW = id('reserve-guard workflow')
const POR_WORKFLOW = id('por-feed workflow')
const POR_WORKFLOW_NAME = 'por-feed'

interface Asset {
  feed: MockV3Aggregator
  token: SecureMintToken
  target: string
}

/** How the guard reads each asset's feed. */
type FeedSetup = 'direct' | 'proxy'
const SETUPS: readonly FeedSetup[] = ['direct', 'proxy']

/** The figures of one feed set-up, by number of assets. */
interface Figures {
  checkUpkeep: Record<string, number>
  performUpkeep: Record<string, number>
  /** checkUpkeep when every asset is short and unpaused: each one also costs a pause-state read. */
  checkUpkeepAllShort: Record<string, number>
}

/**
 * Asset `i`: a SecureMintToken on `reserveFeed` (no margin), 1,000 tokens minted against its 1,000 of reserves,
 * the guard its pauser and protecting it.
 */
async function guardedToken(admin: Signer, guard: ReserveGuard, i: number, reserveFeed: string) {
  const adminAddress = await admin.getAddress()
  const token = await deploySecureMintToken(
    admin,
    `Asset ${i}`,
    `A${i}`,
    adminAddress,
    0,
    reserveFeed,
    86_400,
    MarginMode.None,
    0n,
  )
  await mined(token.grantRole(Role.MINTER, adminAddress))
  await mined(token.grantRole(Role.PAUSER, guard))
  await mined(token.mint(adminAddress, 1_000n * TOKEN))
  const target = await token.getAddress()
  await mined(guard.addAsset(target, assetConfig({ reserveFeed, supplySource: target })))
  return { token, target }
}

/** A guard protecting `count` assets, every one backed 1:1. */
async function guardWith(admin: Signer, forwarder: string, count: number, setup: FeedSetup) {
  const adminAddress = await admin.getAddress()
  const guard = await deployReserveGuard(admin, adminAddress, 0)
  await mined(guard.grantRole(Role.FORWARDER, forwarder))
  const assets: Asset[] = []
  for (let i = 0; i < count; i++) {
    const feed = await deployMockV3Aggregator(admin, 8, 1_000n * TOKEN)
    // A proxy without an access controller, as Data Feeds are deployed (reads are open).
    const reserveFeed =
      setup === 'proxy'
        ? await (await deployEACAggregatorProxy(admin, feed, ZeroAddress)).getAddress()
        : await feed.getAddress()
    const { token, target } = await guardedToken(admin, guard, i, reserveFeed)
    assets.push({ feed, token, target })
  }
  return { guard, assets }
}

async function estimateCheck(guard: ReserveGuard, checkData = '0x'): Promise<number> {
  return Number(await guard.checkUpkeep.estimateGas(checkData))
}

async function main(): Promise<void> {
  const { network, chainId } = LOCAL_CHAINS[0]
  let chain: RunningChain | undefined
  try {
    chain = await startHardhatNode(network, chainId)
    const provider = chainProvider(chain.url, chainId)
    const admin = await fundedSigner(provider)
    const forwarderSigner = await fundedSigner(provider)
    const forwarder = await forwarderSigner.getAddress()
    const figures = {} as Record<FeedSetup, Figures>
    for (const setup of SETUPS) {
      figures[setup] = await measure(admin, forwarderSigner, forwarder, setup)
    }
    const cre = await measureCre(admin, forwarderSigner)
    provider.destroy()

    // The direct set-up's measurements at the top level, every other set-up's under its name.
    const results: Record<string, unknown> = { ...figures.direct }
    for (const setup of SETUPS) if (setup !== 'direct') results[setup] = figures[setup]
    results.cre = cre

    mkdirSync('bench/results', { recursive: true })
    writeFileSync('bench/results/gas.json', JSON.stringify(results, null, 2) + '\n')
    process.stdout.write(`\n${gasPart(results)}\n`)
    process.stdout.write('\nwrote bench/results/gas.json\n')
  } finally {
    chain?.process.kill('SIGTERM')
  }
}

/** Every figure of one feed set-up, each on fresh contracts. */
async function measure(
  admin: Signer,
  forwarderSigner: Signer,
  forwarder: string,
  setup: FeedSetup,
): Promise<Figures> {
  const results: Figures = { checkUpkeep: {}, performUpkeep: {}, checkUpkeepAllShort: {} }

  for (const size of CHECK_SIZES) {
    const { guard, assets } = await guardWith(admin, forwarder, size, setup)
    // The costliest check lists every asset short and not paused, so it reads every asset and the pause
    // state of each: checkData asks for the most entries a check may return, MAX_ENTRIES (60: the default
    // bound would stop at 16). With 64 assets it stops at the 60th.
    const maxEntries = await guard.MAX_ENTRIES()
    const fullScan = encodeCheckData(maxEntries)
    const [needed] = (await guard.checkUpkeep('0x')) as [boolean, string]
    if (needed) throw new Error('a healthy registry asks for upkeep')
    results.checkUpkeep[size] = await estimateCheck(guard)
    // Worst case for the check limit: every asset short and not yet paused.
    for (const asset of assets) await mined(asset.feed.updateAnswer(1n))
    const [allShort, performData] = (await guard.checkUpkeep(fullScan)) as [boolean, string]
    const listed = decodePerformData(performData)
    const expected = Math.min(size, Number(maxEntries))
    if (!allShort || listed.length !== expected)
      throw new Error(`expected ${expected} short assets listed, got ${listed.length}`)
    results.checkUpkeepAllShort[size] = await estimateCheck(guard, fullScan)
    process.stdout.write(`${setup}: measured checkUpkeep with ${size} asset(s)\n`)

    if (size === PERFORM_REGISTRY) {
      // Fresh short assets for each perform measurement: storage is cold at the start of each transaction.
      let next = 0
      for (const count of PERFORM_SIZES) {
        // The entries checkUpkeep would return.
        const entries = assets
          .slice(next, next + count)
          .map((a, i) => ({ target: a.target, index: BigInt(next + i) }))
        next += count
        // A fixed gas limit, as Automation uses (an estimate would find the least gas that succeeds).
        const receipt = await mined(
          guard.connect(forwarderSigner).performUpkeep(encodePerformData(entries), { gasLimit: 3_000_000 }),
        )
        const paused = eventsNamed(receipt, guard, 'AssetPaused').length
        if (paused !== count) throw new Error(`performUpkeep paused ${paused} assets, expected ${count}`)
        results.performUpkeep[count] = Number(receipt.gasUsed)
      }
    }
  }
  return results
}

await main()

/** The CRE set-up's figures (see the file's comment). */
interface CreFigures {
  dataFeedsCacheWrite: Record<string, number>
  onReport: Record<string, number>
  performUpkeep: Record<string, number>
}

/** The por-feed workflow's report of `answer` for each feed, through the forwarder; the transaction's gas. */
async function writeReserves(
  keystone: LocalKeystone,
  transmitter: Signer,
  workflowOwner: string,
  feeds: CreFeed[],
  answer: bigint,
): Promise<number> {
  const provider = transmitter.provider!
  // A reading dated the latest block: newer than the answer each feed holds (a block per transaction).
  const timestamp = BigInt((await provider.getBlock('latest'))!.timestamp)
  const payload = encodeDecimalReports(feeds.map((feed) => ({ dataId: feed.dataId, timestamp, answer })))
  const origin = {
    workflowId: POR_WORKFLOW,
    workflowOwner,
    workflowName: onChainWorkflowName(POR_WORKFLOW_NAME),
  }
  const call = signedReport(keystone, feeds[0].cacheAddress, origin, payload)
  const { delivered, receipt } = await deliver(keystone, transmitter, call)
  if (!delivered) throw new Error('the cache refused the por-feed report')
  return Number(receipt.gasUsed)
}

async function measureCre(admin: Signer, transmitter: Signer): Promise<CreFigures> {
  const adminAddress = await admin.getAddress()
  const keystone = await deployLocalKeystone(admin)
  const writers = [
    { forwarder: keystone.address, workflowOwner: adminAddress, workflowName: POR_WORKFLOW_NAME },
  ]
  const guard = await deployReserveGuard(admin, adminAddress, 0)
  await mined(guard.grantRole(Role.FORWARDER, await transmitter.getAddress()))
  await mined(guard.grantRole(Role.RECEIVER_ADMIN, adminAddress))
  await mined(guard.setForwarder(keystone.address))
  await mined(guard.allowWorkflow(GUARD_WORKFLOW, adminAddress))

  // One cache, a feed (data id and proxy) per asset: onReport 1 and 5, then performUpkeep 1 and 5.
  const sizes = [...PERFORM_SIZES, ...PERFORM_SIZES]
  const total = sizes.reduce((sum, n) => sum + n, 0)
  const feeds: CreFeed[] = []
  const targets: string[] = []
  let cache: DataFeedsCache | undefined
  for (let i = 0; i < total; i++) {
    const feed = await deployCreFeed(admin, {
      decimals: 8,
      description: `Asset ${i} reserves`,
      writers,
      cache,
    })
    cache = feed.cache
    feeds.push(feed)
  }
  await writeReserves(keystone, transmitter, adminAddress, feeds, 1_000n * TOKEN)
  for (const [i, feed] of feeds.entries()) {
    targets.push((await guardedToken(admin, guard, i, feed.proxyAddress)).target)
  }

  // A por-feed write: a new round of one feed that has an answer, the workflow's usual write.
  const results: CreFigures = { dataFeedsCacheWrite: {}, onReport: {}, performUpkeep: {} }
  results.dataFeedsCacheWrite[1] = await writeReserves(
    keystone,
    transmitter,
    adminAddress,
    feeds.slice(0, 1),
    1_001n * TOKEN,
  )

  // Every asset short (one report), then each measurement pauses fresh assets.
  await writeReserves(keystone, transmitter, adminAddress, feeds, 1n)
  let next = 0
  for (const [i, count] of sizes.entries()) {
    const entries = targets
      .slice(next, next + count)
      .map((target, k) => ({ target, index: BigInt(next + k) }))
    next += count
    const performData = encodePerformData(entries)
    let receipt
    if (i < PERFORM_SIZES.length) {
      const call = signedReport(
        keystone,
        await guard.getAddress(),
        { workflowId: GUARD_WORKFLOW, workflowOwner: adminAddress },
        performData,
      )
      const delivery = await deliver(keystone, transmitter, call, { gasLimit: Number(reportGasLimit(count)) })
      if (!delivery.delivered) throw new Error(`the guard refused a report of ${count} entries`)
      receipt = delivery.receipt
      results.onReport[count] = Number(receipt.gasUsed)
    } else {
      receipt = await mined(guard.connect(transmitter).performUpkeep(performData, { gasLimit: 3_000_000 }))
      results.performUpkeep[count] = Number(receipt.gasUsed)
    }
    const paused = eventsNamed(receipt, guard, 'AssetPaused').length
    if (paused !== count) throw new Error(`paused ${paused} assets, expected ${count}`)
  }
  process.stdout.write('cre: measured the por-feed write, onReport and performUpkeep\n')
  return results
}
