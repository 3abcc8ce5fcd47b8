/**
 * Transactions as the upkeep commands plan them (devkit/chain-cli.ts): each says in plain words what it does,
 * and is either sent or, in a dry run, printed (to, value, decoded call, calldata) and not sent. Revert data is
 * decoded with every ABI the tools know, so a refusal by the registry, the registrar, LINK or the guard reads as
 * its error's name; the registration parameters inside LINK's `transferAndCall` are decoded too.
 */
import { AbiCoder, Interface, Result, type Signer, type TransactionReceipt } from 'ethers'
import { readArtifact } from '#chain/artifacts'
import {
  decodeRegistrationParams,
  linkTokenInterface,
  registrarInterface,
  registryInterface,
} from '#chain/automation'
import * as chainCli from '#devkit/chain-cli'
import type { DescribedTx, PlannedTx, TxCodec } from '#devkit/chain-cli'

export type { DescribedTx, PlannedTx }

export function guardInterface(): Interface {
  return guardIface ?? (guardIface = new Interface(readArtifact('ReserveGuard').abi as never))
}
let guardIface: Interface | undefined

/** Every interface a revert could come from, most specific first. */
function knownInterfaces(): Interface[] {
  return [guardInterface(), registryInterface(), registrarInterface(), linkTokenInterface()]
}

/** The data LINK hands to `onTokenTransfer`: registration params for the registrar, an upkeep id for the registry. */
function describeTransferData(data: string): string {
  try {
    const params = decodeRegistrationParams(data)
    return `RegistrationParams${chainCli.showValue(Result.fromItems(Object.values(params), Object.keys(params)))}`
  } catch {
    // not registration params
  }
  if (data.length === 66)
    return `abi.encode(upkeepId=${AbiCoder.defaultAbiCoder().decode(['uint256'], data)[0]})`
  return data
}

/** LINK's `transferAndCall` data, decoded. */
const formatArgument: chainCli.ArgumentFormatter = (call, input, value) =>
  call === 'transferAndCall' && input === 'data' ? describeTransferData(value as string) : undefined

export function describeTx(tx: PlannedTx): DescribedTx {
  return chainCli.describeTx(tx, formatArgument)
}

/** A revert's custom error, decoded with the known ABIs (`Name(args)`), or undefined. */
export function decodeRevert(data: string | undefined): string | undefined {
  return chainCli.decodeRevert(data, knownInterfaces())
}

/** Sends a planned transaction and waits for it; a revert becomes a CliError naming the decoded error. */
export function sendTx(signer: Signer, tx: PlannedTx): Promise<TransactionReceipt> {
  return chainCli.sendTx(signer, tx, knownInterfaces())
}

/** How the upkeep commands describe and send their transactions. */
export const UPKEEPS_CODEC: TxCodec = { describe: describeTx, send: sendTx }
