/**
 * Chainlink Automation 2.3 from TypeScript: the compiled contracts' ABIs (the registry with its three logic
 * contracts, the registrar, the forwarder, LINK), mirrors of the registry's and registrar's enums (checked
 * against the compiled AST by chain/automation.test.ts, so a reordered enum fails the build), and encoders
 * for the structs the registry takes as `bytes` (trigger configs, triggers, the OCR report, a log trigger's
 * `Log`). Every struct layout is read from the compiled contracts (an ABI, or the AST for structs no
 * function takes), never written by hand: 2.3 reorders fields that 2.1 had, and a hand-written layout would
 * encode silently wrong bytes.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  AbiCoder,
  Fragment,
  Interface,
  ParamType,
  keccak256,
  type BytesLike,
  type JsonFragment,
} from 'ethers'
import { ARTIFACTS_DIR, readArtifact, type Artifact } from './artifacts'
import { ARTIFACT } from './contracts'

/** The Chainlink contracts of an Automation 2.3 deployment, by fully qualified artifact name. */
export const AUTOMATION_ARTIFACTS = {
  registry: ARTIFACT.AutomationRegistry2_3,
  registryLogicA: ARTIFACT.AutomationRegistryLogicA2_3,
  registryLogicB: ARTIFACT.AutomationRegistryLogicB2_3,
  registryLogicC: ARTIFACT.AutomationRegistryLogicC2_3,
  registrar: ARTIFACT.AutomationRegistrar2_3,
  forwarderLogic: ARTIFACT.AutomationForwarderLogic,
  linkToken: ARTIFACT.LinkToken,
  /** Chainlink's test WETH9, the wrapped native token of a local deployment. */
  weth9: ARTIFACT.WETH9,
  /** Chainlink's mock feed, for the billing prices of a local deployment. */
  mockAggregator: ARTIFACT.MockV3Aggregator,
  /** Automation 2.1's registrar: built only so that refusing it is tested against the real contract. */
  registrar21: ARTIFACT.AutomationRegistrar2_1,
} as const

// ---------------------------------------------------------------- enum mirrors

/** `AutomationRegistryBase2_3.Trigger`: an upkeep's trigger type (also byte 15 of its id). */
export const Trigger = { CONDITION: 0n, LOG: 1n } as const

/** `AutomationRegistryBase2_3.UpkeepFailureReason`: why the registry's `checkUpkeep` says no. */
export const UpkeepFailureReason = {
  NONE: 0n,
  UPKEEP_CANCELLED: 1n,
  UPKEEP_PAUSED: 2n,
  TARGET_CHECK_REVERTED: 3n,
  UPKEEP_NOT_NEEDED: 4n,
  PERFORM_DATA_EXCEEDS_LIMIT: 5n,
  INSUFFICIENT_BALANCE: 6n,
  CALLBACK_REVERTED: 7n,
  REVERT_DATA_EXCEEDS_LIMIT: 8n,
  REGISTRY_PAUSED: 9n,
} as const

/** `AutomationRegistryBase2_3.PayoutMode`: how node operators are paid. */
export const PayoutMode = { ON_CHAIN: 0n, OFF_CHAIN: 1n } as const

/** `AutomationRegistrar2_3.AutoApproveType`: which registrations the registrar approves at once. */
export const AutoApproveType = { DISABLED: 0n, ENABLED_SENDER_ALLOWLIST: 1n, ENABLED_ALL: 2n } as const

/** The name of an enum value in a mirror, or `undefined` if the value is out of range. */
export function enumName<T extends Record<string, bigint>>(
  mirror: T,
  value: bigint | number,
): keyof T | undefined {
  const wanted = BigInt(value)
  return (Object.keys(mirror) as (keyof T)[]).find((key) => mirror[key] === wanted)
}

// ---------------------------------------------------------------- ABIs

/** Merges ABIs, keeping the first entry of each function, event and error signature. */
function mergedAbi(names: string[]): JsonFragment[] {
  const seen = new Set<string>()
  const merged: JsonFragment[] = []
  for (const name of names) {
    for (const entry of readArtifact(name).abi as JsonFragment[]) {
      const key = ['function', 'event', 'error'].includes(entry.type ?? '')
        ? `${entry.type} ${Fragment.from(entry).format('sighash')}`
        : (entry.type ?? '')
      if (seen.has(key)) continue
      seen.add(key)
      merged.push(entry)
    }
  }
  return merged
}

const interfaces = new Map<string, Interface>()
function cachedInterface(key: string, make: () => JsonFragment[]): Interface {
  let found = interfaces.get(key)
  if (!found) {
    found = new Interface(make())
    interfaces.set(key, found)
  }
  return found
}

