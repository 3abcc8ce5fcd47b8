/**
 * Running `npm run guard` in-process against a local chain, with a funded key of one's own, and the feeds the
 * commands are pointed at: Chainlink's FluxAggregator behind its EACAggregatorProxy (devkit/data-feeds.ts).
 */
import { Wallet, parseEther, toQuantity, type JsonRpcProvider } from 'ethers'
import { deployAggregatorFeed, type AggregatorFeed } from '#devkit/data-feeds'
import { runCli } from '../cli'
import type { Env } from '../session'

export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs the CLI in-process with the given environment. */
export async function guardCli(argv: string[], env: Env): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** Runs a command that must succeed, with `--json`; returns its data. */
export async function guardJson(argv: string[], env: Env): Promise<Record<string, unknown>> {
  const run = await guardCli([...argv, '--json'], env)
  if (run.code !== 0) throw new Error(`${argv[0]} exited ${run.code}: ${run.out} ${run.err}`)
  return JSON.parse(run.out) as Record<string, unknown>
}

/** A fresh account with 1,000 ETH on the chain, as a wallet (its key is what the CLI reads). */
export async function fundedWallet(provider: JsonRpcProvider): Promise<Wallet> {
  const wallet = Wallet.createRandom().connect(provider)
  await provider.send('hardhat_setBalance', [wallet.address, toQuantity(parseEther('1000'))])
  return new Wallet(wallet.privateKey, provider)
}

/** The CLI's environment: the chain's RPC and a key. */
export function guardEnv(rpcUrl: string, key?: Wallet): Env {
  return key ? { GUARD_RPC_URL: rpcUrl, GUARD_PRIVATE_KEY: key.privateKey } : { GUARD_RPC_URL: rpcUrl }
}

/** A BTC reserve feed with 8 decimals answering `reserves` whole BTC, its oracle `oracle`. */
export async function btcFeed(oracle: Wallet, reserves: bigint): Promise<AggregatorFeed> {
  const feed = await deployAggregatorFeed(oracle, oracle, { decimals: 8, description: 'BTC PoR' })
  await feed.submit(reserves * 10n ** 8n)
  return feed
}

/** `deploy`'s arguments for a guard with `delay` and a SecureMintToken sBTC on `feed`, stale after `heartbeat`. */
export function deployArgs(feed: string, delay: string, heartbeat: string): string[] {
  return [
    'deploy',
    '--delay',
    delay,
    '--token-name',
    'Secure BTC',
    '--token-symbol',
    'sBTC',
    '--feed',
    feed,
    '--heartbeat',
    heartbeat,
  ]
}

/** The address `deploy` printed for a contract (`ReserveGuard`, `SecureMintToken`, `PoRAddressList`). */
export function deployedAt(text: string, contract: string): string {
  const match = new RegExp(`^${contract}[^\\n]*?: (?:is|would be) at (0x[0-9a-fA-F]{40})`, 'm').exec(text)
  if (!match) throw new Error(`no ${contract} address in:\n${text}`)
  return match[1]
}
