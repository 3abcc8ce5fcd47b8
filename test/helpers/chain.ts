import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  ContractFactory,
  JsonRpcProvider,
  NonceManager,
  Wallet,
  parseEther,
  type BaseContract,
  type Signer,
} from 'ethers'

export type LocalChainName = 'A' | 'B'

/** JSON-RPC URL of a local chain started by the Jest global setup. */
export function localChainUrl(name: LocalChainName = 'A'): string {
  const url = process.env[`LOCAL_CHAIN_${name}_URL`]
  if (!url) throw new Error(`LOCAL_CHAIN_${name}_URL is not set: run the tests through Jest (npm test)`)
  return url
}

export function localProvider(name: LocalChainName = 'A'): JsonRpcProvider {
  // staticNetwork avoids a chain-id lookup per request; polling stays quick for local blocks.
  const provider = new JsonRpcProvider(localChainUrl(name), undefined, { cacheTimeout: -1 })
  provider.pollingInterval = 50
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
