/**
 * `npm run dashboard -- --guard <address> [--network <name>] [options]`: serves the dashboard of a ReserveGuard
 * until stopped (Ctrl-C, or a signal). Options: dashboard/README.md (`--help` prints them). Exit codes: 0 stopped,
 * 2 a usage or configuration mistake (it names the option), 1 anything else.
 */
import { pathToFileURL } from 'node:url'
import { exitCodeOf, parseCommand, usage, CliError } from '#devkit/cli'
import { forwarderRoleOf, guardContract } from '../upkeeps/guard'
import { connect } from '../upkeeps/network'
import { DASHBOARD_CLI, DASHBOARD_COMMAND } from './cli-spec'
import { resolveSettings } from './config'
import type { DashboardTarget } from './dashboard'
import { startDashboard, type RunningDashboard } from './index'
import { EXPLORERS } from './links'

export interface DashboardIo {
  out(line: string): void
  err(line: string): void
}

/** Starts the dashboard from a command line; resolves with it running, or throws a CliError. */
export async function startFromCommandLine(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<RunningDashboard & { target: DashboardTarget }> {
  const settings = resolveSettings(parseCommand(DASHBOARD_CLI, DASHBOARD_COMMAND, argv), env, cwd)
  const connection = await connect({ network: settings.network, rpcUrl: settings.rpcUrl }, env)
  const network = connection.network
  const guard = guardContract(settings.guard, connection.provider)
  await forwarderRoleOf(guard) // a contract, and a ReserveGuard
  const target: DashboardTarget = {
    provider: connection.provider,
    chainId: connection.chainId,
    networkName: network?.name ?? `chain ${connection.chainId}`,
    settings: {
      ...settings,
      registry: settings.registry ?? network?.registry,
      registrar: settings.registrar ?? network?.registrar,
      explorer: settings.explorer ?? (network ? EXPLORERS[network.name] : undefined),
    },
  }
  try {
    return { ...(await startDashboard(target, { host: settings.host, port: settings.port })), target }
  } catch (error) {
    connection.provider.destroy()
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE')
      throw new CliError(`--port ${settings.port} is taken on ${settings.host}: pass another`, 'usage')
    throw error
  }
}

/** Runs `npm run dashboard` until `stopped` resolves; returns the exit code. */
export async function runDashboard(
  argv: string[],
  env: Record<string, string | undefined>,
  io: DashboardIo,
  stopped: Promise<void>,
  cwd = process.cwd(),
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    // devkit/cli's usage, but for a tool of one command, which takes no command name.
    const [, ...rest] = usage(DASHBOARD_CLI, DASHBOARD_COMMAND).split('\n')
    io.out(['Usage: npm run dashboard -- --guard <address> [options]', ...rest].join('\n'))
    return 0
  }
  let running: Awaited<ReturnType<typeof startFromCommandLine>>
  try {
    running = await startFromCommandLine(argv, env, cwd)
  } catch (error) {
    io.err(
      `dashboard: ${error instanceof CliError ? error.message : ((error as Error).stack ?? String(error))}`,
    )
    return exitCodeOf(error)
  }
  const { settings, networkName } = running.target
  io.out(
    `Dashboard of the guard ${settings.guard} on ${networkName}: ${running.url}/ ` +
      `(reads every ${settings.pollMs / 1000} s; /api/snapshot, /metrics). Ctrl-C stops it.`,
  )
  if (running.dashboard.snapshot?.readError)
    io.err(`the first read failed: ${running.dashboard.snapshot.readError}`)
  await stopped
  await running.close()
  running.target.provider.destroy()
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  const code = await runDashboard(
    process.argv.slice(2),
    process.env,
    { out: (line) => console.log(line), err: (line) => console.error(line) },
    stopped,
    process.env.INIT_CWD ?? process.cwd(),
  )
  process.exit(code)
}
