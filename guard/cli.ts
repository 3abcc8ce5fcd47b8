/**
 * `npm run guard -- <command> [options]`: deploy a ReserveGuard (and a SecureMintToken, a PoRAddressList), wire
 * it to its assets, change them after the admin delay, hand out its roles, pause and unpause through it, and
 * read its status; rehearse it all on a local chain. Commands and options: guard/README.md (`help` prints them).
 */
import { existsSync } from 'node:fs'
import { artifactFile } from '#chain/artifacts'
import { ARTIFACT } from '#chain/contracts'
import { CliError, runAsScript, runToolCommand, type CliIo } from '#devkit/cli'
import * as assets from './assets'
import { GUARD_CLI, formattedReference } from './cli-spec'
import { openGuard } from './contracts'
import { deploy, local, localFeed } from './deploy'
import * as guardian from './guardian'
import type { CommandContext, CommandResult } from './plan'
import * as roles from './roles'
import * as token from './token'
import { connect, requiredAddress, text, where, wholeNumberOption, type Env } from './session'
import { guardStatus } from './status'

async function status(ctx: CommandContext): Promise<CommandResult> {
  const fromBlock = wholeNumberOption(ctx.options, 'from-block') ?? 0
  const connection = await connect(ctx.options, ctx.env)
  try {
    const guard = await openGuard(connection.provider, requiredAddress(ctx.options, 'guard'))
    const target = ctx.options.target === undefined ? undefined : requiredAddress(ctx.options, 'target')
    return await guardStatus(
      connection.provider,
      guard,
      {
        target,
        fromBlock,
        reserveUnit: text(ctx.options, 'reserve-unit'),
      },
      where(connection),
    )
  } finally {
    connection.provider.destroy()
  }
}

const IMPLEMENTATIONS: Record<string, (ctx: CommandContext) => Promise<CommandResult>> = {
  deploy,
  'add-asset': assets.addAsset,
  'schedule-update': assets.scheduleUpdate,
  'apply-update': assets.applyUpdate,
  'schedule-removal': assets.scheduleRemoval,
  'apply-removal': assets.applyRemoval,
  'cancel-change': assets.cancelChange,
  'schedule-reserve-config': token.scheduleReserveConfig,
  'apply-reserve-config': token.applyReserveConfig,
  'cancel-reserve-config': token.cancelReserveConfig,
  'grant-role': roles.grantRole,
  'revoke-role': roles.revokeRole,
  'transfer-admin': roles.transferAdmin,
  'accept-admin': roles.acceptAdmin,
  'cancel-admin-transfer': roles.cancelAdminTransfer,
  pause: guardian.pause,
  lift: guardian.lift,
  unpause: guardian.unpause,
  'clear-backoff': guardian.clearBackoff,
  mint: token.mint,
  status,
  'local-feed': localFeed,
  local,
}

/** The commands read the compiled contracts: a fresh clone has none until they are built. */
function requireBuild(): void {
  if (!existsSync(artifactFile(ARTIFACT.ReserveGuard))) {
    throw new CliError(
      'the contracts are not built yet: run npm run build:contracts once (after npm install)',
      'usage',
    )
  }
}

/** Runs one command line; returns the exit code (0 done, 1 refused or failed, 2 usage or configuration, 3 not yet). */
export function runCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  return runToolCommand(
    GUARD_CLI,
    formattedReference,
    IMPLEMENTATIONS,
    { argv, env, io },
    { before: requireBuild },
  )
}

await runAsScript(import.meta.url, runCli)
