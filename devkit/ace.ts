/**
 * Chainlink ACE (`@chainlink/ace` 1.0.0, BUSL-1.1; a dev dependency, see the README's toolchain notes) on a local
 * chain, deployed as ACE deploys it: its script `DeployComplianceTokenERC20.s.sol` and its tests' `BaseProxyTest`
 * put every PolicyEngine, policy and token implementation behind an OpenZeppelin `ERC1967Proxy` whose constructor
 * calls the initializer (the implementations disable theirs), and deploy extractors plainly.
 *
 * {@link deployAceMintGate} builds the Secure Mint set-up Chainlink documents: a `ComplianceTokenERC20` whose `mint`
 * runs, through its PolicyEngine, a `PausePolicy` (first: a policy that allows a call skips those after it, so a pause
 * must run before any), an `OnlyOwnerPolicy` (only the token owner mints, as in ACE's deploy script) and a
 * `SecureMintPolicy` reading a reserve feed. Each policy returns `Continue` or reverts
 * `PolicyRejected(reason)`, which the engine turns into `PolicyRunRejected(policy, reason, payload)`; a policy that
 * reverts otherwise (a feed that reverts, an overflow) gives `PolicyRunError(policy, error, payload)`. Both are
 * the engine's errors: decode them with its interface ({@link aceRefusal}).
 */
import { type BaseContract, type Interface, type Signer } from 'ethers'
import {
  complianceTokenERC20At,
  deployComplianceTokenERC20Implementation,
  deployComplianceTokenMintBurnExtractor,
  deployERC1967Proxy,
  deployOnlyOwnerPolicyImplementation,
  deployPausePolicyImplementation,
  deployPolicyEngineImplementation,
  deploySecureMintPolicyImplementation,
  onlyOwnerPolicyAt,
  pausePolicyAt,
  policyEngineAt,
  secureMintPolicyAt,
  type ComplianceTokenERC20,
  type ComplianceTokenMintBurnExtractor,
  type OnlyOwnerPolicy,
  type PausePolicy,
  type PolicyEngine,
  type SecureMintPolicy,
} from '#chain/contracts'
import {
  ReserveMarginMode,
  encodePausePolicyConfig,
  encodeSecureMintPolicyConfig,
  type SecureMintPolicyConfig,
} from '#chain/ace'
import { mined } from '#chain/events'

/** An implementation's `initialize` call, encoded with its ABI. */
function initializer(implementation: BaseContract, args: unknown[]): string {
  return implementation.interface.encodeFunctionData('initialize', args)
}

/** Deploys `implementation`'s proxy, initialized in its constructor; returns the proxy's address. */
async function behindProxy(deployer: Signer, implementation: BaseContract, args: unknown[]): Promise<string> {
  const proxy = await deployERC1967Proxy(deployer, implementation, initializer(implementation, args))
  return proxy.getAddress()
}

/**
 * Deploys a PolicyEngine behind its proxy. `owner` holds its three roles (DEFAULT_ADMIN, ADMIN,
 * POLICY_CONFIG_ADMIN). `defaultAllow`: what a call gets when every policy returned `Continue` (ACE's deploy
 * script: allow).
 */
export async function deployPolicyEngine(
  deployer: Signer,
  { owner, defaultAllow = true }: { owner?: string; defaultAllow?: boolean } = {},
): Promise<PolicyEngine> {
  const implementation = await deployPolicyEngineImplementation(deployer)
  const address = await behindProxy(deployer, implementation, [
    defaultAllow,
    owner ?? (await deployer.getAddress()),
  ])
  return policyEngineAt(address, deployer)
}

/** The policies deployed here, by ACE contract name. */
type PolicyKinds = {
  SecureMintPolicy: SecureMintPolicy
  PausePolicy: PausePolicy
  OnlyOwnerPolicy: OnlyOwnerPolicy
}

