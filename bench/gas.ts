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
 * bench/results/gas.json: `checkUpkeep`, `performUpkeep`, `checkUpkeepAllShort` for the direct set-up at
 * the top level, and the same three under `proxy` for the proxy set-up (the set-up layout devkit/docs.ts
 * renders, one table per set-up); each maps a size to gas.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { ZeroAddress, type Signer } from 'ethers'
import {
  deployEACAggregatorProxy,
  deployMockV3Aggregator,
  deployReserveGuard,
  deploySecureMintToken,
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
import { gasPart } from '#devkit/docs'
import {
  LOCAL_CHAINS,
  chainProvider,
  fundedSigner,
  startHardhatNode,
  type RunningChain,
} from '#devkit/local-chain'

const TOKEN = 10n ** 8n
const CHECK_SIZES = [1, 10, 50, 64] as const
const PERFORM_SIZES = [1, 5] as const
/** The registry the performs are measured on: the largest, whose assets are each paused once. */
const PERFORM_REGISTRY = 64

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
    provider.destroy()

    // The direct set-up's measurements at the top level, every other set-up's under its name.
    const results: Record<string, unknown> = { ...figures.direct }
    for (const setup of SETUPS) if (setup !== 'direct') results[setup] = figures[setup]

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
