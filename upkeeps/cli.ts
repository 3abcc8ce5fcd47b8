/**
 * `npm run upkeeps -- <command> [options]`: register a ReserveGuard with Chainlink Automation 2.3, watch and
 * manage its upkeeps, and rehearse them locally. Commands and options: upkeeps/README.md (`help` prints them).
 */
import { runAsScript, runToolCommand, type InterruptibleIo } from '#devkit/cli'
import { UPKEEPS_CLI, formattedReference } from './cli-spec'
import * as commands from './commands'
import type { CommandContext, CommandResult } from './commands'
import type { Env } from './network'

const IMPLEMENTATIONS: Record<string, (ctx: CommandContext) => Promise<CommandResult>> = {
  register: commands.register,
  finish: commands.finish,
  'approve-request': commands.approveRequest,
  'cancel-request': commands.cancelRequest,
  'update-upkeep': commands.updateUpkeep,
  'transfer-admin': commands.transferAdmin,
  'accept-admin': commands.acceptAdmin,
  'grant-forwarder': commands.grantForwarder,
  status: commands.status,
  fund: commands.fund,
  'pause-upkeep': (ctx) => commands.pauseUpkeep(ctx, true),
  'unpause-upkeep': (ctx) => commands.pauseUpkeep(ctx, false),
  cancel: commands.cancel,
  withdraw: commands.withdraw,
  run: commands.run,
  local: commands.local,
  networks: () => commands.networks(),
}

/** Runs one command line; returns the exit code (0 done, 1 refused or failed, 2 usage or configuration, 3 pending). */
export function runCli(argv: string[], env: Env, io: InterruptibleIo): Promise<number> {
  // `run` prints the runner's log as it happens.
  return runToolCommand(
    UPKEEPS_CLI,
    formattedReference,
    IMPLEMENTATIONS,
    { argv, env, io },
    { streamed: ['run'] },
  )
}

await runAsScript(import.meta.url, runCli, { interruptible: true })
