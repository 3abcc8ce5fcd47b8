/**
 * Plays a scenario: gives it its context (the narration, the dashboard when asked for, what to close), and keeps
 * what it started running until `close()`, so that the dashboard can be looked at once the scenario is over.
 */
import { chainProvider } from '#devkit/local-chain'
import { DEFAULT_HISTORY_POINTS, DEFAULT_LOG_RANGE } from '../../dashboard/defaults'
import { startDashboard, type RunningDashboard } from '../../dashboard/index'
import type { Scenario, ScenarioContext, Timeline, WatchTarget } from './timeline'

/** How often the scenario's dashboard reads the chain: a local chain answers at once. */
export const SCENARIO_POLL_MS = 1_000

export interface ScenarioOptions {
  say(line: string): void
  /** start the dashboard on the scenario's chain as soon as it is up */
  dashboard: boolean
  /** the dashboard's port (default: a free one) */
  port?: number
  pollMs?: number
}

export interface ScenarioRun {
  timeline: Timeline
  dashboard?: RunningDashboard
  /** stops the dashboard, then everything the scenario started */
  close(): Promise<void>
}

/** Starts the dashboard on a scenario's world. */
export async function watchWorld(
  target: WatchTarget,
  options: Pick<ScenarioOptions, 'port' | 'pollMs'>,
): Promise<RunningDashboard> {
  const provider = chainProvider(target.rpcUrl, target.chainId)
  const running = await startDashboard(
    {
      provider,
      chainId: target.chainId,
      networkName: `the scenario's local chain (chain id ${target.chainId})`,
      settings: {
        guard: target.guard,
        pollMs: options.pollMs ?? SCENARIO_POLL_MS,
        fromBlock: 0,
        upkeeps: target.upkeeps,
        registry: target.registry,
        adapters: target.adapters,
        historyPoints: DEFAULT_HISTORY_POINTS,
        logRange: DEFAULT_LOG_RANGE,
      },
    },
    { port: options.port ?? 0 },
  )
  return {
    ...running,
    close: async () => {
      await running.close()
      provider.destroy()
    },
  }
}

/** What {@link runWithRunner} played: its result, the dashboard if asked for, and what stops them. */
export interface RunnerRun<T> {
  result: T
  dashboard?: RunningDashboard
  /** stops the dashboard, then everything the play started */
  close(): Promise<void>
}

/**
 * Plays `play` with the runner's context: the narration, the dashboard started when the play says its chain and
 * guard are up (with `options.dashboard`), and what to close kept until `close()`.
 */
export async function runWithRunner<T>(
  play: (context: ScenarioContext) => Promise<T>,
  options: ScenarioOptions,
): Promise<RunnerRun<T>> {
  const closers: (() => Promise<void>)[] = []
  let dashboard: RunningDashboard | undefined
  const context: ScenarioContext = {
    say: options.say,
    watch: async (target) => {
      if (!options.dashboard) return undefined
      dashboard = await watchWorld(target, options)
      closers.push(() => dashboard!.close())
      return `${dashboard.url}/`
    },
    onClose: (close) => closers.push(close),
  }
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined)
  }
  try {
    return { result: await play(context), dashboard, close }
  } catch (error) {
    await close()
    throw error
  }
}

export async function runScenario(scenario: Scenario, options: ScenarioOptions): Promise<ScenarioRun> {
  const {
    result: timeline,
    dashboard,
    close,
  } = await runWithRunner((context) => scenario.run(context), options)
  if (dashboard) timeline.dashboard = `${dashboard.url}/`
  return { timeline, dashboard, close }
}
