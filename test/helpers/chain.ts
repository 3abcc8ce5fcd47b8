import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  ContractFactory,
  JsonRpcProvider,
  Network,
  NonceManager,
  Wallet,
  parseEther,
  type BaseContract,
  type Signer,
} from 'ethers'

import { LOCAL_CHAINS } from '../setup/local-chains'

export type LocalChainName = 'A' | 'B'

/** JSON-RPC URL of a local chain started by the Jest global setup. */
export function localChainUrl(name: LocalChainName = 'A'): string {
  const url = process.env[`LOCAL_CHAIN_${name}_URL`]
  if (!url) throw new Error(`LOCAL_CHAIN_${name}_URL is not set: run the tests through Jest (npm test)`)
  return url
}

/**
 * A provider for a local chain, tuned for many small requests: a static network (no chain-id
 * lookup per request), no response cache, and no JSON-RPC batching (ethers otherwise holds each
 * request back to batch it), which makes a transaction about four times faster.
 */
export function localProvider(name: LocalChainName = 'A'): JsonRpcProvider {
  const { chainId } = LOCAL_CHAINS.find((c) => c.env === `LOCAL_CHAIN_${name}_URL`)!
  const provider = new JsonRpcProvider(localChainUrl(name), Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    batchMaxCount: 1,
  })
  provider.pollingInterval = 20
  return provider
}

/**
 * A fresh random account with 1,000 ETH. Test files run in parallel against the same chains;
 * giving each its own accounts keeps their nonces from colliding.
 */
export async function fundedSigner(provider: JsonRpcProvider): Promise<NonceManager> {
  const wallet = Wallet.createRandom().connect(provider)
  await provider.send('hardhat_setBalance', [wallet.address, '0x' + parseEther('1000').toString(16)])
  return new NonceManager(wallet)
}

interface Artifact {
  abi: unknown[]
  bytecode: string
}

/** Reads a Hardhat artifact by contract name (`Foo`) or fully qualified name (`contracts/Foo.sol:Foo`). */
export function readArtifact(name: string): Artifact {
  const [source, contract] = name.includes(':') ? name.split(':') : [`contracts/${name}.sol`, name]
  const file = resolve('artifacts', source, `${contract}.json`)
  return JSON.parse(readFileSync(file, 'utf8')) as Artifact
}

/** Deploys a compiled contract and waits for it to be mined. */
export async function deploy<T extends BaseContract = BaseContract>(
  signer: Signer,
  name: string,
  ...args: unknown[]
): Promise<T> {
  const { abi, bytecode } = readArtifact(name)
  const factory = new ContractFactory(abi as never, bytecode, signer)
  const contract = await factory.deploy(...args)
  await contract.waitForDeployment()
  return contract as unknown as T
}
