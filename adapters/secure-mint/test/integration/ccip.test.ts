import {
  AbiCoder,
  Contract,
  Wallet,
  ZeroAddress,
  type InterfaceAbi,
  type JsonRpcProvider,
  type NonceManager,
} from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { deploy, readArtifact } from '#chain/artifacts'
import { ARTIFACT } from '#chain/contracts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'
import { askAdapter, custodyReserve } from './answer'

/**
 * CCIP transfers in flight, counted as Chainlink's secure-mint adapter counts them (supply + CCIP burns − CCIP
 * mints), read from CCIP's own contracts (`@chainlink/contracts-ccip` 2.0.0): on each local chain a
 * CrossChainToken, its BurnMintTokenPool, and the Router and RMN (behind RMNProxy) the pool checks. The ramps a
 * Router lists are, in CCIP, its OnRamp and OffRamp contracts, which carry a message between chains through the
 * DON; here the test's signer is registered in the real Router as each chain's ramp, and calls the pools as
 * they would: a burn on chain A, and later the mint on chain B.
 */
const TOKEN = ARTIFACT.CrossChainToken
const POOL = ARTIFACT.BurnMintTokenPool
const ROUTER_ARTIFACT = ARTIFACT.Router
const RMN = ARTIFACT.RMN
const RMN_PROXY = ARTIFACT.RMNProxy
const RESERVE_TOKEN = ARTIFACT.DecimalsToken
const E18 = 10n ** 18n
/** CCIP chain selectors of the two local chains (any distinct uint64s). */
const SELECTOR = { A: 1001n, B: 1002n }
const abi = AbiCoder.defaultAbiCoder()
const RATE_LIMIT_OFF = { isEnabled: false, capacity: 0n, rate: 0n }

interface Lane {
  signer: NonceManager
  token: Contract
  pool: Contract
  poolBlock: number
}

/** CCIP's token, RMN, Router and pool on one chain; the signer holds `supply` and is the Router's ramps. */
async function deployLane(provider: JsonRpcProvider, supply: bigint): Promise<Lane> {
  const signer = await fundedSigner(provider)
  const me = await signer.getAddress()
  const token = await deploy<Contract>(
    signer,
    TOKEN,
    {
      name: 'USDX',
      symbol: 'USDX',
      maxSupply: 0n,
      preMint: supply,
      preMintRecipient: me,
      decimals: 18,
      ccipAdmin: me,
    },
    me,
    me,
  )
  const rmn = await deploy<Contract>(signer, RMN, [])
  const rmnProxy = await deploy<Contract>(signer, RMN_PROXY, rmn.target)
  const router = await deploy<Contract>(signer, ROUTER_ARTIFACT, ZeroAddress, rmnProxy.target)
  const pool = await deploy<Contract>(
    signer,
    POOL,
    token.target,
    18,
    ZeroAddress,
    rmnProxy.target,
    router.target,
  )
  const receipt = await pool.deploymentTransaction()!.wait()
  await (await token.getFunction('grantMintAndBurnRoles')(pool.target)).wait()
  return { signer, token, pool, poolBlock: receipt!.blockNumber }
}

/** Connects `lane`'s pool to `remote`'s, and makes the signer the Router's on- and off-ramp for that lane. */
async function connect(lane: Lane, remote: Lane, remoteSelector: bigint): Promise<void> {
  const me = await lane.signer.getAddress()
  await (
    await lane.pool.getFunction('applyChainUpdates')(
      [],
      [
        {
          remoteChainSelector: remoteSelector,
          remotePoolAddresses: [abi.encode(['address'], [remote.pool.target])],
          remoteTokenAddress: abi.encode(['address'], [remote.token.target]),
          outboundRateLimiterConfig: RATE_LIMIT_OFF,
          inboundRateLimiterConfig: RATE_LIMIT_OFF,
        },
      ],
    )
  ).wait()
  const [routerAddress] = await lane.pool.getFunction('getDynamicConfig')()
  const router = new Contract(routerAddress, readArtifact(ROUTER_ARTIFACT).abi as InterfaceAbi, lane.signer)
  await (
    await router.getFunction('applyRampUpdates')([[remoteSelector, me]], [], [[remoteSelector, me]])
  ).wait()
}