const POLICIES = {
  SecureMintPolicy: [deploySecureMintPolicyImplementation, secureMintPolicyAt],
  PausePolicy: [deployPausePolicyImplementation, pausePolicyAt],
  OnlyOwnerPolicy: [deployOnlyOwnerPolicyImplementation, onlyOwnerPolicyAt],
} as const

/**
 * Deploys a policy behind its proxy, for `engine`, owned by `owner` (who alone may call its setters), with its
 * `configParams` (chain/ace.ts encodes them).
 */
export async function deployPolicy<K extends keyof PolicyKinds>(
  deployer: Signer,
  kind: K,
  engine: string,
  owner: string,
  configParams = '0x',
): Promise<PolicyKinds[K]> {
  const [deployImplementation, at] = POLICIES[kind]
  const implementation = (await deployImplementation(deployer)) as unknown as BaseContract
  const address = await behindProxy(deployer, implementation, [engine, owner, configParams])
  return at(address, deployer) as PolicyKinds[K]
}

/**
 * Deploys a ComplianceTokenERC20 behind its proxy. Its owner is the deployer (the initializer makes
 * `msg.sender` the owner); it attaches itself to `engine`.
 */
export async function deployComplianceToken(
  deployer: Signer,
  engine: string,
  { name, symbol, decimals }: { name: string; symbol: string; decimals: number },
): Promise<ComplianceTokenERC20> {
  const implementation = await deployComplianceTokenERC20Implementation(deployer)
  const address = await behindProxy(deployer, implementation, [name, symbol, decimals, engine])
  return complianceTokenERC20At(address, deployer)
}

/** The SecureMintPolicy's settings in {@link AceMintGateOptions}; the token is filled in. */
export type SecureMintSettings = Pick<SecureMintPolicyConfig, 'reservesFeed'> &
  Partial<Omit<SecureMintPolicyConfig, 'reservesFeed' | 'token' | 'tokenDecimals'>>

export interface AceMintGateOptions {
  name?: string
  symbol?: string
  /** The token's decimals (default 8, as SecureMintToken's); the policy is told the same. */
  decimals?: number
  /** The reserve feed and the rules (defaults: no margin, no staleness limit, as ACE's own default of 0). */
  secureMint: SecureMintSettings
  /**
   * Who owns the PausePolicy, and so alone may `setPausedState` (default: the deployer). A guard that pauses the
   * token's mint must own it (PauseMode.AcePausePolicy).
   */
  pauser?: string
  /** The PausePolicy's initial state (default not paused). */
  paused?: boolean
}

export interface AceMintGate {
  engine: PolicyEngine
  engineAddress: string
  /** The token, connected to its owner (the deployer), the only account OnlyOwnerPolicy lets mint. */
  token: ComplianceTokenERC20
  tokenAddress: string
  extractor: ComplianceTokenMintBurnExtractor
  onlyOwner: OnlyOwnerPolicy
  pause: PausePolicy
  secureMint: SecureMintPolicy
  /** `mint(address,uint256)`'s selector, the one the policies are attached to. */
  mintSelector: string
}

/**
 * A ComplianceTokenERC20 whose `mint` is gated as Chainlink's Secure Mint gates it: the PolicyEngine runs, in this
 * order, PausePolicy (owned by `pauser`; first, where a guard requires it), OnlyOwnerPolicy (the token owner mints)
 * and SecureMintPolicy (its `amount` parameter extracted by ComplianceTokenMintBurnExtractor), each returning
 * `Continue`; the engine's default then allows. The deployer owns the engine, the token and the two other policies.
 */
