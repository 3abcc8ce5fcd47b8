/**
 * `npm run cre -- <command> [options]`: a local CRE for issuers (Chainlink's KeystoneForwarder with a DON of
 * local keys), the feed and the guard wired to it, and the rehearsal of the workflows. Commands and options:
 * cre/README.md (`help` prints them).
 */
import { runAsScript, runToolCommand, type InterruptibleIo } from '#devkit/cli'
import { CRE_CLI, formattedReference } from './cli-spec'
import * as commands from './commands'
import type { CommandContext, CommandResult, Env } from './commands'

const IMPLEMENTATIONS: Record<string, (ctx: CommandContext) => Promise<CommandResult>> = {
  local: commands.local,
  feed: commands.feed,
  allow: commands.allow,
  run: commands.run,
}

/** Runs one command line; returns the exit code (0 done, 1 refused or failed, 2 usage or configuration). */
export function runCli(argv: string[], env: Env, io: InterruptibleIo): Promise<number> {
  // `run` prints each execution as it happens.
  return runToolCommand(
    CRE_CLI,
    formattedReference,
    IMPLEMENTATIONS,
    { argv, env, io },
    { streamed: ['run'] },
  )
}

await runAsScript(import.meta.url, runCli, { interruptible: true })