/**
 * The registry as deployed: `AutomationRegistry2_3` answers its own functions and hands every other call,
 * through its fallback, to logic A, then B, then C. One interface over all four.
 */
export function registryInterface(): Interface {
  return cachedInterface('registry', () =>
    mergedAbi([
      AUTOMATION_ARTIFACTS.registry,
      AUTOMATION_ARTIFACTS.registryLogicA,
      AUTOMATION_ARTIFACTS.registryLogicB,
      AUTOMATION_ARTIFACTS.registryLogicC,
    ]),
  )
}

export function registrarInterface(): Interface {
  return cachedInterface('registrar', () => mergedAbi([AUTOMATION_ARTIFACTS.registrar]))
}

/** `typeAndVersion()` and the rest of the 2.1 registrar: only to recognise (and refuse) one. */
export function registrar21Interface(): Interface {
  return cachedInterface('registrar21', () => mergedAbi([AUTOMATION_ARTIFACTS.registrar21]))
}

/** LINK, an ERC-677 (`transferAndCall`) and ERC-20; its ABI also serves for other ERC-20 billing tokens. */
export function linkTokenInterface(): Interface {
  return cachedInterface('link', () => mergedAbi([AUTOMATION_ARTIFACTS.linkToken]))
}

/** An upkeep's forwarder: `AutomationForwarder` (`getTarget`, `forward`) and its shared logic (`getRegistry`). */
export function forwarderInterface(): Interface {
  return cachedInterface('forwarder', () => [
    ...compiledAbi(
      AUTOMATION_ARTIFACTS.registryLogicA,
      'src/v0.8/automation/AutomationForwarder.sol',
      'AutomationForwarder',
    ),
    ...mergedAbi([AUTOMATION_ARTIFACTS.forwarderLogic]).filter((e) => e.type === 'function'),
  ])
}

// ---------------------------------------------------------------- the compiled AST

interface AstNode {
  id: number
  nodeType: string
  name?: string
  nodes?: AstNode[]
  members?: AstNode[]
  typeName?: AstNode
  baseType?: AstNode
  length?: { value?: string } | null
  referencedDeclaration?: number
  underlyingType?: AstNode
  pathNode?: { referencedDeclaration?: number }
}

interface BuildOutput {
  output: {
    sources: Record<string, { ast: AstNode }>
    contracts: Record<string, Record<string, { abi: JsonFragment[] }>>
  }
}

interface CompiledBuild {
  output: BuildOutput['output']
  byId: Map<number, AstNode>
}

const builds = new Map<string, CompiledBuild>()

/** The solc output (ASTs, ABIs) of the build that compiled an artifact. */
function buildOf(artifactName: string): CompiledBuild {
  const { buildInfoId } = readArtifact(artifactName) as Artifact & { buildInfoId?: string }
  if (!buildInfoId)
    throw new Error(`${artifactName} names no build (buildInfoId): rebuild with hardhat build`)
  let build = builds.get(buildInfoId)
  if (!build) {
    const file = resolve(ARTIFACTS_DIR, 'build-info', `${buildInfoId}.output.json`)
    const { output } = JSON.parse(readFileSync(file, 'utf8')) as BuildOutput
    const byId = new Map<number, AstNode>()
    const index = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(index)
      } else if (value && typeof value === 'object') {
        const node = value as Partial<AstNode>
        if (typeof node.id === 'number' && typeof node.nodeType === 'string')
          byId.set(node.id, node as AstNode)
        Object.values(value).forEach(index)
      }
    }
    Object.values(output.sources).forEach((source) => index(source.ast))
    build = { output, byId }
    builds.set(buildInfoId, build)
  }
  return build
}

/** The source unit names of a build that end with `path` (e.g. `src/v0.8/automation/ILogAutomation.sol`). */
function sourcesEndingWith(build: CompiledBuild, path: string): string[] {
  return Object.keys(build.output.sources).filter((name) => name === path || name.endsWith(`/${path}`))
}

/** A contract's ABI from the build that compiled `artifactName` (for contracts built without an artifact). */
function compiledAbi(artifactName: string, path: string, contract: string): JsonFragment[] {
  const build = buildOf(artifactName)
  for (const source of sourcesEndingWith(build, path)) {
    const abi = build.output.contracts[source]?.[contract]?.abi
    if (abi) return abi
  }
  throw new Error(`${contract} (${path}) is not in the build of ${artifactName}`)
}

