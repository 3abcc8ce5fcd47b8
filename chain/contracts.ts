/**
 * Typed handles on the contracts: deploy one, or attach to one at an address, typed with the ethers v6
 * types TypeChain generates from the build artifacts (chain/typechain/, written by
 * `npm run build:contracts`; never committed).
 *
 * Only types come from chain/typechain/ (`import type`, erased at run time): the ABI and bytecode are
 * read from artifacts/ when a contract is deployed or attached, so what runs is always what
 * `hardhat build` last compiled. Types are imported from each contract's own generated file rather
 * than TypeChain's root index, which keeps only the first of two contracts with the same name.
 */
import {
  Contract,
  Interface,
  concat,
  toBeHex,
  type ContractRunner,
  type InterfaceAbi,
  type Signer,
} from 'ethers'
import { deploy, readArtifact, readBuildOutput, walkAst, type AstNode } from './artifacts'
import type { PoRAddressList } from './typechain/contracts/PoRAddressList'
import type { ReserveGuard } from './typechain/contracts/ReserveGuard'
import type { SecureMintToken } from './typechain/contracts/SecureMintToken'
import type { IReportReceiver } from './typechain/contracts/interfaces/IReportReceiver'
import type { IOperationsPausable } from './typechain/contracts/interfaces/IOperationsPausable'
import type { IPausable } from './typechain/contracts/interfaces/IPausable'
import type { DecimalsToken } from './typechain/contracts/mocks/DecimalsToken'
import type { MinimalMulticall3 } from './typechain/contracts/mocks/MinimalMulticall3'
import type { MisreportingToken } from './typechain/contracts/mocks/MisreportingToken'
import type { MockMisbehavingTarget } from './typechain/contracts/mocks/MockMisbehavingTarget'
import type { MockOperationsToken } from './typechain/contracts/mocks/MockOperationsToken'
import type { MockPausableAsset } from './typechain/contracts/mocks/MockPausableAsset'
import type { PausableStablecoin } from './typechain/contracts/mocks/PausableStablecoin'
import type { MockReserveFeed } from './typechain/contracts/mocks/MockReserveFeed'
import type { ReserveCheckHarness } from './typechain/contracts/mocks/ReserveCheckHarness'
import type { EACAggregatorProxy } from './typechain/@chainlink/contracts-0.8.0/src/v0.6/EACAggregatorProxy'
import type { FluxAggregator } from './typechain/@chainlink/contracts-0.8.0/src/v0.6/FluxAggregator'
import type { AutomationForwarderLogic } from './typechain/@chainlink/contracts/src/v0.8/automation/AutomationForwarderLogic'
import type { ChainModuleBase } from './typechain/@chainlink/contracts/src/v0.8/automation/chains/ChainModuleBase'
import type { WETH9 } from './typechain/@chainlink/contracts/src/v0.8/vendor/canonical-weth/WETH9'
import type { AutomationRegistrar2_1 } from './typechain/@chainlink/contracts/src/v0.8/automation/v2_1/AutomationRegistrar2_1'
import type { AutomationRegistrar2_3 } from './typechain/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistrar2_3'
import type { AutomationRegistry2_3 } from './typechain/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistry2_3'
import type { AutomationRegistryLogicA2_3 } from './typechain/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicA2_3'
import type { AutomationRegistryLogicB2_3 } from './typechain/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicB2_3'
import type { AutomationRegistryLogicC2_3 } from './typechain/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicC2_3'
import type { KeystoneForwarder } from './typechain/@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder'
import type { DataFeedsCache } from './typechain/@chainlink/contracts/src/v0.8/data-feeds/DataFeedsCache'
import type { LinkToken } from './typechain/@chainlink/contracts/src/v0.8/shared/token/ERC677/LinkToken'
import type { MockV3Aggregator } from './typechain/@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator'
import type { PoRAddressList__factory } from './typechain/factories/contracts/PoRAddressList__factory'
import type { ReserveGuard__factory } from './typechain/factories/contracts/ReserveGuard__factory'
import type { SecureMintToken__factory } from './typechain/factories/contracts/SecureMintToken__factory'
import type { DecimalsToken__factory } from './typechain/factories/contracts/mocks/DecimalsToken__factory'
import type { MinimalMulticall3__factory } from './typechain/factories/contracts/mocks/MinimalMulticall3__factory'
import type { MisreportingToken__factory } from './typechain/factories/contracts/mocks/MisreportingToken__factory'
import type { MockMisbehavingTarget__factory } from './typechain/factories/contracts/mocks/MockMisbehavingTarget__factory'
import type { MockOperationsToken__factory } from './typechain/factories/contracts/mocks/MockOperationsToken__factory'
import type { MockPausableAsset__factory } from './typechain/factories/contracts/mocks/MockPausableAsset__factory'
import type { PausableStablecoin__factory } from './typechain/factories/contracts/mocks/PausableStablecoin__factory'
import type { MockReserveFeed__factory } from './typechain/factories/contracts/mocks/MockReserveFeed__factory'
import type { ReserveCheckHarness__factory } from './typechain/factories/contracts/mocks/ReserveCheckHarness__factory'
import type { EACAggregatorProxy__factory } from './typechain/factories/@chainlink/contracts-0.8.0/src/v0.6/EACAggregatorProxy__factory'
import type { FluxAggregator__factory } from './typechain/factories/@chainlink/contracts-0.8.0/src/v0.6/FluxAggregator__factory'
import type { AutomationForwarderLogic__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/AutomationForwarderLogic__factory'
import type { ChainModuleBase__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/chains/ChainModuleBase__factory'
import type { WETH9__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/vendor/canonical-weth/WETH9__factory'
import type { AutomationRegistrar2_1__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/v2_1/AutomationRegistrar2_1__factory'
import type { AutomationRegistrar2_3__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistrar2_3__factory'
import type { AutomationRegistry2_3__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistry2_3__factory'
import type { AutomationRegistryLogicA2_3__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicA2_3__factory'
import type { AutomationRegistryLogicB2_3__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicB2_3__factory'
import type { AutomationRegistryLogicC2_3__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicC2_3__factory'
import type { KeystoneForwarder__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder__factory'
import type { DataFeedsCache__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/data-feeds/DataFeedsCache__factory'
import type { LinkToken__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/shared/token/ERC677/LinkToken__factory'
import type { MockV3Aggregator__factory } from './typechain/factories/@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator__factory'
import type { PolicyEngine } from './typechain/@chainlink/ace/packages/policy-management/src/core/PolicyEngine'
import type { SecureMintPolicy } from './typechain/@chainlink/ace/packages/policy-management/src/policies/SecureMintPolicy'
import type { PausePolicy } from './typechain/@chainlink/ace/packages/policy-management/src/policies/PausePolicy'
import type { OnlyOwnerPolicy } from './typechain/@chainlink/ace/packages/policy-management/src/policies/OnlyOwnerPolicy'
import type { ComplianceTokenMintBurnExtractor } from './typechain/@chainlink/ace/packages/policy-management/src/extractors/ComplianceTokenMintBurnExtractor'
import type { ComplianceTokenERC20 } from './typechain/@chainlink/ace/packages/tokens/erc-20/src/ComplianceTokenERC20'
import type { ERC1967Proxy } from './typechain/@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy'
import type { PolicyEngine__factory } from './typechain/factories/@chainlink/ace/packages/policy-management/src/core/PolicyEngine__factory'
import type { SecureMintPolicy__factory } from './typechain/factories/@chainlink/ace/packages/policy-management/src/policies/SecureMintPolicy__factory'
import type { PausePolicy__factory } from './typechain/factories/@chainlink/ace/packages/policy-management/src/policies/PausePolicy__factory'
import type { OnlyOwnerPolicy__factory } from './typechain/factories/@chainlink/ace/packages/policy-management/src/policies/OnlyOwnerPolicy__factory'
import type { ComplianceTokenMintBurnExtractor__factory } from './typechain/factories/@chainlink/ace/packages/policy-management/src/extractors/ComplianceTokenMintBurnExtractor__factory'
import type { ComplianceTokenERC20__factory } from './typechain/factories/@chainlink/ace/packages/tokens/erc-20/src/ComplianceTokenERC20__factory'
import type { ERC1967Proxy__factory } from './typechain/factories/@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy__factory'

export type {
  AutomationForwarderLogic,
  ComplianceTokenERC20,
  ComplianceTokenMintBurnExtractor,
  ERC1967Proxy,
  OnlyOwnerPolicy,
  PausePolicy,
  PolicyEngine,
  SecureMintPolicy,
  ChainModuleBase,
  DataFeedsCache,
  AutomationRegistrar2_1,
  AutomationRegistrar2_3,
  AutomationRegistry2_3,
  AutomationRegistryLogicA2_3,
  AutomationRegistryLogicB2_3,
  AutomationRegistryLogicC2_3,
  DecimalsToken,
  EACAggregatorProxy,
  FluxAggregator,
  IOperationsPausable,
  IPausable,
  IReportReceiver,
  KeystoneForwarder,
  LinkToken,
  MinimalMulticall3,
  MisreportingToken,
  MockMisbehavingTarget,
  MockOperationsToken,
  MockPausableAsset,
  MockReserveFeed,
  MockV3Aggregator,
  PausableStablecoin,
  PoRAddressList,
  ReserveCheckHarness,
  ReserveGuard,
  SecureMintToken,
  WETH9,
}

const CHAINLINK = '@chainlink/contracts/src/v0.8'
const ACE = '@chainlink/ace/packages'

/** The fully qualified artifact name of every contract handed out here (see `readArtifact`). */
export const ARTIFACT = {
  ReserveGuard: 'contracts/ReserveGuard.sol:ReserveGuard',
  SecureMintToken: 'contracts/SecureMintToken.sol:SecureMintToken',
  PoRAddressList: 'contracts/PoRAddressList.sol:PoRAddressList',
  IReportReceiver: 'contracts/interfaces/IReportReceiver.sol:IReportReceiver',
  IOperationsPausable: 'contracts/interfaces/IOperationsPausable.sol:IOperationsPausable',
  IPausable: 'contracts/interfaces/IPausable.sol:IPausable',
  ISecureMintToken: 'contracts/interfaces/ISecureMintToken.sol:ISecureMintToken',
  DecimalsToken: 'contracts/mocks/DecimalsToken.sol:DecimalsToken',
  MinimalMulticall3: 'contracts/mocks/MinimalMulticall3.sol:MinimalMulticall3',
  MisreportingToken: 'contracts/mocks/MisreportingToken.sol:MisreportingToken',
  MockMisbehavingTarget: 'contracts/mocks/MockMisbehavingTarget.sol:MockMisbehavingTarget',
  MockOperationsToken: 'contracts/mocks/MockOperationsToken.sol:MockOperationsToken',
  MockPausableAsset: 'contracts/mocks/MockPausableAsset.sol:MockPausableAsset',
  MockReserveFeed: 'contracts/mocks/MockReserveFeed.sol:MockReserveFeed',
  PausableStablecoin: 'contracts/mocks/PausableStablecoin.sol:PausableStablecoin',
  ReserveCheckHarness: 'contracts/mocks/ReserveCheckHarness.sol:ReserveCheckHarness',
  MockV3Aggregator: `${CHAINLINK}/shared/mocks/MockV3Aggregator.sol:MockV3Aggregator`,
  AutomationRegistry2_3: `${CHAINLINK}/automation/v2_3/AutomationRegistry2_3.sol:AutomationRegistry2_3`,
  AutomationRegistryLogicA2_3: `${CHAINLINK}/automation/v2_3/AutomationRegistryLogicA2_3.sol:AutomationRegistryLogicA2_3`,
  AutomationRegistryLogicB2_3: `${CHAINLINK}/automation/v2_3/AutomationRegistryLogicB2_3.sol:AutomationRegistryLogicB2_3`,
  AutomationRegistryLogicC2_3: `${CHAINLINK}/automation/v2_3/AutomationRegistryLogicC2_3.sol:AutomationRegistryLogicC2_3`,
  AutomationRegistrar2_3: `${CHAINLINK}/automation/v2_3/AutomationRegistrar2_3.sol:AutomationRegistrar2_3`,
  AutomationForwarderLogic: `${CHAINLINK}/automation/AutomationForwarderLogic.sol:AutomationForwarderLogic`,
  ChainModuleBase: `${CHAINLINK}/automation/chains/ChainModuleBase.sol:ChainModuleBase`,
  LinkToken: `${CHAINLINK}/shared/token/ERC677/LinkToken.sol:LinkToken`,
  WETH9: `${CHAINLINK}/vendor/canonical-weth/WETH9.sol:WETH9`,
  AutomationRegistrar2_1: `${CHAINLINK}/automation/v2_1/AutomationRegistrar2_1.sol:AutomationRegistrar2_1`,
  KeystoneForwarder: `${CHAINLINK}/keystone/KeystoneForwarder.sol:KeystoneForwarder`,
  DataFeedsCache: `${CHAINLINK}/data-feeds/DataFeedsCache.sol:DataFeedsCache`,
  EACAggregatorProxy: '@chainlink/contracts-0.8.0/src/v0.6/EACAggregatorProxy.sol:EACAggregatorProxy',
  FluxAggregator: '@chainlink/contracts-0.8.0/src/v0.6/FluxAggregator.sol:FluxAggregator',
  PolicyEngine: `${ACE}/policy-management/src/core/PolicyEngine.sol:PolicyEngine`,
  SecureMintPolicy: `${ACE}/policy-management/src/policies/SecureMintPolicy.sol:SecureMintPolicy`,
  PausePolicy: `${ACE}/policy-management/src/policies/PausePolicy.sol:PausePolicy`,
  OnlyOwnerPolicy: `${ACE}/policy-management/src/policies/OnlyOwnerPolicy.sol:OnlyOwnerPolicy`,
  ComplianceTokenMintBurnExtractor: `${ACE}/policy-management/src/extractors/ComplianceTokenMintBurnExtractor.sol:ComplianceTokenMintBurnExtractor`,
  ComplianceTokenERC20: `${ACE}/tokens/erc-20/src/ComplianceTokenERC20.sol:ComplianceTokenERC20`,
  ERC1967Proxy: '@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy',
} as const

export type ContractName = keyof typeof ARTIFACT

/** A TypeChain factory type: only its `deploy` signature is used, for the constructor arguments. */
interface Factory {
  deploy(...args: never[]): Promise<unknown>
}

/**
 * The constructor's arguments as TypeChain typed them (an ethers overrides object may follow).
 * `Parameters` of an overloaded or generic `deploy` would be wrong; TypeChain emits neither.
 */
type DeployArgs<F extends Factory> = Parameters<F['deploy']>

/**
 * Attaches to a deployed contract by address, typed as `C`; the ABI is read once, on first use. `C` is not
 * constrained to BaseContract: a contract with a function named like one of BaseContract's methods (ACE's
 * PolicyEngine has `attach()`) is typed by TypeChain with the function in its place. At run time the method
 * wins; call such a function with `getFunction('attach')`.
 */
function attacher<C>(name: ContractName) {
  let abi: InterfaceAbi | undefined
  return (address: string, runner: ContractRunner | null = null): C => {
    abi ??= readArtifact(ARTIFACT[name]).abi as InterfaceAbi
    return new Contract(address, abi, runner) as unknown as C
  }
}

/** Deploys a contract with typed constructor arguments and waits for it to be mined. */
function deployer<C, F extends Factory>(name: ContractName) {
  return async (signer: Signer, ...args: DeployArgs<F>): Promise<C> =>
    (await deploy(signer, ARTIFACT[name], ...args)) as unknown as C
}

/** A contract creation, unsent: its creation code, and the calldata that is that code and the arguments. */
export interface Creation {
  contract: string
  bytecode: string
  data: string
  /** the contract's ABI: its constructor decodes the arguments */
  iface: Interface
}

/**
 * The creation transaction's data of a contract, with typed constructor arguments (for a dry run, or for a
 * sender that is not an ethers signer); {@link deployer} sends the same.
 */
function creator<F extends Factory>(name: ContractName) {
  return (...args: DeployArgs<F>): Creation => {
    const artifact = readArtifact(ARTIFACT[name])
    const iface = new Interface(artifact.abi as InterfaceAbi)
    const data = concat([artifact.bytecode, iface.encodeDeploy(args as unknown[])])
    return { contract: artifact.contractName, bytecode: artifact.bytecode, data, iface }
  }
}

/**
 * The ERC-165 interface id of one of our interfaces, as Solidity's `type(I).interfaceId`: the XOR of the
 * selectors of the functions it declares itself, not of those it inherits, read from the compiled AST.
 */
export function interfaceId(name: 'ISecureMintToken' | 'IOperationsPausable' | 'IPausable'): string {
  const artifact = readArtifact(ARTIFACT[name])
  const build = readBuildOutput(artifact)
  const source = build.sources[artifact.inputSourceName]
  const definition = [...walkAst(source.ast)].find(
    (node) => node.nodeType === 'ContractDefinition' && node.name === name,
  )
  if (!definition) throw new Error(`no ${name} in the build of ${artifact.sourceName}`)
  let id = 0n
  for (const node of definition.nodes as AstNode[]) {
    if (node.nodeType === 'FunctionDefinition' && typeof node.functionSelector === 'string') {
      id ^= BigInt(`0x${node.functionSelector}`)
    }
  }
  return toBeHex(id, 4)
}

// ---------------------------------------------------------------- ours

/**
 * Deploys a ReserveGuard: `admin` receives DEFAULT_ADMIN_ROLE, `delay` (seconds) is the admin delay that
 * admin transfers and asset updates and removals wait.
 */
export const deployReserveGuard = deployer<ReserveGuard, ReserveGuard__factory>('ReserveGuard')
export const reserveGuardAt = attacher<ReserveGuard>('ReserveGuard')
export const reserveGuardCreation = creator<ReserveGuard__factory>('ReserveGuard')

/**
 * Deploys a SecureMintToken minting against its reserve feed: name, symbol, `admin` (receives
 * DEFAULT_ADMIN_ROLE), `delay` (seconds: the admin delay that admin transfers and reserve configuration
 * changes wait), reserve feed, heartbeat, margin.
 */
export const deploySecureMintToken = deployer<SecureMintToken, SecureMintToken__factory>('SecureMintToken')
export const secureMintTokenAt = attacher<SecureMintToken>('SecureMintToken')
export const secureMintTokenCreation = creator<SecureMintToken__factory>('SecureMintToken')

/** Deploys a PoRAddressList administered (and first managed) by `admin`. */
export const deployPoRAddressList = deployer<PoRAddressList, PoRAddressList__factory>('PoRAddressList')
export const porAddressListAt = attacher<PoRAddressList>('PoRAddressList')
export const porAddressListCreation = creator<PoRAddressList__factory>('PoRAddressList')

/** A CRE report receiver (ReserveGuard): its forwarder and allowed workflows. */
export const reportReceiverAt = attacher<IReportReceiver>('IReportReceiver')

/** A token whose mint, redeem and burn can be paused separately (a guard's `Operations` target). */
export const operationsPausableAt = attacher<IOperationsPausable>('IOperationsPausable')
/** A contract paused with `pause()` (a guard's `Pausable` target). */
export const pausableAt = attacher<IPausable>('IPausable')

// ---------------------------------------------------------------- mocks (contracts/mocks/)

/** Deploys a MockReserveFeed whose first answer is updated now. */
export const deployMockReserveFeed = deployer<MockReserveFeed, MockReserveFeed__factory>('MockReserveFeed')
export const mockReserveFeedAt = attacher<MockReserveFeed>('MockReserveFeed')

/** Deploys a MockPausableAsset (an ERC-20 on OpenZeppelin `Pausable`, any decimals). */
export const deployMockPausableAsset = deployer<MockPausableAsset, MockPausableAsset__factory>(
  'MockPausableAsset',
)
export const mockPausableAssetAt = attacher<MockPausableAsset>('MockPausableAsset')

/**
 * Deploys a PausableStablecoin (name, symbol, admin): a 6-decimal ERC-20 minted by `MINTER_ROLE` with no mint gate,
 * paused by `PAUSER_ROLE` (a guard's `Pausable` target); while paused only burns move.
 */
export const deployPausableStablecoin = deployer<PausableStablecoin, PausableStablecoin__factory>(
  'PausableStablecoin',
)
export const pausableStablecoinAt = attacher<PausableStablecoin>('PausableStablecoin')

/**
 * Deploys a MockOperationsToken (an 8-decimal ERC-20 paused by operation, declaring IOperationsPausable through
 * ERC-165, with no rules of its own): its pauser, and the supply minted to the deployer.
 */
export const deployMockOperationsToken = deployer<MockOperationsToken, MockOperationsToken__factory>(
  'MockOperationsToken',
)
export const mockOperationsTokenAt = attacher<MockOperationsToken>('MockOperationsToken')

/** Deploys a MockMisbehavingTarget (both pause interfaces, made to misbehave on demand) reporting `supply`. */
export const deployMockMisbehavingTarget = deployer<MockMisbehavingTarget, MockMisbehavingTarget__factory>(
  'MockMisbehavingTarget',
)
export const mockMisbehavingTargetAt = attacher<MockMisbehavingTarget>('MockMisbehavingTarget')

/** Deploys a DecimalsToken (an ERC-20 of any decimals; the initial supply goes to the deployer). */
export const deployDecimalsToken = deployer<DecimalsToken, DecimalsToken__factory>('DecimalsToken')
export const decimalsTokenAt = attacher<DecimalsToken>('DecimalsToken')

/** Deploys a MisreportingToken (an ERC-20 whose reads can be made to misbehave). */
export const deployMisreportingToken = deployer<MisreportingToken, MisreportingToken__factory>(
  'MisreportingToken',
)
export const misreportingTokenAt = attacher<MisreportingToken>('MisreportingToken')

/** Deploys a MinimalMulticall3 (usually placed at the canonical address instead: devkit/multicall3.ts). */
export const deployMinimalMulticall3 = deployer<MinimalMulticall3, MinimalMulticall3__factory>(
  'MinimalMulticall3',
)
export const minimalMulticall3At = attacher<MinimalMulticall3>('MinimalMulticall3')

/** Deploys the ReserveCheck test harness. */
export const deployReserveCheckHarness = deployer<ReserveCheckHarness, ReserveCheckHarness__factory>(
  'ReserveCheckHarness',
)
export const reserveCheckHarnessAt = attacher<ReserveCheckHarness>('ReserveCheckHarness')

// ---------------------------------------------------------------- Chainlink

/** Deploys Chainlink's MockV3Aggregator. */
export const deployMockV3Aggregator = deployer<MockV3Aggregator, MockV3Aggregator__factory>(
  'MockV3Aggregator',
)
export const mockV3AggregatorAt = attacher<MockV3Aggregator>('MockV3Aggregator')

/** Deploys an Automation 2.3 registry on its logic A (which chains to B, then C). */
export const deployAutomationRegistry2_3 = deployer<AutomationRegistry2_3, AutomationRegistry2_3__factory>(
  'AutomationRegistry2_3',
)
export const automationRegistry2_3At = attacher<AutomationRegistry2_3>('AutomationRegistry2_3')

/** Deploys the Automation 2.3 registry's logic A. */
export const deployAutomationRegistryLogicA2_3 = deployer<
  AutomationRegistryLogicA2_3,
  AutomationRegistryLogicA2_3__factory
>('AutomationRegistryLogicA2_3')
export const automationRegistryLogicA2_3At = attacher<AutomationRegistryLogicA2_3>(
  'AutomationRegistryLogicA2_3',
)

/** Deploys the Automation 2.3 registry's logic B. */
export const deployAutomationRegistryLogicB2_3 = deployer<
  AutomationRegistryLogicB2_3,
  AutomationRegistryLogicB2_3__factory
>('AutomationRegistryLogicB2_3')
export const automationRegistryLogicB2_3At = attacher<AutomationRegistryLogicB2_3>(
  'AutomationRegistryLogicB2_3',
)

/** Deploys the Automation 2.3 registry's logic C (LINK, price feeds, forwarder logic, payout mode, WETH). */
export const deployAutomationRegistryLogicC2_3 = deployer<
  AutomationRegistryLogicC2_3,
  AutomationRegistryLogicC2_3__factory
>('AutomationRegistryLogicC2_3')
export const automationRegistryLogicC2_3At = attacher<AutomationRegistryLogicC2_3>(
  'AutomationRegistryLogicC2_3',
)

/** Deploys an Automation 2.3 registrar. */
export const deployAutomationRegistrar2_3 = deployer<AutomationRegistrar2_3, AutomationRegistrar2_3__factory>(
  'AutomationRegistrar2_3',
)
export const automationRegistrar2_3At = attacher<AutomationRegistrar2_3>('AutomationRegistrar2_3')

/** Deploys the Automation forwarder logic (each upkeep's forwarder delegates to it). */
export const deployAutomationForwarderLogic = deployer<
  AutomationForwarderLogic,
  AutomationForwarderLogic__factory
>('AutomationForwarderLogic')
export const automationForwarderLogicAt = attacher<AutomationForwarderLogic>('AutomationForwarderLogic')

/** Deploys Automation 2.3's chain module for chains without L1 data fees (block number and hash, no L1 cost). */
export const deployChainModuleBase = deployer<ChainModuleBase, ChainModuleBase__factory>('ChainModuleBase')

/** Deploys a LINK token (ERC-677). */
export const deployLinkToken = deployer<LinkToken, LinkToken__factory>('LinkToken')
export const linkTokenAt = attacher<LinkToken>('LinkToken')

/** Deploys WETH9 (a wrapped native token for the registry's billing). */
export const deployWETH9 = deployer<WETH9, WETH9__factory>('WETH9')
export const weth9At = attacher<WETH9>('WETH9')

/** Deploys an Automation 2.1 registrar (only to test that 2.1 is refused). */
export const deployAutomationRegistrar2_1 = deployer<AutomationRegistrar2_1, AutomationRegistrar2_1__factory>(
  'AutomationRegistrar2_1',
)
export const automationRegistrar2_1At = attacher<AutomationRegistrar2_1>('AutomationRegistrar2_1')

/** Deploys a KeystoneForwarder, the CRE forwarder that delivers signed reports to an IReceiver. */
export const deployKeystoneForwarder = deployer<KeystoneForwarder, KeystoneForwarder__factory>(
  'KeystoneForwarder',
)
export const keystoneForwarderAt = attacher<KeystoneForwarder>('KeystoneForwarder')

/**
 * Deploys a DataFeedsCache, the contract CRE data feeds are written to (owned by the deployer; its feeds are
 * read through a proxy each): devkit/data-feeds.ts configures one for the por-feed workflow.
 */
export const deployDataFeedsCache = deployer<DataFeedsCache, DataFeedsCache__factory>('DataFeedsCache')
export const dataFeedsCacheAt = attacher<DataFeedsCache>('DataFeedsCache')

/** Deploys an EACAggregatorProxy, the proxy every Data Feed is read through. */
export const deployEACAggregatorProxy = deployer<EACAggregatorProxy, EACAggregatorProxy__factory>(
  'EACAggregatorProxy',
)
export const eacAggregatorProxyAt = attacher<EACAggregatorProxy>('EACAggregatorProxy')

/**
 * Deploys a FluxAggregator: a Chainlink aggregator whose oracles `submit` answers, emitting `AnswerUpdated` and
 * `NewRound` on each round (LINK token, payment per submission, round timeout, validator, answer bounds,
 * decimals, description).
 */
export const deployFluxAggregator = deployer<FluxAggregator, FluxAggregator__factory>('FluxAggregator')
export const fluxAggregatorAt = attacher<FluxAggregator>('FluxAggregator')

// ---------------------------------------------------------------- Chainlink ACE (@chainlink/ace 1.0.0, BUSL-1.1)

/*
 * ACE's contracts are upgradeable: each implementation disables its initializers in its constructor and is used
 * behind an ERC1967Proxy whose constructor calls `initialize` (devkit/ace.ts deploys them that way, as ACE's own
 * scripts do). The `deploy…Implementation` functions deploy the logic only; attach to the proxy with `…At`.
 */

/** Deploys OpenZeppelin's ERC1967Proxy in front of `implementation`, calling it with `data` (the initializer). */
export const deployERC1967Proxy = deployer<ERC1967Proxy, ERC1967Proxy__factory>('ERC1967Proxy')

/** Deploys ACE's PolicyEngine logic (initialize: `defaultAllow`, `initialOwner`). */
export const deployPolicyEngineImplementation = deployer<PolicyEngine, PolicyEngine__factory>('PolicyEngine')
export const policyEngineAt = attacher<PolicyEngine>('PolicyEngine')

/** Deploys ACE's SecureMintPolicy logic (initialize: policy engine, owner, its configuration). */
export const deploySecureMintPolicyImplementation = deployer<SecureMintPolicy, SecureMintPolicy__factory>(
  'SecureMintPolicy',
)
export const secureMintPolicyAt = attacher<SecureMintPolicy>('SecureMintPolicy')

/** Deploys ACE's PausePolicy logic (initialize: policy engine, owner, `abi.encode(bool paused)`). */
export const deployPausePolicyImplementation = deployer<PausePolicy, PausePolicy__factory>('PausePolicy')
export const pausePolicyAt = attacher<PausePolicy>('PausePolicy')

/** Deploys ACE's OnlyOwnerPolicy logic (initialize: policy engine, owner, no configuration). */
export const deployOnlyOwnerPolicyImplementation = deployer<OnlyOwnerPolicy, OnlyOwnerPolicy__factory>(
  'OnlyOwnerPolicy',
)
export const onlyOwnerPolicyAt = attacher<OnlyOwnerPolicy>('OnlyOwnerPolicy')

/** Deploys ACE's extractor of `mint`, `burn` and `burnFrom` parameters (account, amount); not upgradeable. */
export const deployComplianceTokenMintBurnExtractor = deployer<
  ComplianceTokenMintBurnExtractor,
  ComplianceTokenMintBurnExtractor__factory
>('ComplianceTokenMintBurnExtractor')
export const complianceTokenMintBurnExtractorAt = attacher<ComplianceTokenMintBurnExtractor>(
  'ComplianceTokenMintBurnExtractor',
)

/** Deploys ACE's ComplianceTokenERC20 logic (initialize: name, symbol, decimals, policy engine). */
export const deployComplianceTokenERC20Implementation = deployer<
  ComplianceTokenERC20,
  ComplianceTokenERC20__factory
>('ComplianceTokenERC20')
export const complianceTokenERC20At = attacher<ComplianceTokenERC20>('ComplianceTokenERC20')
