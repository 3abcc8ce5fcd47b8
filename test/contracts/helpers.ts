/**
 * Helpers of the contract tests only. Everything about the contracts themselves (typed handles, the
 * Solidity enums and structs, the AssetConfig builder, event decoding) is in chain/.
 */
import {
  ContractFactory,
  type AddressLike,
  type BaseContract,
  type InterfaceAbi,
  type JsonRpcProvider,
  type Signer,
} from 'ethers'
import { readArtifact } from '#chain/artifacts'
import { deploySecureMintToken, type SecureMintToken } from '#chain/contracts'
import { mined } from '#chain/events'
import { NO_MARGIN, type Margin } from '#chain/types'

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
export async function fastCall(contract: BaseContract, fn: string, args: unknown[]): Promise<unknown> {
  const provider = contract.runner?.provider as JsonRpcProvider
  const data = contract.interface.encodeFunctionData(fn, args)
  const raw = (await provider.send('eth_call', [{ to: contract.target, data }, 'latest'])) as string
  return contract.interface.decodeFunctionResult(fn, raw)[0]
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
  contract: BaseContract,
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
 * through the NonceManager would burn a nonce (it counts the nonce before estimating gas). `name` is an
 * artifact name (`ARTIFACT.ReserveGuard`).
 */
export async function simulateDeploy(signer: Signer, name: string, ...args: unknown[]): Promise<string> {
  const { abi, bytecode } = readArtifact(name)
  const tx = await new ContractFactory(abi as InterfaceAbi, bytecode, signer).getDeployTransaction(...args)
  return signer.call(tx)
}

/**
 * Deploys the tests' SecureMintToken ("Secure BTC", sBTC) administered by `admin`, with an admin delay of
 * `delay` seconds (0 by default, so that tests on the shared chains change its reserve configuration at once).
 */
export async function deployToken(
  signer: Signer,
  admin: string,
  feed: BaseContract | string,
  heartbeat = 86_400,
  { marginMode, marginAmount }: Margin = NO_MARGIN,
  delay = 0,
): Promise<SecureMintToken> {
  return deploySecureMintToken(
    signer,
    'Secure BTC',
    'sBTC',
    admin,
    delay,
    feed,
    heartbeat,
    marginMode,
    marginAmount,
  )
}

/**
 * Schedules and applies a token's reserve configuration (its admin delay must be 0); returns the receipt of
 * the change applied.
 */
export async function setTokenRules(
  token: SecureMintToken,
  feed: AddressLike,
  heartbeat: number | bigint,
  { marginMode, marginAmount }: Margin = NO_MARGIN,
) {
  await mined(token.scheduleReserveConfig(feed, heartbeat, marginMode, marginAmount))
  return mined(token.setReserveConfig(feed, heartbeat, marginMode, marginAmount))
}