describe('secure-mint: CCIP transfers in flight (CCIP BurnMintTokenPool 2.0.0 on both local chains)', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let a: Lane
  let b: Lane
  let reserveToken: Contract
  let testAdapter: TestAdapter
  const custodian = Wallet.createRandom().address
  const receiver = Wallet.createRandom().address
  const ENV = {
    ALPHA_RPC_URL: '',
    ALPHA_RPC_CHAIN_ID: '31337',
    // A few blocks per eth_getLogs on chain A: the pool's events are read in many ranges.
    ALPHA_RPC_LOG_BLOCK_RANGE: '3',
    BETA_RPC_URL: '',
    BETA_RPC_CHAIN_ID: '31338',
    RPC_TIMEOUT_MS: '5000',
    BACKGROUND_EXECUTE_MS_HTTP: '50',
  }

  /** The token's name keys the cached answer: each step of a test asks under its own. */
  const request = (pools = true, change: Record<string, unknown> = {}) => ({
    token: 'USDX',
    decimals: 18,
    currency: 'USD',
    supplyChains: [a, b].map((lane, i) => ({
      network: i === 0 ? 'alpha' : 'beta',
      address: lane.token.target,
      share: 1,
      ...(pools ? { ccipPool: lane.pool.target, ccipPoolFromBlock: lane.poolBlock } : {}),
    })),
    ...custodyReserve(reserveToken.target, custodian),
    ...change,
  })

  const ask = (data: Record<string, unknown>) => askAdapter(testAdapter, data)

  beforeAll(async () => {
    providerA = localProvider('A')
    providerB = localProvider('B')
    await ensureMulticall3(providerA)
    // Supply 600,000 on A and 150,000 on B; reserve 1,000,000.
    ;[a, b] = await Promise.all([
      deployLane(providerA, 600_000n * E18),
      deployLane(providerB, 150_000n * E18),
    ])
    await connect(a, b, SELECTOR.B)
    await connect(b, a, SELECTOR.A)
    reserveToken = await deploy<Contract>(a.signer, RESERVE_TOKEN, 'Reserve', 'RSV', 18, 1_000_000n * E18)
    await (await reserveToken.getFunction('transfer')(custodian, 1_000_000n * E18)).wait()
    Object.assign(ENV, { ALPHA_RPC_URL: localChainUrl('A'), BETA_RPC_URL: localChainUrl('B') })
    testAdapter = await startTestAdapter(makeAdapter(), ENV)
  })

  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    providerA.destroy()
    providerB.destroy()
  })

  /** Chain A's pool burns `amount` of the signer's tokens for chain B, as CCIP's OnRamp has it do. */
  async function burnOnA(amount: bigint): Promise<void> {
    const me = await a.signer.getAddress()
    await (await a.token.getFunction('transfer')(a.pool.target, amount)).wait()
    await (
      await a.pool.getFunction('lockOrBurn((bytes,uint64,address,uint256,address))')({
        receiver: abi.encode(['address'], [receiver]),
        remoteChainSelector: SELECTOR.B,
        originalSender: me,
        amount,
        localToken: a.token.target,
      })
    ).wait()
  }

  /** Chain B's pool mints `amount` for the burn on chain A, as CCIP's OffRamp has it do. */
  async function mintOnB(amount: bigint): Promise<void> {
    const me = await a.signer.getAddress()
    await (
      await b.pool.getFunction('releaseOrMint((bytes,uint64,address,uint256,address,bytes,bytes,bytes))')({
        originalSender: abi.encode(['address'], [me]),
        remoteChainSelector: SELECTOR.A,
        receiver,
        sourceDenominatedAmount: amount,
        localToken: b.token.target,
        sourcePoolAddress: abi.encode(['address'], [a.pool.target]),
        sourcePoolData: abi.encode(['uint256'], [18]),
        offchainTokenData: '0x',
      })
    ).wait()
  }

  it('a burn on chain A not yet minted on chain B keeps the supply, and the budget does not grow; once minted, the same figure', async () => {
    const before = await ask(request())
    expect(before.status).toBe(200)
    // 1,000,000 − 750,000 = 250,000, split 1:1.
    expect(before.json.result).toBe((250_000n * E18).toString())
    expect(before.json.data).toMatchObject({ supply: (750_000n * E18).toString(), ccipInFlight: '0' })

    await burnOnA(100_000n * E18)
    const inFlight = await ask(request(true, { token: 'USDX in flight' }))
    expect(inFlight.status).toBe(200)
    expect(inFlight.json.result).toBe((250_000n * E18).toString())
    expect(inFlight.json.data).toMatchObject({
      overmint: false,
      supply: (750_000n * E18).toString(),
      totalSupply: (650_000n * E18).toString(),
      ccipBurned: (100_000n * E18).toString(),
      ccipMinted: '0',
      ccipInFlight: (100_000n * E18).toString(),
      mintable: (250_000n * E18).toString(),
    })
    const [chainA, chainB] = inFlight.json.data.chains
    expect(chainA).toMatchObject({
      supply: (500_000n * E18).toString(),
      ccip: {
        pool: a.pool.target,
        fromBlock: a.poolBlock,
        typeAndVersion: 'BurnMintTokenPool 2.0.0',
        burned: (100_000n * E18).toString(),
        minted: '0',
        net: (100_000n * E18).toString(),
        events: 1,
      },
    })
    expect(chainB.ccip).toMatchObject({ burned: '0', minted: '0', events: 0 })

    // Without the pools, the transfer in flight is in no chain's supply: the budget grows by it.
    const blind = await ask(request(false, { token: 'USDX unpooled' }))
    expect(blind.json.result).toBe((350_000n * E18).toString())
    expect(blind.json.data.chains[0].ccip).toBeNull()

    await mintOnB(100_000n * E18)
    const landed = await ask(request(true, { token: 'USDX landed' }))
    expect(landed.status).toBe(200)
    expect(landed.json.result).toBe((250_000n * E18).toString())
    expect(landed.json.data).toMatchObject({
      supply: (750_000n * E18).toString(),
      totalSupply: (750_000n * E18).toString(),
      ccipBurned: (100_000n * E18).toString(),
      ccipMinted: (100_000n * E18).toString(),
      ccipInFlight: '0',
    })
    expect(landed.json.data.chains[1]).toMatchObject({
      supply: (250_000n * E18).toString(),
      ccip: {
        burned: '0',
        minted: (100_000n * E18).toString(),
        net: (-100_000n * E18).toString(),
        events: 1,
      },
    })
  })

  it('a pool that is not a contract, or is the pool of another token, is a 502 naming the chain', async () => {
    const notAContract = Wallet.createRandom().address
    const eoa = await ask(
      request(true, {
        supplyChains: [
          { network: 'alpha', address: a.token.target, ccipPool: notAContract, ccipPoolFromBlock: 0 },
        ],
      }),
    )
    expect(eoa.status).toBe(502)
    expect(eoa.json.errorMessage).toMatch(/alpha: CCIP pool .* typeAndVersion\(\) returned nothing/)

    const otherToken = await ask(
      request(true, {
        supplyChains: [
          { network: 'beta', address: b.token.target, ccipPool: a.pool.target, ccipPoolFromBlock: 0 },
        ],
      }),
    )
    expect(otherToken.status).toBe(502)
    expect(otherToken.json.errorMessage).toMatch(/beta: CCIP pool/)
  })

  it('a pool given without its deployment block, or a block without a pool, is a 400 naming the field', async () => {
    const noBlock = await ask(
      request(true, {
        supplyChains: [{ network: 'alpha', address: a.token.target, ccipPool: a.pool.target }],
      }),
    )
    expect(noBlock.status).toBe(400)
    expect(noBlock.json.errorMessage ?? JSON.stringify(noBlock.json)).toMatch(
      /supplyChains\[0\]\.ccipPoolFromBlock/,
    )
    const noPool = await ask(
      request(true, { supplyChains: [{ network: 'alpha', address: a.token.target, ccipPoolFromBlock: 1 }] }),
    )
    expect(noPool.status).toBe(400)
    expect(noPool.json.errorMessage ?? JSON.stringify(noPool.json)).toMatch(/supplyChains\[0\]\.ccipPool\b/)
  })
})
