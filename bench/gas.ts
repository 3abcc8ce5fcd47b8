/**
 * Gas of the reserve guard (`npm run bench:gas`): builds the contracts, starts its own `hardhat node`,
 * measures ReserveGuard.checkUpkeep with 1, 10 and 50 assets and performUpkeep pausing 1 and 5 assets,
 * prints a table and writes bench/results/gas.json.
 *
 * Every asset is a SecureMintToken (supply read with totalSupply()) backed by its own Chainlink
 * MockV3Aggregator, so each one costs the guard cold reads of three contracts, as on a real chain.
 * checkUpkeep is measured with eth_estimateGas (what the call needs, including the 21,000 base cost);
 * performUpkeep is a mined transaction from the forwarder (gasUsed, base cost included).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  AbiCoder,
  Contract,
  JsonRpcProvider,
  Network,
  NonceManager,
  Wallet,
  id,
  parseEther,
  type Signer,
} from 'ethers'
import { deploy } from '#chain/artifacts'
import { startHardhatNode, type RunningChain } from '#devkit/local-chain'

const MOCK_V3_AGGREGATOR = '@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol:MockV3Aggregator'
const TOKEN = 10n ** 8n
const CHECK_SIZES = [1, 10, 50] as const
const PERFORM_SIZES = [1, 5] as const
const OPERATIONS_ALL = 7n

/** Targets the README sets against Aave's PoR keeper (about 500,000 gas to act on six assets). */
const TARGETS = { perAssetPaused: 50_000n, check50: 1_500_000n, checkLimit: 5_000_000n }

interface Asset {
  feed: Contract
  token: Contract
  target: string
}

interface Results {
  checkUpkeep: Record<string, number>
  performUpkeep: Record<string, number>
  /** checkUpkeep when every asset is short and unpaused: each one also costs a pause-state read. */
  checkUpkeepAllShort: Record<string, number>
}

function build(): void {
  const cli = resolve('node_modules/hardhat/dist/src/cli.js')
  const result = spawnSync(process.execPath, [cli, 'build', '--quiet'], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`hardhat build failed with ${result.status}`)
}

async function fundedSigner(provider: JsonRpcProvider): Promise<Signer> {
  const wallet = Wallet.createRandom().connect(provider)
  await provider.send('hardhat_setBalance', [wallet.address, '0x' + parseEther('1000').toString(16)])
  return new NonceManager(wallet)
}

async function send(tx: Promise<{ wait: () => Promise<unknown> }>): Promise<void> {
  await (await tx).wait()
}

/** A guard protecting `count` assets, every one backed 1:1. */
async function guardWith(admin: Signer, forwarder: string, count: number) {
  const adminAddress = await admin.getAddress()
  const guard = await deploy<Contract>(admin, 'ReserveGuard', adminAddress)
  await send(guard.grantRole(id('FORWARDER_ROLE'), forwarder))
  const assets: Asset[] = []
  for (let i = 0; i < count; i++) {
    const feed = await deploy<Contract>(admin, MOCK_V3_AGGREGATOR, 8, 1_000n * TOKEN)
    const token = await deploy<Contract>(
      admin,
      'SecureMintToken',
      `Asset ${i}`,
      `A${i}`,
      adminAddress,
      await feed.getAddress(),
      86_400,
      0,
    )
    await send(token.grantRole(id('MINTER_ROLE'), adminAddress))
    await send(token.grantRole(id('PAUSER_ROLE'), await guard.getAddress()))
    await send(token.mint(adminAddress, 1_000n * TOKEN))
    const target = await token.getAddress()
    await send(
      guard.addAsset(target, {
        reserveFeed: await feed.getAddress(),
        supplyKind: 0n,
        supplySource: target,
        heartbeat: 86_400,
        stalePolicy: 0n,
        marginBps: 0,
        pauseMode: 0n,
        operations: OPERATIONS_ALL,
      }),
    )
    assets.push({ feed, token, target })
  }
  return { guard, assets }
}

async function estimateCheck(guard: Contract): Promise<number> {
  return Number(await guard.checkUpkeep.estimateGas('0x'))
}