/** Where a compiled type is defined: the build (named by an artifact of it), the source path, the scope. */
export interface CompiledTypeRef {
  /** an artifact compiled in the same build */
  artifact: string
  /** the source path, or its tail (`src/v0.8/automation/interfaces/ILogAutomation.sol`) */
  path: string
  /** the contract, library or interface declaring it; omitted for a file-level definition */
  scope?: string
  name: string
}

function definition(ref: CompiledTypeRef, nodeType: string): { node: AstNode; build: CompiledBuild } {
  const build = buildOf(ref.artifact)
  for (const source of sourcesEndingWith(build, ref.path)) {
    let nodes = build.output.sources[source].ast.nodes ?? []
    if (ref.scope) {
      nodes = nodes.find((n) => n.nodeType === 'ContractDefinition' && n.name === ref.scope)?.nodes ?? []
    }
    const node = nodes.find((n) => n.nodeType === nodeType && n.name === ref.name)
    if (node) return { node, build }
  }
  const where = ref.scope ? `${ref.scope}.${ref.name}` : ref.name
  throw new Error(`no ${nodeType} ${where} in ${ref.path} (build of ${ref.artifact})`)
}

/** The member names of a compiled enum, in declaration order (= their values). */
export function compiledEnumMembers(ref: CompiledTypeRef): string[] {
  return (definition(ref, 'EnumDefinition').node.members ?? []).map((m) => m.name ?? '')
}

/** The ABI type of a type name node in a compiled AST. */
function abiTypeOf(node: AstNode, build: CompiledBuild): string {
  switch (node.nodeType) {
    case 'ElementaryTypeName':
      return node.name ?? ''
    case 'ArrayTypeName':
      return `${abiTypeOf(node.baseType!, build)}[${node.length?.value ?? ''}]`
    case 'UserDefinedTypeName': {
      const id = node.referencedDeclaration ?? node.pathNode?.referencedDeclaration
      const declaration = id === undefined ? undefined : build.byId.get(id)
      switch (declaration?.nodeType) {
        case 'ContractDefinition':
          return 'address'
        case 'EnumDefinition':
          return 'uint8'
        case 'StructDefinition':
          return structTuple(declaration, build)
        case 'UserDefinedValueTypeDefinition':
          return abiTypeOf(declaration.underlyingType!, build)
      }
    }
  }
  throw new Error(`cannot map the AST type node ${node.nodeType} (${node.id}) to an ABI type`)
}

function structTuple(struct: AstNode, build: CompiledBuild): string {
  const members = (struct.members ?? []).map((m) => `${abiTypeOf(m.typeName!, build)} ${m.name}`)
  return `tuple(${members.join(',')})`
}

/** The ABI type (`tuple(...)` with member names) of a compiled struct. */
export function compiledStructType(ref: CompiledTypeRef): ParamType {
  const { node, build } = definition(ref, 'StructDefinition')
  return ParamType.from(structTuple(node, build))
}

// ---------------------------------------------------------------- structs

const REGISTRY_BASE = 'src/v0.8/automation/v2_3/AutomationRegistryBase2_3.sol'

/** Where each struct the registry takes as bytes is defined (all compiled with the registry). */
export const AUTOMATION_STRUCTS = {
  report: {
    artifact: AUTOMATION_ARTIFACTS.registry,
    path: REGISTRY_BASE,
    scope: 'AutomationRegistryBase2_3',
    name: 'Report',
  },
  conditionalTrigger: {
    artifact: AUTOMATION_ARTIFACTS.registry,
    path: REGISTRY_BASE,
    scope: 'AutomationRegistryBase2_3',
    name: 'ConditionalTrigger',
  },
  logTrigger: {
    artifact: AUTOMATION_ARTIFACTS.registry,
    path: REGISTRY_BASE,
    scope: 'AutomationRegistryBase2_3',
    name: 'LogTrigger',
  },
  logTriggerConfig: {
    artifact: AUTOMATION_ARTIFACTS.registry,
    path: 'src/v0.8/automation/interfaces/IAutomationV21PlusCommon.sol',
    scope: 'IAutomationV21PlusCommon',
    name: 'LogTriggerConfig',
  },
  log: {
    artifact: AUTOMATION_ARTIFACTS.registry,
    path: 'src/v0.8/automation/interfaces/ILogAutomation.sol',
    name: 'Log',
  },
} as const satisfies Record<string, CompiledTypeRef>

const coder = AbiCoder.defaultAbiCoder()
const structTypes = new Map<string, ParamType>()
function structType(key: keyof typeof AUTOMATION_STRUCTS): ParamType {
  let type = structTypes.get(key)
  if (!type) {
    type = compiledStructType(AUTOMATION_STRUCTS[key])
    structTypes.set(key, type)
  }
  return type
}

