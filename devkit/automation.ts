/**
 * A local Chainlink Automation 2.3 deployment, the real contracts configured the way the network is: LINK,
 * the registry (main contract and logic A, B, C), its forwarder logic and chain module, and the registrar,
 * with billing in LINK and in the wrapped native token. Only the price feeds (LINK/USD, native/USD, fast gas)
 * and the wrapped native token (WETH9) are mocks: they are neither ours nor the parts under test.
 *
 * The deployer owns the registry and the registrar; the DON is a set of fresh keys (`f` = 1, four signers and
 * four transmitters, as `setConfig` requires `n > 3f`) returned with the deployment, so a runner can sign and
 * transmit reports the way the network does. Used by the upkeep tests, `npm run upkeeps -- local` and the
 * end-to-end demo.
 */
import { Contract, Wallet, ZeroAddress, parseEther, parseUnits, type Signer } from 'ethers'
import { deploy } from '#chain/artifacts'
import { deployChainModuleBase } from '#chain/contracts'
import {
  AUTOMATION_ARTIFACTS,
  AutoApproveType,
  PayoutMode,
  Trigger,
  registrarInterface,
  registryInterface,
  linkTokenInterface,
  type RegistrationParams,
} from '#chain/automation'

/** The DON of a local registry: private keys of its signers and transmitters (index i of each is node i). */
export interface DonKeys {
  f: number
  signers: string[]
  transmitters: string[]
}

/** The registry's on-chain limits a deployment is given (the rest are fixed below). */
export interface LocalRegistryLimits {
  checkGasLimit: number
  maxPerformGas: number
  maxCheckDataSize: number
  maxPerformDataSize: number
  maxRevertDataSize: number
}

export interface LocalAutomationOptions extends Partial<LocalRegistryLimits> {
  /** Approve every registration at once (default), or leave them pending for the registrar owner. */
  autoApprove?: boolean
  /** The least a registration must bring, in LINK and in native (wei); default 0. */
  minRegistrationAmount?: bigint
  /** LINK minted to the deployer (default 1,000,000 LINK). */
  linkToMint?: bigint
  /** Native sent to each transmitter for gas (default 5 ETH). */
  transmitterFunding?: bigint
}

/** A local Automation 2.3 deployment: addresses, limits and the DON's keys. Plain data (JSON-safe). */
export interface LocalAutomation {
  chainId: number
  owner: string
  registry: string
  registrar: string
  link: string
  /** the wrapped native token (billing in native goes through it) */
  wrappedNative: string
  feeds: { linkUsd: string; nativeUsd: string; fastGas: string }
  logic: { a: string; b: string; c: string; forwarder: string }
  chainModule: string
  limits: LocalRegistryLimits
  don: DonKeys
}

export const DEFAULT_LIMITS: LocalRegistryLimits = {
  checkGasLimit: 10_000_000,
  maxPerformGas: 5_000_000,
  maxCheckDataSize: 5_000,
  maxPerformDataSize: 2_000,
  maxRevertDataSize: 5_000,
}

/** Billing prices: LINK at $20, native at $3,000 (8-decimal feeds, as the registry requires), gas 20 gwei. */
export const LOCAL_PRICES = {
  linkUsd: parseUnits('20', 8),
  nativeUsd: parseUnits('3000', 8),
  fastGasWei: parseUnits('20', 'gwei'),
} as const

const send = async (tx: Promise<{ wait: () => Promise<unknown> }>): Promise<void> => {
  await (await tx).wait()
}

