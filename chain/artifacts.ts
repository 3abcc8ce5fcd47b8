/**
 * The build artifacts of the contracts (`hardhat build` writes them to artifacts/): ABIs and
 * bytecode by contract name, and deployment.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ContractFactory, type BaseContract, type Signer } from 'ethers'

/** Where `hardhat build` writes the artifacts, whatever the working directory. */
export const ARTIFACTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts')

export interface Artifact {
  contractName: string
  /** The source as the artifact is filed (`contracts/Foo.sol`, `@chainlink/contracts/…/Bar.sol`). */
  sourceName: string
  /** The source as the compiler saw it (`project/contracts/Foo.sol`, `npm/@chainlink/contracts@1.2.0/…`). */
  inputSourceName: string
  /** The build that compiled it: `artifacts/build-info/<buildInfoId>.output.json`. */
  buildInfoId: string
  abi: unknown[]
  bytecode: string
  deployedBytecode: string
}

/** A node of the solc AST (`nodeType` says which; the other fields depend on it). */
export interface AstNode {
  nodeType: string
  [field: string]: unknown
}

/** Every AST node under `node`, itself included. */
export function* walkAst(node: AstNode): Generator<AstNode> {
  yield node
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && typeof (child as AstNode).nodeType === 'string') {
        yield* walkAst(child as AstNode)
      }
    }
  }
}

/** What `readBuildOutput` returns: the solc standard-JSON output of one build. */
export interface BuildOutput {
  /** Every source of the build by its input source name, with its AST. */
  sources: Record<string, { id: number; ast: AstNode }>
  /** Every contract of the build (interfaces and dependencies included) by source and name, with its ABI. */
  contracts: Record<string, Record<string, { abi: unknown[] }>>
}

/**
 * The artifact file of a contract, by contract name (`Foo`, for contracts/Foo.sol) or fully qualified
 * name (`contracts/mocks/Foo.sol:Foo`, `@chainlink/contracts/src/v0.8/…/Bar.sol:Bar`).
 */
export function artifactFile(name: string): string {
  const [source, contract] = name.includes(':') ? name.split(':') : [`contracts/${name}.sol`, name]
  return resolve(ARTIFACTS_DIR, source, `${contract}.json`)
}

/** Reads a Hardhat artifact by contract name or fully qualified name (see {@link artifactFile}). */
export function readArtifact(name: string): Artifact {
  return JSON.parse(readFileSync(artifactFile(name), 'utf8')) as Artifact
}

/**
 * The fully qualified names of every built contract whose source is under `folder` (`contracts`,
 * `@chainlink`; everything by default). Artifacts are `<source>.sol/<Contract>.json`; build-info/ holds
 * the compiler's input and output, not artifacts.
 */
export function artifactNames(folder = ''): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return dir === ARTIFACTS_DIR && entry.name === 'build-info' ? [] : walk(path)
      if (!entry.name.endsWith('.json')) return []
      const source = relative(ARTIFACTS_DIR, dir).split(sep).join('/')
      return [`${source}:${basename(entry.name, '.json')}`]
    })
  return walk(resolve(ARTIFACTS_DIR, folder)).sort()
}

/**
 * The compiler output of the build that compiled `artifact`: the AST of every source in it (the mirror
 * test reads Solidity enums and constants from it) and the ABI of every contract, dependencies included.
 */
export function readBuildOutput(artifact: Artifact): BuildOutput {
  const file = resolve(ARTIFACTS_DIR, 'build-info', `${artifact.buildInfoId}.output.json`)
  return (JSON.parse(readFileSync(file, 'utf8')) as { output: BuildOutput }).output
}

/** The compiler output of every build that compiled the artifacts under `folder` (see {@link artifactNames}). */
export function readBuildOutputs(folder = ''): BuildOutput[] {
  const builds = new Map<string, Artifact>()
  for (const artifact of artifactNames(folder).map(readArtifact)) builds.set(artifact.buildInfoId, artifact)
  return [...builds.values()].map(readBuildOutput)
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
