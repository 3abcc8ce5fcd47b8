import {
  Contract,
  ContractFactory,
  JsonRpcProvider,
  type ContractTransactionResponse,
  type Log,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import { deploy, readArtifact } from '#chain/artifacts'

/** The Solidity enums of ReserveCheck / IReserveGuard, by value. */
export const Verdict = { Backed: 0n, Short: 1n, Skipped: 2n } as const
export const StalePolicy = { FailClosed: 0n, Skip: 1n } as const
export const Reason = {
  None: 0n,
  ReserveFeedFailed: 1n,
  NonPositiveReserves: 2n,
  InvalidReserveTimestamp: 3n,
  SupplyFailed: 4n,
  NegativeSupply: 5n,
  InvalidSupplyTimestamp: 6n,
  StaleReserves: 7n,
  StaleSupply: 8n,
  UnsupportedDecimals: 9n,
  SupplyOverflow: 10n,
  InsufficientReserves: 11n,
} as const
export type ReasonName = keyof typeof Reason
export const SupplyKind = { TokenTotalSupply: 0n, SupplyFeed: 1n } as const
export const PauseMode = { Operations: 0n, Pausable: 1n } as const
export const FeedFailure = {
  None: 0n,
  Revert: 1n,
  ShortReturn: 2n,
  RevertDecimals: 3n,
  OversizedDecimals: 4n,
} as const
export const Operation = { Mint: 1n, Redeem: 2n, Burn: 4n, All: 7n } as const

export const MOCK_V3_AGGREGATOR = '@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol:MockV3Aggregator'
export const MOCK_FEED = 'contracts/mocks/MockReserveFeed.sol:MockReserveFeed'
export const MOCK_PAUSABLE_ASSET = 'contracts/mocks/MockPausableAsset.sol:MockPausableAsset'
export const HARNESS = 'contracts/mocks/ReserveCheckHarness.sol:ReserveCheckHarness'

/** One whole token at `decimals`. */
export const unit = (decimals: number | bigint): bigint => 10n ** BigInt(decimals)

/** The timestamp of the latest block: the reference for explicit `updatedAt` values. */
export async function latestTimestamp(provider: JsonRpcProvider): Promise<bigint> {
  const block = await provider.getBlock('latest')
  if (!block) throw new Error('no latest block')
  return BigInt(block.timestamp)
}

/**
 * A view call with one round trip (`contract.fn()` costs extra requests per call): for property tests
 * that make many calls.
 */
export async function fastCall(contract: Contract, fn: string, args: unknown[]): Promise<unknown> {
  const provider = contract.runner?.provider as JsonRpcProvider
  const data = contract.interface.encodeFunctionData(fn, args)
  const raw = (await provider.send('eth_call', [{ to: contract.target, data }, 'latest'])) as string
  return contract.interface.decodeFunctionResult(fn, raw)[0]
}

/** Sends a transaction and waits for its receipt. */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait()
  if (!receipt) throw new Error('transaction not mined')
  return receipt
}

/** The decoded events a contract emitted in a receipt, as `{ name, args }`. */
export function eventsOf(
  receipt: TransactionReceipt,
  contract: Contract,
): { name: string; args: readonly unknown[]; log: Log }[] {
  const address = String(contract.target).toLowerCase()
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => {
      const parsed = contract.interface.parseLog(log)
      if (!parsed) throw new Error(`unknown log ${log.topics[0]}`)
      return { name: parsed.name, args: [...parsed.args] as unknown[], log }
    })
}

interface RevertLike {
  revert?: { name: string; args: unknown[] } | null
  data?: string
}

/**
 * Awaits a call that must revert with the custom error `name` (decoded with `contract`'s ABI) and returns
 * its arguments. Pass `contract.fn.staticCall(...)`, not a transaction: a transaction that fails gas
 * estimation still uses up a nonce in ethers' NonceManager.
 */
export async function revertOf(
  promise: Promise<unknown>,
  contract: Contract,
  name: string,
): Promise<unknown[]> {
  let error: unknown
  try {
    await promise
  } catch (e) {
    error = e
  }
  if (error === undefined) throw new Error(`expected a revert with ${name}, but it succeeded`)
  const e = error as RevertLike
  let decoded = e.revert ?? null
  if (!decoded && e.data) {
    const parsed = contract.interface.parseError(e.data)
    decoded = parsed ? { name: parsed.name, args: [...parsed.args] } : null
  }
  if (!decoded) throw error as Error
  expect(decoded.name).toBe(name)
  return [...decoded.args]
}

/**
 * Simulates a deployment with eth_call, for constructors expected to revert: a reverting transaction sent
 * through the NonceManager would burn a nonce (it counts the nonce before estimating gas).
 */
export async function simulateDeploy(signer: Signer, name: string, ...args: unknown[]): Promise<string> {
  const { abi, bytecode } = readArtifact(name)
  const tx = await new ContractFactory(abi as never, bytecode, signer).getDeployTransaction(...args)
  return signer.call(tx)
}

/** Deploys a MockReserveFeed updated now. */
export async function deployFeed(signer: Signer, decimals: number, answer: bigint): Promise<Contract> {
  return deploy<Contract>(signer, MOCK_FEED, decimals, answer)
}

/** Deploys a SecureMintToken administered by `admin`. */
export async function deployToken(
  signer: Signer,
  admin: string,
  feed: Contract | string,
  heartbeat = 86_400,
  marginBps = 0,
): Promise<Contract> {
  const feedAddress = typeof feed === 'string' ? feed : await feed.getAddress()
  return deploy<Contract>(
    signer,
    'SecureMintToken',
    'Secure BTC',
    'sBTC',
    admin,
    feedAddress,
    heartbeat,
    marginBps,
  )
}

/** The ReserveGuard asset configuration, as the tuple the ABI expects. */
export interface AssetConfig {
  reserveFeed: string
  supplyKind: bigint
  supplySource: string
  heartbeat: number
  stalePolicy: bigint
  marginBps: number
  pauseMode: bigint
  operations: bigint
}

export function assetConfig(
  overrides: Partial<AssetConfig> & Pick<AssetConfig, 'reserveFeed' | 'supplySource'>,
): AssetConfig {
  return {
    supplyKind: SupplyKind.TokenTotalSupply,
    heartbeat: 86_400,
    stalePolicy: StalePolicy.FailClosed,
    marginBps: 0,
    pauseMode: PauseMode.Operations,
    operations: Operation.All,
    ...overrides,
  }
}

/** A decoded ReserveCheck.Result. */
export interface CheckResult {
  verdict: bigint
  reason: bigint
  reserves: bigint
  supply: bigint
}

export function toResult(raw: unknown): CheckResult {
  const [verdict, reason, reserves, supply] = raw as [bigint, bigint, bigint, bigint]
  return { verdict, reason, reserves, supply }
}