async function main(): Promise<void> {
  build()
  let chain: RunningChain | undefined
  try {
    chain = await startHardhatNode('localA', 31337)
    const provider = new JsonRpcProvider(chain.url, Network.from(31337), {
      staticNetwork: true,
      cacheTimeout: -1,
      batchMaxCount: 1,
    })
    provider.pollingInterval = 20
    const admin = await fundedSigner(provider)
    const forwarderSigner = await fundedSigner(provider)
    const forwarder = await forwarderSigner.getAddress()
    const results: Results = { checkUpkeep: {}, performUpkeep: {}, checkUpkeepAllShort: {} }

    for (const size of CHECK_SIZES) {
      const { guard, assets } = await guardWith(admin, forwarder, size)
      const [needed] = (await guard.checkUpkeep('0x')) as [boolean, string]
      if (needed) throw new Error('a healthy registry asks for upkeep')
      results.checkUpkeep[size] = await estimateCheck(guard)
      // Worst case for the check limit: every asset short and not yet paused.
      for (const asset of assets) await send(asset.feed.updateAnswer(1n))
      const [allShort, performData] = (await guard.checkUpkeep('0x')) as [boolean, string]
      const listed = AbiCoder.defaultAbiCoder().decode(['uint256[]'], performData)[0] as bigint[]
      if (!allShort || listed.length !== size)
        throw new Error(`expected ${size} short assets, got ${listed.length}`)
      results.checkUpkeepAllShort[size] = await estimateCheck(guard)
      process.stdout.write(`measured checkUpkeep with ${size} asset(s)\n`)

      if (size === 50) {
        // Fresh short assets for each perform measurement: storage is cold at the start of each transaction.
        let next = 0
        for (const count of PERFORM_SIZES) {
          // The entries checkUpkeep would return: target | index << 160.
          const entries = assets
            .slice(next, next + count)
            .map((a, i) => BigInt(a.target) | (BigInt(next + i) << 160n))
          next += count
          const data = AbiCoder.defaultAbiCoder().encode(['uint256[]'], [entries])
          // A fixed gas limit, as Automation uses (an estimate would find the least gas that succeeds).
          const tx = await (guard.connect(forwarderSigner) as Contract).performUpkeep(data, {
            gasLimit: 3_000_000,
          })
          const receipt = await tx.wait()
          const paused = receipt.logs.filter(
            (log: { address: string }) => log.address.toLowerCase() === String(guard.target).toLowerCase(),
          ).length
          if (paused !== count) throw new Error(`performUpkeep paused ${paused} assets, expected ${count}`)
          results.performUpkeep[count] = Number(receipt.gasUsed)
        }
      }
    }
    provider.destroy()

    mkdirSync('bench/results', { recursive: true })
    writeFileSync('bench/results/gas.json', JSON.stringify(results, null, 2) + '\n')
    process.stdout.write('\n' + table(results) + '\nwrote bench/results/gas.json\n')
  } finally {
    chain?.process.kill('SIGTERM')
  }
}

const fmt = (n: number | bigint): string => Number(n).toLocaleString('en-US')

const BASE = 21_000
const perAsset = (gas: number, size: number): string => fmt(Math.round(gas / size))
const perAssetExecution = (gas: number, size: number): string => fmt(Math.round((gas - BASE) / size))

/**
 * A Markdown table of the figures, with the targets they are held to. "Beyond the base" leaves out the
 * 21,000 gas every transaction (and every eth_estimateGas) pays whatever the contract does.
 */
function table(r: Results): string {
  const rows: string[][] = [['measurement', 'gas', 'per asset', 'per asset beyond the 21,000 base', 'target']]
  const plural = (n: number) => (n > 1 ? 's' : '')
  for (const size of CHECK_SIZES) {
    const gas = r.checkUpkeep[size]
    rows.push([
      `checkUpkeep, ${size} asset${plural(size)}, all backed`,
      fmt(gas),
      perAsset(gas, size),
      perAssetExecution(gas, size),
      size === 50 ? `50 assets < ${fmt(TARGETS.check50)}` : '',
    ])
  }
  for (const size of CHECK_SIZES) {
    const gas = r.checkUpkeepAllShort[size]
    rows.push([
      `checkUpkeep, ${size} asset${plural(size)}, all short`,
      fmt(gas),
      perAsset(gas, size),
      perAssetExecution(gas, size),
      size === 50 ? `< ${fmt(TARGETS.checkLimit)} (check limit)` : '',
    ])
  }
  for (const size of PERFORM_SIZES) {
    const gas = r.performUpkeep[size]
    rows.push([
      `performUpkeep, pausing ${size} asset${plural(size)}`,
      fmt(gas),
      perAsset(gas, size),
      perAssetExecution(gas, size),
      `≤ ${fmt(TARGETS.perAssetPaused)} per asset paused`,
    ])
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n')
}

await main()
