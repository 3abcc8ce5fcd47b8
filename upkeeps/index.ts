/**
 * The upkeep tooling as a library, for the demo and other tools: the same functions the CLI runs.
 */
export { runCli } from './cli'
export { COMMANDS, formattedReference } from './cli-spec'
export * as commands from './commands'
export { UpkeepsError } from './errors'
export { resolveLogSource, answerUpdatedTrigger, mintTrigger, listensTo } from './feed'
export { guardContract, guardEvents, hasForwarderRole, planGrantForwarder, readAssets } from './guard'
export { connect, loadNetworks, signerFromEnv, type AutomationNetwork, type Connection } from './network'
export { signedTransmit } from './ocr'
export {
  decodeOffchainConfig,
  encodeMaxGasPrice,
  offchainConfigFromGwei,
  type OffchainConfig,
} from './offchain-config'
export {
  findApproval,
  openRegistrar,
  pendingRequestParams,
  planApproveRequest,
  planCancelRequest,
  planRegistration,
  registrationOutcome,
  upkeepsOfGuard,
  type RegistrationTrigger,
} from './registrar'
export {
  checkAutomationVersion,
  isUnderfunded,
  openRegistry,
  planAcceptAdmin,
  planCancel,
  planFund,
  planPause,
  planTransferAdmin,
  planUpdate,
  planWithdraw,
  readUpkeep,
  upkeepState,
  type Plan,
  type UpkeepChanges,
  type UpkeepInfo,
} from './registry'
export {
  UpkeepRunner,
  type CheckOutcome,
  type PerformOutcome,
  type RunnerMode,
  type RunnerOptions,
} from './runner'
export { describeTx, sendTx, type PlannedTx } from './tx'
