/**
 * Signing a payload with the DON and delivering it on-chain: the report goes to Chainlink's
 * KeystoneForwarder, which checks the signatures and calls `onReport(metadata, payload)` on the
 * receiver. Both workflows end here.
 */
import { bytesToHex, type EVMClient, prepareReportRequest, type Runtime, TxStatus } from '@chainlink/cre-sdk'
import { EVM_PB } from '@chainlink/cre-sdk/pb'
import type { Hex } from './abi-words'

/**
 * Has the DON sign `payload` and writes it to `receiver` through the forwarder; returns the
 * transaction hash. Throws unless the transaction succeeded and the receiver did not revert: the
 * forwarder catches a receiver's revert, so a mined transaction alone does not mean the report was
 * taken.
 */
export function writeReport(
  runtime: Runtime<unknown>,
  evm: EVMClient,
  receiver: Hex,
  payload: Hex,
  gasLimit: string,
): Hex | undefined {
  const report = runtime.report(prepareReportRequest(payload)).result()
  const reply = evm.writeReport(runtime, { receiver, report, gasConfig: { gasLimit } }).result()
  const detail = reply.errorMessage ? `: ${reply.errorMessage}` : ''
  if (reply.txStatus !== TxStatus.SUCCESS) {
    throw new Error(`report to ${receiver} not delivered: transaction ${TxStatus[reply.txStatus]}${detail}`)
  }
  if (reply.receiverContractExecutionStatus === EVM_PB.ReceiverContractExecutionStatus.REVERTED) {
    throw new Error(`report to ${receiver} refused: the receiver reverted${detail}`)
  }
  return reply.txHash ? bytesToHex(reply.txHash) : undefined
}
