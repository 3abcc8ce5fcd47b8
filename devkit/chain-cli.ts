/**
 * What the tools that send transactions share (`npm run upkeeps`, `npm run guard`), beside devkit/cli.ts's
 * command lines: the RPC endpoint and the signing key, both from the environment (the RPC also from a flag);
 * transactions planned first, then sent, or in a dry run printed (to, value, decoded call, calldata) and not
 * sent; and revert data decoded with every ABI the tool knows, so a refusal reads as its error's name.
 * Nothing here prompts: a missing setting is a {@link CliError} that says which one.
 */
import {
  AbiCoder,
  Interface,
  NonceManager,
  Result,
  Wallet,
  formatEther,
  isError,
  type JsonRpcProvider,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
} from 'ethers'
import { isDevChain } from '#common/evm-chains'
import { CliError } from './cli'
import { chainProvider } from './local-chain'

// ---------------------------------------------------------------- the RPC and the key

/** The host of a URL, for messages: RPC URLs often carry an API key in their path or query. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the RPC'
  }
}

/**
 * A provider for the RPC at `url`, and its chain id, asked once with a timeout (an ethers provider would retry an
 * unreachable endpoint forever, waiting to detect its network). On a public chain, receipts are polled at a pace
 * the RPC accepts; a local chain mines at once.
 */
export async function connectRpc(url: string): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  let answer: { result?: string; error?: { message?: string } }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(15_000),
      // A redirect is refused, not followed: the URL the operator gave is the one that gets the calls (the
      // provider that sends the transactions would not follow it either).
      redirect: 'manual',
    })
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location')
      let to = 'no location'
      try {
        if (location) to = new URL(location, url).origin
      } catch {
        to = 'an unreadable location'
      }
      throw new CliError(
        `the RPC at ${hostOf(url)} redirects (HTTP ${response.status}) to ${to}: redirects are not followed; ` +
          `pass the URL that answers, if you trust it`,
        'failed',
      )
    }
    answer = (await response.json()) as typeof answer
  } catch (error) {
    if (error instanceof CliError) throw error
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message
    throw new CliError(`cannot reach the RPC at ${hostOf(url)}: ${cause}`, 'failed')
  }
  if (typeof answer.result !== 'string') {
    throw new CliError(
      `the RPC at ${hostOf(url)} did not answer eth_chainId: ${answer.error?.message ?? 'no result'}`,
      'failed',
    )
  }
  // A chain id is a hex quantity; anything else would reach BigInt() and fail without saying which answer.
  if (!/^0x[0-9a-f]{1,16}$/i.test(answer.result)) {
    throw new CliError(
      `the RPC at ${hostOf(url)} answered eth_chainId with ${JSON.stringify(answer.result.slice(0, 40))}, not a chain id`,
      'failed',
    )
  }
  const chainId = Number(BigInt(answer.result))
  const provider = chainProvider(url, chainId)
  if (!isDevChain(chainId)) provider.pollingInterval = 2_000
  return { provider, chainId }
}

/**
 * The signer for commands that send: the private key in the environment variable `variable`, never a prompt.
 * `purpose` says what the key is for, so the error tells the user which key to set.
 */
export function signerFromEnv(
  env: Record<string, string | undefined>,
  variable: string,
  provider: JsonRpcProvider,
  purpose: string,
): Signer {
  const key = env[variable]
  if (!key) {
    throw new CliError(
      `${variable} is not set: ${purpose} needs it. Set it in the environment (the tools never prompt ` +
        `for a key or read one from a file), or add --dry-run to see the transactions without sending them.`,
      'usage',
    )
  }
  let wallet: Wallet
  try {
    wallet = new Wallet(key.startsWith('0x') ? key : `0x${key}`)
  } catch {
    throw new CliError(`${variable} is not a valid private key (32 bytes of hex)`, 'usage')
  }
  return new NonceManager(wallet.connect(provider))
}

// ---------------------------------------------------------------- planned transactions

/** A contract creation: its name, and its creation bytecode (the calldata is that, then the arguments). */
export interface Deployment {
  contract: string
  bytecode: string
}

export interface PlannedTx {
  /** the contract called; absent for a contract creation ({@link deploys}) */
  to?: string
  value: bigint
  data: string
  /** what it does, in plain words */
  description: string
  /** the ABI the calldata (a creation's constructor arguments) is decoded with */
  iface: Interface
  gasLimit?: bigint
  deploys?: Deployment
}

