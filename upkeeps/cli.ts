/**
 * `npm run upkeeps -- <command> [options]`: register a ReserveGuard with Chainlink Automation 2.3, watch and
 * manage its upkeeps, and rehearse them locally. Commands and options: upkeeps/README.md (`help` prints them).
 */
import { pathToFileURL } from 'node:url'
import { runCommandLine, toJson, type CliIo as ToolIo } from '#devkit/cli'
import { UPKEEPS_CLI, formattedReference } from './cli-spec'
import * as commands from './commands'
import type { CommandContext, CommandResult } from './commands'
import type { Env } from './network'

export interface CliIo extends ToolIo {
  /** resolves when the user interrupts (Ctrl-C): long-running commands stop cleanly */
  interrupted?: Promise<void>
}

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
export function runCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  return runCommandLine(UPKEEPS_CLI, argv, io, formattedReference, async (command, options, json) => {
    const result = await IMPLEMENTATIONS[command.name]({
      options,
      env,
      print: io.out,
      interrupted: io.interrupted,
    })
    if (json) io.out(toJson(result.data))
    else if (command.name !== 'run') io.out(result.lines.join('\n'))
    return 0
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  const code = await runCli(process.argv.slice(2), process.env, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    interrupted,
  })
  process.exitCode = code
}
