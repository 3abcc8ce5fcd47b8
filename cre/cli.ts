/**
 * `npm run cre -- <command> [options]`: a local CRE for issuers (Chainlink's KeystoneForwarder with a DON of
 * local keys), the feed and the guard wired to it, and the rehearsal of the workflows. Commands and options:
 * cre/README.md (`help` prints them).
 */
import { pathToFileURL } from 'node:url'
import { runCommandLine, toJson, type CliIo as ToolIo } from '#devkit/cli'
import { CRE_CLI, formattedReference } from './cli-spec'
import * as commands from './commands'
import type { CommandContext, CommandResult, Env } from './commands'

export interface CliIo extends ToolIo {
  /** resolves when the user interrupts (Ctrl-C): `run` stops cleanly */
  interrupted?: Promise<void>
}

const IMPLEMENTATIONS: Record<string, (ctx: CommandContext) => Promise<CommandResult>> = {
  local: commands.local,
  feed: commands.feed,
  allow: commands.allow,
  run: commands.run,
}

/** Runs one command line; returns the exit code (0 done, 1 refused or failed, 2 usage or configuration). */
export function runCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  return runCommandLine(CRE_CLI, argv, io, formattedReference, async (command, options, json) => {
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
  process.exitCode = await runCli(process.argv.slice(2), process.env, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    interrupted,
  })
}
