import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Contract,
  Wallet,
  ZeroAddress,
  parseEther,
  toQuantity,
  type JsonRpcProvider,
  type NonceManager,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import { deploy } from '#chain/artifacts'
import { compiledEnumMembers, linkTokenInterface, registryInterface } from '#chain/automation'
import { deployLocalAutomation, type LocalAutomation } from '#devkit/automation'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { writeLocalDeployment, type Env } from '../network'
import { runCli } from '../cli'

export const MOCK_FEED = 'contracts/mocks/MockReserveFeed.sol:MockReserveFeed'
export const FEED_PROXY = '@chainlink/contracts-0.8.0/src/v0.6/EACAggregatorProxy.sol:EACAggregatorProxy'
export const TOKEN = 10n ** 8n // one whole SecureMintToken (8 decimals)

/** An IReserveGuard enum value by member name, from the compiled contracts (no hand-written mirror). */
export function guardEnum(name: 'SupplyKind' | 'PauseMode', member: string): bigint {
  const members = compiledEnumMembers({
    artifact: 'ReserveGuard',
    path: 'contracts/interfaces/IReserveGuard.sol',
    scope: 'IReserveGuard',
    name,
  })
  const index = members.indexOf(member)
  if (index < 0) throw new Error(`no ${name}.${member}`)
  return BigInt(index)
}

export async function mined(
  tx: Promise<{ wait: () => Promise<TransactionReceipt | null> }>,
): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait()
  if (!receipt) throw new Error('not mined')
  return receipt
}

/** A fresh account with 1,000 ETH, as a private key (for the CLI, which reads its key from the environment). */
export async function fundedKey(provider: JsonRpcProvider): Promise<string> {
  const wallet = Wallet.createRandom()
  await provider.send('hardhat_setBalance', [wallet.address, toQuantity(parseEther('1000'))])
  return wallet.privateKey
}

export interface GuardedToken {
  guard: Contract
  token: Contract
  /** the aggregator behind the proxy: it emits AnswerUpdated */
  aggregator: Contract
  /** Chainlink's EACAggregatorProxy: the feed the token and the guard read */
  proxy: Contract
  address: { guard: string; token: string; aggregator: string; proxy: string }
}

/**
 * A SecureMintToken backed by a reserve feed (a feed mock behind Chainlink's own proxy), guarded by a
 * ReserveGuard, wired as docs/contracts.md says: the guard holds the token's PAUSER_ROLE and protects it with
 * its mint, redeem and burn flags. `reserves` and `supply` are whole tokens (8 decimals).
 */
export async function deployGuardedToken(
  admin: Signer,
  reserves: bigint,
  supply: bigint,
  guard?: Contract,
): Promise<GuardedToken> {
  const adminAddress = await admin.getAddress()
  const aggregator = await deploy<Contract>(admin, MOCK_FEED, 8, reserves * TOKEN)
  const proxy = await deploy<Contract>(admin, FEED_PROXY, await aggregator.getAddress(), ZeroAddress)
  const proxyAddress = await proxy.getAddress()
  const token = await deploy<Contract>(
    admin,
    'SecureMintToken',
    'Secure BTC',
    'sBTC',
    adminAddress,
    0, // no admin delay
    proxyAddress,
    86_400,
    0, // no margin (MarginMode.None)
    0,
  )
  const tokenAddress = await token.getAddress()
  guard ??= await deploy<Contract>(admin, 'ReserveGuard', adminAddress, 0) // no admin delay
  const guardAddress = await guard.getAddress()
  await mined(token.grantRole(await token.PAUSER_ROLE(), guardAddress))
  await mined(token.grantRole(await token.MINTER_ROLE(), adminAddress))
  if (supply > 0n) await mined(token.mint(adminAddress, supply * TOKEN))
  await mined(
    guard.addAsset(tokenAddress, {
      reserveFeed: proxyAddress,
      supplyKind: guardEnum('SupplyKind', 'TokenTotalSupply'),
      supplySource: tokenAddress,
      heartbeat: 86_400,
      supplyHeartbeat: 0, // the token's totalSupply(), read live
      stalePolicy: 0n, // FailClosed
      marginMode: 0n, // None: the reserves back the whole supply
      marginAmount: 0n,
      pauseMode: guardEnum('PauseMode', 'Operations'),
      operations: 7n, // mint, redeem, burn
      pauseGas: 100_000, // the guard's MIN_PAUSE_GAS
    }),
  )
  return {
    guard,
    token,
    aggregator,
    proxy,
    address: {
      guard: guardAddress,
      token: tokenAddress,
      aggregator: await aggregator.getAddress(),
      proxy: proxyAddress,
    },
  }
}

export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs the CLI in-process with the given environment. */
export async function cli(argv: string[], env: Env): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** A CLI environment for a local chain and a local deployment written to a temporary file. */
export function cliEnv(rpcUrl: string, privateKey: string | undefined, deployment?: LocalAutomation): Env {
  const env: Env = {
    UPKEEPS_RPC_URL: rpcUrl,
    UPKEEPS_LOCAL_DEPLOYMENT: join(mkdtempSync(join(tmpdir(), 'upkeeps-')), 'local-deployment.json'),
  }
  if (privateKey) env.UPKEEPS_PRIVATE_KEY = privateKey
  if (deployment) writeLocalDeployment(env, deployment)
  return env
}

/** Registers an upkeep on a guard through the CLI (`--network local`); returns its id. */
export async function registerUpkeep(env: Env, guard: string, args: string[]): Promise<bigint> {
  const run = await cli(['register', '--network', 'local', '--guard', guard, ...args, '--json'], env)
  if (run.code !== 0) throw new Error(`register failed: ${run.err || run.out}`)
  return BigInt(JSON.parse(run.out).upkeep.id)
}

/** A test file's own Automation 2.3 on the shared chain A, and an issuer holding 1,000 LINK, with its CLI env. */
export interface LocalSetup {
  provider: JsonRpcProvider
  /** the registry's and registrar's owner (its key: `owner.signer`) */
  owner: NonceManager
  automation: LocalAutomation
  issuer: Wallet
  env: Env
  registry: Contract
}

export async function localSetup(): Promise<LocalSetup> {
  const provider = localProvider()
  const owner = await fundedSigner(provider)
  const automation = await deployLocalAutomation(owner)
  const issuer = new Wallet(await fundedKey(provider), provider)
  await mined(
    new Contract(automation.link, linkTokenInterface(), owner).transfer(issuer.address, parseEther('1000')),
  )
  return {
    provider,
    owner,
    automation,
    issuer,
    env: cliEnv(localChainUrl('A'), issuer.privateKey, automation),
    registry: new Contract(automation.registry, registryInterface(), provider),
  }
}
