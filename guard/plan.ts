/**
 * What every guard command shares: its context, its result, transactions built from a contract handle, and
 * running a plan (sent, or printed in a dry run). A dry run also simulates the transactions that do not wait
 * on an earlier one, from the sender, so that a refusal shows before anything is sent.
 */
import type { BaseContract, Interface, TransactionReceipt } from 'ethers'
import { CliError, type ParsedOptions } from '#devkit/cli'
import { executePlan, revertData, type CommandResult, type Plan, type PlannedTx } from '#devkit/chain-cli'
import { GUARD_CODEC, decodeRevert, type Env, type Session } from './session'

export type { CommandResult, Plan, PlannedTx }

export interface CommandContext {
  options: ParsedOptions
  env: Env
}

export function emptyResult(command: string): CommandResult {
  return { lines: [], data: { command } }
}

/** A call of `fn(args)` on `contract` at `to`, described in words. */
export function callTx(
  contract: BaseContract,
  to: string,
  fn: string,
  args: readonly unknown[],
  description: string,
): PlannedTx {
  const iface = contract.interface as unknown as Interface
  return { to, value: 0n, data: iface.encodeFunctionData(fn, args), description, iface }
}

/**
 * In a dry run, simulates `tx` from the sender (`eth_call`): a refusal is an error naming it, as the real run
 * would end. Only for a transaction that does not depend on an earlier one of its plan.
 */
export async function simulate(session: Session, tx: PlannedTx): Promise<void> {
  if (!session.dryRun) return
  try {
    await session.connection.provider.call({ from: session.from, to: tx.to, data: tx.data, value: tx.value })
  } catch (error) {
    const decoded = decodeRevert(revertData(error))
    throw new CliError(
      `${tx.description} would be refused: ${decoded ?? (error as Error).message.split('\n')[0]}`,
      'refused',
    )
  }
}

/** Prints the plan's notes, then sends its transactions, or describes them in a dry run. */
export function execute(session: Session, plan: Plan, result: CommandResult): Promise<TransactionReceipt[]> {
  return executePlan(session, plan, result, GUARD_CODEC)
}

/** A plan of transactions without notes. */
export function planOf(...transactions: PlannedTx[]): Plan {
  return { transactions, notes: [], warnings: [] }
}