function encodeStruct(key: keyof typeof AUTOMATION_STRUCTS, value: object): string {
  return coder.encode([structType(key)], [value])
}

/** What a log-trigger upkeep listens to: one contract's logs with topic0, and optionally topics 1–3. */
export interface LogTriggerConfig {
  contractAddress: string
  /** bit 0: match topic1, bit 1: topic2, bit 2: topic3 (topic0 always matches) */
  filterSelector: number
  topic0: string
  topic1: string
  topic2: string
  topic3: string
}

/** A log-trigger upkeep's `triggerConfig`. */
export function encodeLogTriggerConfig(config: LogTriggerConfig): string {
  return encodeStruct('logTriggerConfig', config)
}

export function decodeLogTriggerConfig(data: BytesLike): LogTriggerConfig {
  const [c] = coder.decode([structType('logTriggerConfig')], data)
  return {
    contractAddress: c.contractAddress as string,
    filterSelector: Number(c.filterSelector),
    topic0: c.topic0 as string,
    topic1: c.topic1 as string,
    topic2: c.topic2 as string,
    topic3: c.topic3 as string,
  }
}

/** The trigger of a conditional perform: the block the check ran at. */
export interface ConditionalTrigger {
  blockNum: bigint | number
  blockHash: string
}

export function encodeConditionalTrigger(trigger: ConditionalTrigger): string {
  return encodeStruct('conditionalTrigger', trigger)
}

/** The trigger of a log perform: the log (its block hash, transaction, index) and the block the check ran at. */
export interface LogTrigger {
  logBlockHash: string
  txHash: string
  logIndex: bigint | number
  blockNum: bigint | number
  blockHash: string
}

export function encodeLogTrigger(trigger: LogTrigger): string {
  return encodeStruct('logTrigger', trigger)
}

/** A log as `checkLog` receives it (`ILogAutomation`'s `Log`). */
export interface AutomationLog {
  /** the log's index in its block */
  index: bigint | number
  /** its block's timestamp */
  timestamp: bigint | number
  txHash: string
  blockNumber: bigint | number
  blockHash: string
  source: string
  topics: readonly string[]
  data: string
}

/** `abi.encode(log)`: the `triggerData` of the registry's `checkUpkeep(id, triggerData)` for a log upkeep. */
export function encodeLog(log: AutomationLog): string {
  return encodeStruct('log', { ...log, topics: [...log.topics] })
}

/** What the DON signs and transmits: one entry per upkeep to perform. */
export interface Report {
  fastGasWei: bigint
  linkUSD: bigint
  upkeepIds: bigint[]
  gasLimits: bigint[]
  triggers: string[]
  performDatas: string[]
}

export function encodeReport(report: Report): string {
  return encodeStruct('report', report)
}

/** `AutomationRegistrar2_3.RegistrationParams` (field order is 2.3's; 2.1's differs). */
export interface RegistrationParams {
  upkeepContract: string
  amount: bigint
  adminAddress: string
  gasLimit: bigint | number
  triggerType: bigint | number
  billingToken: string
  name: string
  encryptedEmail: string
  checkData: string
  triggerConfig: string
  offchainConfig: string
}

/** The registrar's own `RegistrationParams` type, from its compiled ABI (`registerUpkeep`'s argument). */
export function registrationParamsType(): ParamType {
  const fn = registrarInterface().getFunction('registerUpkeep')
  if (!fn) throw new Error('the registrar ABI has no registerUpkeep')
  return fn.inputs[0]
}

/** `abi.encode(params)`: the data of LINK's `transferAndCall` to the registrar. */
export function encodeRegistrationParams(params: RegistrationParams): string {
  return coder.encode([registrationParamsType()], [params])
}

export function decodeRegistrationParams(data: BytesLike): RegistrationParams {
  const [p] = coder.decode([registrationParamsType()], data)
  return {
    upkeepContract: p.upkeepContract as string,
    amount: p.amount as bigint,
    adminAddress: p.adminAddress as string,
    gasLimit: p.gasLimit as bigint,
    triggerType: p.triggerType as bigint,
    billingToken: p.billingToken as string,
    name: p.name as string,
    encryptedEmail: p.encryptedEmail as string,
    checkData: p.checkData as string,
    triggerConfig: p.triggerConfig as string,
    offchainConfig: p.offchainConfig as string,
  }
}

/** The registrar's key for a request: `keccak256(abi.encode(params))`, as in its `RegistrationRequested`. */
export function registrationHash(params: RegistrationParams): string {
  return keccak256(encodeRegistrationParams(params))
}