/** Deploys and configures Automation 2.3 with `deployer` as owner of the registry and the registrar. */
export async function deployLocalAutomation(
  deployer: Signer,
  options: LocalAutomationOptions = {},
): Promise<LocalAutomation> {
  const provider = deployer.provider
  if (!provider) throw new Error('the deployer must be connected to a provider')
  const owner = await deployer.getAddress()
  const chainId = Number((await provider.getNetwork()).chainId)
  const limits: LocalRegistryLimits = {
    checkGasLimit: options.checkGasLimit ?? DEFAULT_LIMITS.checkGasLimit,
    maxPerformGas: options.maxPerformGas ?? DEFAULT_LIMITS.maxPerformGas,
    maxCheckDataSize: options.maxCheckDataSize ?? DEFAULT_LIMITS.maxCheckDataSize,
    maxPerformDataSize: options.maxPerformDataSize ?? DEFAULT_LIMITS.maxPerformDataSize,
    maxRevertDataSize: options.maxRevertDataSize ?? DEFAULT_LIMITS.maxRevertDataSize,
  }
  const address = (c: { getAddress(): Promise<string> }) => c.getAddress()

  const link = await deploy<Contract>(deployer, AUTOMATION_ARTIFACTS.linkToken)
  const wrappedNative = await deploy<Contract>(deployer, AUTOMATION_ARTIFACTS.weth9)
  const linkUsd = await deploy<Contract>(
    deployer,
    AUTOMATION_ARTIFACTS.mockAggregator,
    8,
    LOCAL_PRICES.linkUsd,
  )
  const nativeUsd = await deploy<Contract>(
    deployer,
    AUTOMATION_ARTIFACTS.mockAggregator,
    8,
    LOCAL_PRICES.nativeUsd,
  )
  const fastGas = await deploy<Contract>(
    deployer,
    AUTOMATION_ARTIFACTS.mockAggregator,
    0,
    LOCAL_PRICES.fastGasWei,
  )
  const forwarderLogic = await deploy<Contract>(deployer, AUTOMATION_ARTIFACTS.forwarderLogic)
  const chainModule = await deployChainModuleBase(deployer)

  const logicC = await deploy<Contract>(
    deployer,
    AUTOMATION_ARTIFACTS.registryLogicC,
    await address(link),
    await address(linkUsd),
    await address(nativeUsd),
    await address(fastGas),
    await address(forwarderLogic),
    ZeroAddress, // allowedReadOnlyAddress: checkUpkeep is simulated with tx.origin = address(0), as on most chains
    PayoutMode.ON_CHAIN,
    await address(wrappedNative),
  )
  const logicB = await deploy<Contract>(deployer, AUTOMATION_ARTIFACTS.registryLogicB, await address(logicC))
  const logicA = await deploy<Contract>(deployer, AUTOMATION_ARTIFACTS.registryLogicA, await address(logicB))
  const registryDeployment = await deploy<Contract>(
    deployer,
    AUTOMATION_ARTIFACTS.registry,
    await address(logicA),
  )
  const registryAddress = await address(registryDeployment)
  const registry = new Contract(registryAddress, registryInterface(), deployer)

  const approval = options.autoApprove === false ? AutoApproveType.DISABLED : AutoApproveType.ENABLED_ALL
  const minimum = options.minRegistrationAmount ?? 0n
  const billingTokens = [await address(link), await address(wrappedNative)]
  const registrar = await deploy<Contract>(
    deployer,
    AUTOMATION_ARTIFACTS.registrar,
    billingTokens[0],
    registryAddress,
    [
      { triggerType: Trigger.CONDITION, autoApproveType: approval, autoApproveMaxAllowed: 1_000_000 },
      { triggerType: Trigger.LOG, autoApproveType: approval, autoApproveMaxAllowed: 1_000_000 },
    ],
    billingTokens,
    [minimum, minimum],
    billingTokens[1],
  )
  const registrarAddress = await address(registrar)

  const don: DonKeys = {
    f: 1,
    signers: Array.from({ length: 4 }, () => Wallet.createRandom().privateKey),
    transmitters: Array.from({ length: 4 }, () => Wallet.createRandom().privateKey),
  }
  const onchainConfig = {
    checkGasLimit: limits.checkGasLimit,
    maxPerformGas: limits.maxPerformGas,
    maxCheckDataSize: limits.maxCheckDataSize,
    transcoder: ZeroAddress,
    reorgProtectionEnabled: true,
    stalenessSeconds: 90_000,
    maxPerformDataSize: limits.maxPerformDataSize,
    maxRevertDataSize: limits.maxRevertDataSize,
    upkeepPrivilegeManager: owner,
    gasCeilingMultiplier: 2,
    financeAdmin: owner,
    fallbackGasPrice: LOCAL_PRICES.fastGasWei,
    fallbackLinkPrice: LOCAL_PRICES.linkUsd,
    fallbackNativePrice: LOCAL_PRICES.nativeUsd,
    registrars: [registrarAddress],
    chainModule: await address(chainModule),
  }
  const billingConfigs = [
    {
      gasFeePPB: 200_000_000, // a 20 % premium, as on Ethereum
      flatFeeMilliCents: 0,
      priceFeed: await address(linkUsd),
      decimals: 18,
      fallbackPrice: LOCAL_PRICES.linkUsd,
      minSpend: parseEther('0.1'), // held back at cancellation if the upkeep spent less
    },
    {
      gasFeePPB: 200_000_000,
      flatFeeMilliCents: 0,
      priceFeed: await address(nativeUsd),
      decimals: 18,
      fallbackPrice: LOCAL_PRICES.nativeUsd,
      minSpend: 0n,
    },
  ]
  await send(
    registry.setConfigTypeSafe(
      don.signers.map((key) => new Wallet(key).address),
      don.transmitters.map((key) => new Wallet(key).address),
      don.f,
      onchainConfig,
      0,
      '0x',
      billingTokens,
      billingConfigs,
    ),
  )

  const linkToken = new Contract(billingTokens[0], linkTokenInterface(), deployer)
  await send(linkToken.grantMintRole(owner))
  await send(linkToken.mint(owner, options.linkToMint ?? parseEther('1000000')))
  for (const key of don.transmitters) {
    const value = options.transmitterFunding ?? parseEther('5')
    await send(deployer.sendTransaction({ to: new Wallet(key).address, value }))
  }

  return {
    chainId,
    owner,
    registry: registryAddress,
    registrar: registrarAddress,
    link: billingTokens[0],
    wrappedNative: billingTokens[1],
    feeds: {
      linkUsd: await address(linkUsd),
      nativeUsd: await address(nativeUsd),
      fastGas: await address(fastGas),
    },
    logic: {
      a: await address(logicA),
      b: await address(logicB),
      c: await address(logicC),
      forwarder: await address(forwarderLogic),
    },
    chainModule: await address(chainModule),
    limits,
    don,
  }
}

