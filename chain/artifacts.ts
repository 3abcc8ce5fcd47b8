/**
 * The build artifacts of the contracts (`hardhat build` writes them to artifacts/): ABIs and
 * bytecode by contract name, and deployment.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ContractFactory, type BaseContract, type Signer } from 'ethers'

/** Where `hardhat build` writes the artifacts, whatever the working directory. */
export const ARTIFACTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts')

export interface Artifact {
  abi: unknown[]
  bytecode: string
  deployedBytecode: string
}

/**
 * Reads a Hardhat artifact by contract name (`Foo`, for contracts/Foo.sol) or fully qualified name
 * (`contracts/mocks/Foo.sol:Foo`, `@chainlink/contracts/src/v0.8/…/Bar.sol:Bar`).
 */
export function readArtifact(name: string): Artifact {
  const [source, contract] = name.includes(':') ? name.split(':') : [`contracts/${name}.sol`, name]
  const file = resolve(ARTIFACTS_DIR, source, `${contract}.json`)
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
