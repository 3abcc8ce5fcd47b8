/**
 * Where `npm run guard` acts and who sends: the RPC (`--rpc-url` or `GUARD_RPC_URL`), checked against the network
 * named (a network of upkeeps/networks.json, by its chain id, or `local`: a development chain), and the key
 * (`GUARD_PRIVATE_KEY`, from the environment only). How its transactions are described and sent: reverts decoded
 * with the guard's, the token's, the list's and ACE's PausePolicy's ABIs, enums by name.
 */
import {
  getAddress,
  type Interface,
  type JsonRpcProvider,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import {
  eacAggregatorProxyAt,
  fluxAggregatorAt,
  pausePolicyAt,
  porAddressListAt,
  reserveGuardAt,
  secureMintTokenAt,
} from '#chain/contracts'
import { Hold, MarginMode, PauseMode, Reason, StalePolicy, SupplyKind, Verdict, enumName } from '#chain/types'
import { DEV_CHAIN_IDS, isDevChain } from '#common/evm-chains'
import type { ParsedOptions } from '#devkit/cli'
import { CliError, optionText as text, wholeNumberOption } from '#devkit/cli'
import * as chainCli from '#devkit/chain-cli'
import type { PlannedTx, TxCodec, TxSession } from '#devkit/chain-cli'
import { loadNetworks } from '../upkeeps/network'
import { roleName } from './contracts'
import { showTime } from './format'
import { operationNames } from './pause-mode'

/** The variables the guard commands read. */
export const ENV = { privateKey: 'GUARD_PRIVATE_KEY', rpcUrl: 'GUARD_RPC_URL' } as const

export type Env = Record<string, string | undefined>

export interface Connection {
  provider: JsonRpcProvider
  chainId: number
  /** the network's name: one of networks.json, or `local` */
  network?: string
}

export interface Session extends TxSession {
  connection: Connection
}

/** The option readers every command uses (devkit/cli.ts). */
export { text, wholeNumberOption }

/**
 * Connects to the RPC and checks it is the network named: `local` is any development chain (`DEV_CHAIN_IDS`),
 * another name the chain id networks.json gives it. Without `--network`, the network is the one with the RPC's
 * chain id, if any.
 */
export async function connect(options: ParsedOptions, env: Env): Promise<Connection> {
  const url = text(options, 'rpc-url') ?? env[ENV.rpcUrl]
  if (!url) throw new CliError(`no RPC endpoint: pass --rpc-url or set ${ENV.rpcUrl}`, 'usage')
  const { provider, chainId } = await chainCli.connectRpc(url)
  const networks = loadNetworks()
  const named = text(options, 'network')
  const fail = (message: string): never => {
    provider.destroy()
    throw new CliError(message, 'usage')
  }
  if (named === 'local') {
    if (!isDevChain(chainId)) {
      fail(
        `--network local is a development chain (${DEV_CHAIN_IDS.join(', ')}), but the RPC at ` +
          `${chainCli.hostOf(url)} is chain ${chainId}`,
      )
    }
    return { provider, chainId, network: 'local' }
  }
  if (named !== undefined) {
    const entry = networks[named]
    if (!entry)
      fail(
        `unknown network ${named}: upkeeps/networks.json has ${[...Object.keys(networks), 'local'].join(', ')}`,
      )
    if (entry.chainId !== chainId) {
      fail(
        `the RPC at ${chainCli.hostOf(url)} is chain ${chainId}, but network ${named} is chain ${entry.chainId}`,
      )
    }
    return { provider, chainId, network: named }
  }
  const match = Object.entries(networks).find(([, entry]) => entry.chainId === chainId)
  return { provider, chainId, network: match?.[0] ?? (isDevChain(chainId) ? 'local' : undefined) }
}

/** `base-sepolia, chain 84532` */
export function where(connection: Connection): string {
  return `${connection.network ? `${connection.network}, ` : ''}chain ${connection.chainId}`
}

/**
 * Who sends: the key in GUARD_PRIVATE_KEY; in a dry run without one, the address of `--from`, against which the
 * roles are checked.
 */
export async function openSession(options: ParsedOptions, env: Env, purpose: string): Promise<Session> {
  const connection = await connect(options, env)
  const dryRun = options['dry-run'] === true
  const from = addressOption(options, 'from')
  if (dryRun && !env[ENV.privateKey]) {
    if (!from) {
      throw new CliError(
        `a dry run checks the transactions against their sender: set ${ENV.privateKey} or pass --from <address>`,
        'usage',
      )
    }
    return { connection, from, dryRun }
  }
  const signer: Signer = chainCli.signerFromEnv(env, ENV.privateKey, connection.provider, purpose)
  return { connection, signer, from: await signer.getAddress(), dryRun }
}

/** An address option, checksummed; undefined when not given. */
export function addressOption(options: ParsedOptions, name: string): string | undefined {
  const value = text(options, name)
  if (value === undefined) return undefined
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new CliError(`--${name} must be an address (0x and 40 hex digits), got ${value}`, 'usage')
  }
  try {
    return getAddress(value)
  } catch {
    throw new CliError(
      `--${name} ${value} fails its EIP-55 checksum: check it, or write it in lower case`,
      'usage',
    )
  }
}

/** A required address option. */
export function requiredAddress(options: ParsedOptions, name: string): string {
  const value = addressOption(options, name)
  if (!value) throw new CliError(`--${name} <address> is required`, 'usage')
  return value
}

// ---------------------------------------------------------------- describing and sending

const ZERO = '0x0000000000000000000000000000000000000000'

/** Every ABI a revert may come from, most specific first. */
function knownInterfaces(): Interface[] {
  return [
    reserveGuardAt(ZERO).interface,
    secureMintTokenAt(ZERO).interface,
    porAddressListAt(ZERO).interface,
    fluxAggregatorAt(ZERO).interface,
    eacAggregatorProxyAt(ZERO).interface,
    pausePolicyAt(ZERO).interface,
  ] as unknown as Interface[]
}

/** Enums by name and instants in UTC, in decoded calls and errors. */
const formatArgument: chainCli.ArgumentFormatter = (_call, input, value) => {
  if (input === 'role' && typeof value === 'string') return roleName(value)
  if (typeof value !== 'bigint') return undefined
  const mirrors: Record<string, Record<string, bigint>> = {
    verdict: Verdict,
    reason: Reason,
    hold: Hold,
    pauseMode: PauseMode,
    supplyKind: SupplyKind,
    stalePolicy: StalePolicy,
    marginMode: MarginMode,
  }
  if (mirrors[input]) return enumName(mirrors[input], value)
  if (input === 'operations') return `${value} (${operationNames(value).join(', ') || 'none'})`
  if (input === 'readyAt' || input === 'expiresAt' || input === 'schedule') return showTime(value)
  return undefined
}

/** A revert, decoded with the ABIs the guard commands know. */
export function decodeRevert(data: string | undefined): string | undefined {
  return chainCli.decodeRevert(data, knownInterfaces(), formatArgument)
}

export const GUARD_CODEC: TxCodec = {
  describe: (tx: PlannedTx) => chainCli.describeTx(tx, formatArgument),
  send: (signer: Signer, tx: PlannedTx): Promise<TransactionReceipt> =>
    chainCli.sendTx(signer, tx, knownInterfaces(), formatArgument),
}