/**
 * Approves a pending registration as the registrar's owner (on a public network, Chainlink does this): reads
 * the request back from its `RegistrationRequested` event and returns the new upkeep's id.
 */
export async function approveRegistration(
  owner: Signer,
  registrarAddress: string,
  hash: string,
): Promise<bigint> {
  const provider = owner.provider
  if (!provider) throw new Error('the registrar owner must be connected to a provider')
  const registrar = new Contract(registrarAddress, registrarInterface(), owner)
  const requested = registrar.interface.getEvent('RegistrationRequested')!
  const [log] = await provider.getLogs({
    address: registrarAddress,
    topics: [requested.topicHash, hash],
    fromBlock: 0,
    toBlock: 'latest',
  })
  if (!log) throw new Error(`the registrar ${registrarAddress} has no registration request ${hash}`)
  const event = registrar.interface.parseLog(log)!
  const params: RegistrationParams = {
    upkeepContract: event.args.upkeepContract,
    amount: event.args.amount,
    adminAddress: event.args.adminAddress,
    gasLimit: event.args.gasLimit,
    triggerType: event.args.triggerType,
    billingToken: event.args.billingToken,
    name: event.args.name,
    encryptedEmail: event.args.encryptedEmail,
    checkData: event.args.checkData,
    triggerConfig: event.args.triggerConfig,
    offchainConfig: event.args.offchainConfig,
  }
  const receipt = await (await registrar.approve(params)).wait()
  const approved = registrar.interface.getEvent('RegistrationApproved')!
  for (const entry of receipt.logs) {
    if (
      entry.address.toLowerCase() === registrarAddress.toLowerCase() &&
      entry.topics[0] === approved.topicHash
    ) {
      return BigInt(entry.topics[2])
    }
  }
  throw new Error(`approving ${hash} emitted no RegistrationApproved`)
}