/** What a tool does: its transactions, in order, and what it says about them. */
export interface Plan {
  transactions: PlannedTx[]
  notes: string[]
  warnings: string[]
}

/** A transaction as a dry run prints it. */
export interface DescribedTx {
  description: string
  /** the contract called, or `(a new contract)` for a creation */
  to: string
  value: string
  call: string
  calldata: string
}

/**
 * How one value of a decoded call or error is shown, when a tool knows better than {@link showValue} (an enum by
 * name, the registration parameters inside LINK's `transferAndCall`): the value's text, or undefined for the usual
 * way. `input` is the argument's or the struct field's name.
 */
export type ArgumentFormatter = (call: string, input: string, value: unknown) => string | undefined

/** A value of a decoded call or error, as people read it (structs with their field names). */
export function showValue(value: unknown, format?: ArgumentFormatter, call = ''): string {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Result) {
    let names: (string | null)[] = []
    try {
      names = Object.keys(value.toObject())
    } catch {
      names = []
    }
    const items = [...value].map((item, i) => {
      const name = names[i]
      return name
        ? `${name}: ${format?.(call, name, item) ?? showValue(item, format, call)}`
        : showValue(item, format, call)
    })
    return names.length ? `{ ${items.join(', ')} }` : `[${items.join(', ')}]`
  }
  if (Array.isArray(value)) return `[${value.map((item) => showValue(item, format, call)).join(', ')}]`
  return String(value)
}

/** `name=value`, shown by the formatter if it knows the value. */
function argument(call: string, name: string, value: unknown, format?: ArgumentFormatter): string {
  return `${name}=${format?.(call, name, value) ?? showValue(value, format, call)}`
}

/** `fn(name=value, …)` for calldata; `new Contract(name=value, …)` for a creation. */
export function decodeCall(tx: PlannedTx, formatArgument?: ArgumentFormatter): string {
  const { iface, data, value, deploys } = tx
  if (deploys) {
    const inputs = iface.deploy.inputs
    const args = AbiCoder.defaultAbiCoder().decode(inputs, '0x' + data.slice(deploys.bytecode.length))
    const shown = inputs.map((input, i) =>
      argument('constructor', input.name || `arg${i}`, args[i], formatArgument),
    )
    return `new ${deploys.contract}(${shown.join(', ')})`
  }
  const parsed = iface.parseTransaction({ data, value })
  if (!parsed) return 'unknown call'
  const args = parsed.fragment.inputs.map((input, i) =>
    argument(parsed.name, input.name || `arg${i}`, parsed.args[i], formatArgument),
  )
  return `${parsed.name}(${args.join(', ')})`
}

export function describeTx(tx: PlannedTx, formatArgument?: ArgumentFormatter): DescribedTx {
  return {
    description: tx.description,
    to: tx.to ?? '(a new contract)',
    value: tx.value === 0n ? '0' : `${tx.value} wei (${formatEther(tx.value)} native)`,
    call: decodeCall(tx, formatArgument),
    calldata: tx.data,
  }
}

/**
 * A revert's custom error, decoded with the first of `interfaces` that knows it (`Name(args)`, or
 * `Name(input=value, …)` when a formatter is given), or undefined.
 */
export function decodeRevert(
  data: string | undefined,
  interfaces: readonly Interface[],
  formatArgument?: ArgumentFormatter,
): string | undefined {
  if (!data || data === '0x') return undefined
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data)
      if (!parsed) continue
      if (!formatArgument)
        return `${parsed.name}(${[...parsed.args].map((arg) => showValue(arg)).join(', ')})`
      const args = parsed.fragment.inputs.map((input, i) =>
        argument(parsed.name, input.name || `arg${i}`, parsed.args[i], formatArgument),
      )
      return `${parsed.name}(${args.join(', ')})`
    } catch {
      // not this interface's error
    }
  }
  return undefined
}

/** The revert data of an ethers error, wherever the provider put it. */
export function revertData(error: unknown): string | undefined {
  const e = error as { data?: string; info?: { error?: { data?: string | { data?: string } } } }
  if (typeof e.data === 'string') return e.data
  const nested = e.info?.error?.data
  return typeof nested === 'string' ? nested : nested?.data
}