export async function deployAceMintGate(deployer: Signer, options: AceMintGateOptions): Promise<AceMintGate> {
  const { name = 'Compliance BTC', symbol = 'cBTC', decimals = 8, secureMint: settings } = options
  const owner = await deployer.getAddress()
  const engine = await deployPolicyEngine(deployer, { owner })
  const engineAddress = await engine.getAddress()
  const token = await deployComplianceToken(deployer, engineAddress, { name, symbol, decimals })
  const tokenAddress = await token.getAddress()
  const mintSelector = token.interface.getFunction('mint')!.selector

  const extractor = await deployComplianceTokenMintBurnExtractor(deployer)
  await mined(engine.setExtractor(mintSelector, extractor))
  const onlyOwner = await deployPolicy(deployer, 'OnlyOwnerPolicy', engineAddress, owner)
  const pause = await deployPolicy(
    deployer,
    'PausePolicy',
    engineAddress,
    options.pauser ?? owner,
    encodePausePolicyConfig(options.paused ?? false),
  )
  const secureMint = await deployPolicy(
    deployer,
    'SecureMintPolicy',
    engineAddress,
    owner,
    encodeSecureMintPolicyConfig({
      marginMode: ReserveMarginMode.None,
      marginAmount: 0n,
      maxStalenessSeconds: 0n,
      ...settings,
      token: tokenAddress,
      tokenDecimals: decimals,
    }),
  )
  await mined(engine.addPolicy(tokenAddress, mintSelector, pause, []))
  await mined(engine.addPolicy(tokenAddress, mintSelector, onlyOwner, []))
  await mined(engine.addPolicy(tokenAddress, mintSelector, secureMint, [await extractor.PARAM_AMOUNT()]))
  return {
    engine,
    engineAddress,
    token,
    tokenAddress,
    extractor,
    onlyOwner,
    pause,
    secureMint,
    mintSelector,
  }
}

/** Why the engine refused a call: a policy's rejection (its reason), or a policy's error (its revert data). */
export type AceRefusal =
  { kind: 'rejected'; policy: string; reason: string } | { kind: 'error'; policy: string; error: string }

/**
 * Awaits a call that the policy engine must refuse, and says why (`PolicyRunRejected` or `PolicyRunError`);
 * anything else (success, another revert) is an error. Pass a `staticCall`: a refused transaction fails its gas
 * estimate, which would use up a nonce in ethers' NonceManager.
 */
export async function aceRefusal(engine: PolicyEngine, call: Promise<unknown>): Promise<AceRefusal> {
  let error: unknown
  try {
    await call
  } catch (e) {
    error = e
  }
  if (error === undefined) throw new Error('expected the policy engine to refuse the call, but it succeeded')
  const data = (error as { data?: string }).data
  const parsed = data ? engine.interface.parseError(data) : null
  if (parsed?.name === 'PolicyRunRejected') {
    return {
      kind: 'rejected',
      policy: parsed.args.policy as string,
      reason: parsed.args.rejectReason as string,
    }
  }
  if (parsed?.name === 'PolicyRunError') {
    return { kind: 'error', policy: parsed.args.policy as string, error: parsed.args.errorReason as string }
  }
  throw error as Error
}

/** What {@link aceMintOutcome} says when the mint goes through. */
export const MINTED = 'minted'

/**
 * What `gate`'s token answers to a mint of `amount` to `to` by `from` (default: the token's runner), asked with a
 * static call: {@link MINTED}; `refused: <reason>`, the reason of the policy that rejected it; or
 * `error: <what>`, a policy's own revert: `no data` (a failed call or decoding), a panic or an `Error(string)`
 * (`Panic(17)`), a custom error one of `errors` knows (`FeedDown()`), or else its raw data.
 */
export async function aceMintOutcome(
  gate: AceMintGate,
  to: string,
  amount: bigint,
  { from, errors = [] }: { from?: Signer; errors?: Interface[] } = {},
): Promise<string> {
  const token = from ? gate.token.connect(from) : gate.token
  try {
    await token.mint.staticCall(to, amount)
    return MINTED
  } catch (error) {
    const refusal = await aceRefusal(gate.engine, Promise.reject(error))
    if (refusal.kind === 'rejected') return `refused: ${refusal.reason}`
    if (refusal.error === '0x') return 'error: no data'
    for (const abi of [gate.token.interface, ...errors]) {
      const parsed = abi.parseError(refusal.error)
      if (parsed) return `error: ${parsed.name}(${[...parsed.args].join(', ')})`
    }
    return `error: ${refusal.error}`
  }
}
