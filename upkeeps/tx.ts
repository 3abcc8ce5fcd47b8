/**
 * Transactions as the commands plan them: each says in plain words what it does, and is either sent or, in a
 * dry run, printed (to, value, decoded call, calldata) and not sent. Revert data is decoded with every ABI the
 * tools know, so a refusal by the registry, the registrar, LINK or the guard reads as its error's name.
 */
import {
  AbiCoder,
  Interface,
  Result,
  formatEther,
  isError,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
} from 'ethers'
import { readArtifact } from '#chain/artifacts'
import {
  decodeRegistrationParams,
  linkTokenInterface,
  registrarInterface,
  registryInterface,
} from '#chain/automation'
import { UpkeepsError } from './errors'

export interface PlannedTx {
  to: string
  value: bigint
  data: string
  /** what it does, in plain words */
  description: string
  /** the ABI the calldata is decoded with */
  iface: Interface
  gasLimit?: bigint
}

/** A transaction as a dry run prints it. */
export interface DescribedTx {
  description: string
  to: string
  value: string
  call: string
  calldata: string
}

export function guardInterface(): Interface {
  return guardIface ?? (guardIface = new Interface(readArtifact('ReserveGuard').abi as never))
}
let guardIface: Interface | undefined

/** Every interface a revert could come from, most specific first. */
function knownInterfaces(): Interface[] {
  return [guardInterface(), registryInterface(), registrarInterface(), linkTokenInterface()]
}

function showValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Result) {
    let names: (string | null)[] = []
    try {
      names = Object.keys(value.toObject())
    } catch {
      names = []
    }
    const items = [...value].map((item, i) =>
      names[i] ? `${names[i]}: ${showValue(item)}` : showValue(item),
    )
    return names.length ? `{ ${items.join(', ')} }` : `[${items.join(', ')}]`
  }
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`
  return String(value)
}

/** `fn(name=value, …)` for calldata, with the nested data of LINK's `transferAndCall` decoded too. */
export function decodeCall(iface: Interface, data: string, value = 0n): string {
  const parsed = iface.parseTransaction({ data, value })
  if (!parsed) return 'unknown call'
  const args = parsed.fragment.inputs.map((input, i) => {
    const arg: unknown = parsed.args[i]
    if (parsed.name === 'transferAndCall' && input.name === 'data')
      return `data=${describeTransferData(arg as string)}`
    return `${input.name || `arg${i}`}=${showValue(arg)}`
  })
  return `${parsed.name}(${args.join(', ')})`
}

/** The data LINK hands to `onTokenTransfer`: registration params for the registrar, an upkeep id for the registry. */
function describeTransferData(data: string): string {
  try {
    const params = decodeRegistrationParams(data)
    return `RegistrationParams${showValue(Result.fromItems(Object.values(params), Object.keys(params)))}`
  } catch {
    // not registration params
  }
  if (data.length === 66)
    return `abi.encode(upkeepId=${AbiCoder.defaultAbiCoder().decode(['uint256'], data)[0]})`
  return data
}

export function describeTx(tx: PlannedTx): DescribedTx {
  return {
    description: tx.description,
    to: tx.to,
    value: tx.value === 0n ? '0' : `${tx.value} wei (${formatEther(tx.value)} native)`,
    call: decodeCall(tx.iface, tx.data, tx.value),
    calldata: tx.data,
  }
}

/** A revert's custom error, decoded with the known ABIs (`Name(args)`), or undefined. */
export function decodeRevert(data: string | undefined): string | undefined {
  if (!data || data === '0x') return undefined
  for (const iface of knownInterfaces()) {
    try {
      const parsed = iface.parseError(data)
      if (parsed) return `${parsed.name}(${[...parsed.args].map(showValue).join(', ')})`
    } catch {
      // not this interface's error
    }
  }
  return undefined
}

export function revertData(error: unknown): string | undefined {
  const e = error as { data?: string; info?: { error?: { data?: string | { data?: string } } } }
  if (typeof e.data === 'string') return e.data
  const nested = e.info?.error?.data
  return typeof nested === 'string' ? nested : nested?.data
}

/** Sends a planned transaction and waits for it; a revert becomes an UpkeepsError naming the decoded error. */
export async function sendTx(signer: Signer, tx: PlannedTx): Promise<TransactionReceipt> {
  const request: TransactionRequest = { to: tx.to, data: tx.data, value: tx.value }
  if (tx.gasLimit !== undefined) request.gasLimit = tx.gasLimit
  try {
    const response = await signer.sendTransaction(request)
    const receipt = await response.wait()
    if (!receipt) throw new UpkeepsError(`${tx.description}: the transaction was not mined`, 'failed')
    return receipt
  } catch (error) {
    if (error instanceof UpkeepsError) throw error
    const decoded = decodeRevert(revertData(error))
    if (decoded || isError(error, 'CALL_EXCEPTION')) {
      throw new UpkeepsError(`${tx.description} was refused: ${decoded ?? 'the call reverted'}`, 'failed')
    }
    throw new UpkeepsError(`${tx.description} failed: ${(error as Error).message.split('\n')[0]}`, 'failed')
  }
}