/**
 * Sends a planned transaction and waits for it; a revert (of the gas estimate or of the transaction) becomes a
 * {@link CliError} naming the error, decoded with `interfaces`.
 */
export async function sendTx(
  signer: Signer,
  tx: PlannedTx,
  interfaces: readonly Interface[],
  formatArgument?: ArgumentFormatter,
): Promise<TransactionReceipt> {
  const request: TransactionRequest = { to: tx.to, data: tx.data, value: tx.value }
  if (tx.gasLimit !== undefined) request.gasLimit = tx.gasLimit
  try {
    const response = await signer.sendTransaction(request)
    const receipt = await response.wait()
    if (!receipt) throw new CliError(`${tx.description}: the transaction was not mined`, 'failed')
    return receipt
  } catch (error) {
    if (error instanceof CliError) throw error
    const decoded = decodeRevert(revertData(error), interfaces, formatArgument)
    if (decoded || isError(error, 'CALL_EXCEPTION')) {
      throw new CliError(`${tx.description} was refused: ${decoded ?? 'the call reverted'}`, 'failed')
    }
    throw new CliError(`${tx.description} failed: ${(error as Error).message.split('\n')[0]}`, 'failed')
  }
}

// ---------------------------------------------------------------- running a plan

/** What a command did, in plain words (`lines`) and as data (`data`, printed by `--json`). */
export interface CommandResult {
  lines: string[]
  data: Record<string, unknown>
}

/** Who sends: a signer, or in a dry run only the address the transactions are checked against. */
export interface TxSession {
  signer?: Signer
  from: string
  dryRun: boolean
}

/** How a tool describes and sends its transactions (its argument formats, the ABIs its reverts come from). */
export interface TxCodec {
  describe: (tx: PlannedTx) => DescribedTx
  send: (signer: Signer, tx: PlannedTx) => Promise<TransactionReceipt>
}

/** A deployment's calldata, shortened for people: the bytecode's size, then the constructor arguments. */
function shownCalldata(tx: PlannedTx, described: DescribedTx): string {
  if (!tx.deploys) return described.calldata
  const bytes = (tx.deploys.bytecode.length - 2) / 2
  return `${tx.deploys.contract}'s creation code (${bytes.toLocaleString('en-US')} bytes), then 0x${tx.data.slice(tx.deploys.bytecode.length)}`
}

/**
 * Prints a plan's notes and warnings, then sends its transactions in order, or in a dry run describes each
 * (decoded) and sends nothing. Every transaction is listed in `result.data.transactions` (with its hash and
 * block once sent); returns the receipts (none in a dry run).
 */
export async function executePlan(
  session: TxSession,
  plan: Plan,
  result: CommandResult,
  codec: TxCodec,
): Promise<TransactionReceipt[]> {
  result.lines.push(...plan.notes.map((n) => `Note: ${n}`), ...plan.warnings.map((w) => `Warning: ${w}`))
  result.data.notes = [...((result.data.notes as string[]) ?? []), ...plan.notes]
  result.data.warnings = [...((result.data.warnings as string[]) ?? []), ...plan.warnings]
  const described = plan.transactions.map(codec.describe)
  const listed = ((result.data.transactions as unknown[] | undefined) ??= [])
  result.data.transactions = listed
  if (session.dryRun) {
    listed.push(...described)
    result.data.dryRun = true
    result.lines.push(`Dry run: ${plan.transactions.length} transaction(s) from ${session.from}, none sent:`)
    described.forEach((tx, i) => {
      result.lines.push(
        `  ${i + 1}. ${tx.description}`,
        `     to:       ${tx.to}`,
        `     value:    ${tx.value}`,
        `     call:     ${tx.call}`,
        `     calldata: ${shownCalldata(plan.transactions[i], tx)}`,
      )
    })
    return []
  }
  const receipts: TransactionReceipt[] = []
  for (const [i, tx] of plan.transactions.entries()) {
    const receipt = await codec.send(session.signer!, tx)
    receipts.push(receipt)
    const created = receipt.contractAddress ? { contractAddress: receipt.contractAddress } : {}
    listed.push({ ...described[i], ...created, hash: receipt.hash, block: receipt.blockNumber })
    const at = receipt.contractAddress ? ` at ${receipt.contractAddress}` : ''
    result.lines.push(
      `Sent: ${tx.description}${at}: transaction ${receipt.hash} (block ${receipt.blockNumber})`,
    )
  }
  return receipts
}
