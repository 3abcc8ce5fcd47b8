/**
 * Transactions and the events they emit: wait for a receipt, and decode the logs a contract emitted in
 * it, all of them or one event by name (typed with the contract's TypeChain type).
 */
import type {
  BaseContract,
  ContractTransactionResponse,
  Log,
  LogDescription,
  Result,
  TransactionReceipt,
} from 'ethers'
import type { TypedContractEvent } from './typechain/common'

/** Sends a transaction and waits for its receipt (a reverted transaction throws). */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait()
  if (!receipt) throw new Error('transaction not mined')
  return receipt
}

/** An event a contract emitted, decoded with its ABI. */
export interface DecodedEvent {
  name: string
  /** The event's full signature, `Name(type,…)`. */
  signature: string
  args: readonly unknown[]
  log: Log
}

/** The logs `contract` emitted in `receipt`, parsed with its ABI; a log it does not describe is an error. */
function parsedLogs(
  receipt: TransactionReceipt,
  contract: BaseContract,
): { parsed: LogDescription; log: Log }[] {
  const address = String(contract.target).toLowerCase()
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => {
      const parsed = contract.interface.parseLog(log)
      if (!parsed) throw new Error(`unknown log ${log.topics[0]} from ${log.address}`)
      return { parsed, log }
    })
}

/**
 * Every event `contract` emitted in `receipt`, in log order. Logs of other addresses are left out; a log
 * of this address that its ABI does not describe is an error, never skipped.
 */
export function eventsOf(receipt: TransactionReceipt, contract: BaseContract): DecodedEvent[] {
  return parsedLogs(receipt, contract).map(({ parsed, log }) => ({
    name: parsed.name,
    signature: parsed.signature,
    args: [...parsed.args] as unknown[],
    log,
  }))
}

type Filters<C> = C extends { filters: infer F } ? F : never

/** The event names (and full signatures) of a TypeChain contract type. */
export type EventName<C extends BaseContract> = keyof Filters<C> & string

/** The decoded arguments of event `N` of contract `C`: a tuple that also has the arguments by name. */
export type EventArgs<C extends BaseContract, N extends EventName<C>> =
  Filters<C>[N] extends TypedContractEvent<infer _Input, infer Output, infer OutputObject>
    ? Output & OutputObject
    : Result

/**
 * The arguments of every `name` event (a name, or a full signature if the name is overloaded) that
 * `contract` emitted in `receipt`, in log order. A name the contract's ABI does not have is an error.
 */
export function eventsNamed<C extends BaseContract, N extends EventName<C>>(
  receipt: TransactionReceipt,
  contract: C,
  name: N,
): EventArgs<C, N>[] {
  const fragment = contract.interface.getEvent(name)
  if (!fragment) throw new Error(`the contract's ABI has no event ${name}`)
  return parsedLogs(receipt, contract)
    .filter(({ parsed }) => parsed.topic === fragment.topicHash)
    .map(({ parsed }) => parsed.args as unknown as EventArgs<C, N>)
}
