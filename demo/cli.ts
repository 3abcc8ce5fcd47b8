/**
 * `npm run demo [-- --runtime automation|cre] [--json [<file>]]`: runs the demo (demo/run.ts, or on the CRE path
 * demo/cre.ts) and exits 0 only if every step happened as described. `npm run demo -- --scenario <name>
 * [--dashboard]` plays a scenario instead (demo/scenarios/), and with `--dashboard` leaves the dashboard up on it
 * until Ctrl-C.
 *
 * - no option: the narration and the summary table on stdout;
 * - `--json`: the summary as JSON on stdout, the narration on stderr (to watch it while a script reads stdout);
 * - `--json <file>`: the narration on stdout, the summary as JSON written to <file>.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

const USAGE = `Usage: npm run demo [-- --runtime automation|cre] [--json [<file>]]
       npm run demo -- --scenario <name> [--dashboard [--port <port>]] [--json [<file>]]

  (no option)        narrate each step and print the summary table on stdout
  --runtime <r>      automation (default): Chainlink Automation 2.3 pauses the token; cre: the CRE workflows
                     do, rehearsed on a local DON through Chainlink's KeystoneForwarder (feed: DataFeedsCache);
                     the scenarios run on Automation 2.3
  --scenario <name>  play a failure mode instead (the names are below)
  --dashboard        with --scenario: serve the dashboard on the scenario's chain as soon as it is up, and
                     leave it up once the scenario is over, until Ctrl-C
  --port <port>      the dashboard's port (default 8090; 0: any free one)
  --json             print the summary as JSON on stdout; the narration goes to stderr
  --json <file>      narrate on stdout and write the summary as JSON to <file>
  --help             this text

Exit code: 0 when every step happened as described, 1 when one did not, 2 for a usage mistake.
See demo/README.md.`

type Output = { json: 'none' } | { json: 'stdout' } | { json: 'file'; file: string }

interface Options {
  output: Output
  runtime: 'automation' | 'cre'
  scenario?: string
  dashboard: boolean
  port: number
}

function parse(args: string[]): Options | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help'
  const options: Options = { output: { json: 'none' }, runtime: 'automation', dashboard: false, port: 8090 }
  const value = (i: number, name: string) => {
    const next = args[i + 1]
    if (next === undefined || next.startsWith('-')) throw new Error(`${name} needs a value`)
    return next
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--json') {
      const next = args[i + 1]
      options.output =
        next === undefined || next.startsWith('-') ? { json: 'stdout' } : { json: 'file', file: args[++i] }
    } else if (arg === '--runtime') {
      const runtime = value(i++, arg)
      if (runtime !== 'automation' && runtime !== 'cre')
        throw new Error(`--runtime takes automation or cre, not ${runtime}`)
      options.runtime = runtime
    } else if (arg === '--scenario') options.scenario = value(i++, arg)
    else if (arg === '--dashboard') options.dashboard = true
    else if (arg === '--port') {
      const port = value(i++, arg)
      if (!/^\d+$/.test(port) || Number(port) > 65_535)
        throw new Error(`--port must be a port number, got ${port}`)
      options.port = Number(port)
    } else throw new Error(`unknown argument: ${arg}`)
  }
  if (options.dashboard && !options.scenario) throw new Error('--dashboard goes with --scenario <name>')
  // The scenarios' pauses are Automation 2.3's upkeeps; the CRE triggers are tested under the SDK
  // (workflows/reserve-guard) and rehearsed by the demo's CRE path, not by the scenarios.
  if (options.scenario && options.runtime === 'cre')
    throw new Error(`--scenario ${options.scenario} runs on Automation 2.3 only: drop --runtime cre`)
  if (args.includes('--port') && !options.dashboard) throw new Error('--port goes with --dashboard')
  return options
}

let parsed: Options | 'help'
try {
  parsed = parse(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
const output = parsed === 'help' ? ({ json: 'none' } as Output) : parsed.output

// Before the adapter framework loads (it reads these once): its logs go to stdout, where they would interleave
// with the narration, or corrupt the JSON. LOG_LEVEL=info shows them, except with --json on stdout.
if (output.json === 'stdout') process.env.LOG_LEVEL = 'silent'
else process.env.LOG_LEVEL ??= 'silent'
process.env.METRICS_ENABLED = 'false'

// A relative --json file is taken from where the command was typed (npm runs scripts from the package root).
const invokedFrom = process.env.INIT_CWD ?? process.cwd()
const { REPO_ROOT } = await import('#devkit/adapters')
process.chdir(REPO_ROOT) // hardhat node and the artifacts are found from the repository root
const { toJson } = await import('../upkeeps/format')
const { SCENARIOS, findScenario } = await import('./scenarios/index')
const OVERMINT = 'overmint'
const OVERMINT_SUMMARY =
  "300 trillion minted by a minter key: refused by SecureMintToken and ACE's SecureMintPolicy, paused a block later on an ungated token"

if (parsed === 'help') {
  const listed = [...SCENARIOS, { name: OVERMINT, summary: OVERMINT_SUMMARY }]
  const width = Math.max(...listed.map((s) => s.name.length))
  const names = listed.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`)
  process.stdout.write(`${USAGE}\n\nScenarios:\n${names.join('\n')}\n`)
  process.exit(0)
}
// The over-mint rehearsal (demo/scenarios/overmint.ts) keeps its own steps and summary, so it is not among
// SCENARIOS; the runner plays it all the same (the dashboard with --dashboard).
const overmint = parsed.scenario === OVERMINT
const scenario = parsed.scenario === undefined || overmint ? undefined : findScenario(parsed.scenario)
if (parsed.scenario !== undefined && !overmint && !scenario) {
  const known = [...SCENARIOS.map((s) => s.name), OVERMINT].join(', ')
  process.stderr.write(`demo: unknown scenario ${parsed.scenario}: the scenarios are ${known}\n`)
  process.exit(2)
}

const narrate = output.json === 'stdout' ? process.stderr : process.stdout
const say = (line: string) => narrate.write(`${line}\n`)
let ok: boolean
let summary: unknown
let keepUp: (() => Promise<void>) | undefined
/** With --dashboard: leaves the dashboard and what the scenario started up until Ctrl-C, then stops them. */
const stayUp = (run: { dashboard?: { url: string }; close(): Promise<void> }) => async () => {
  say(
    `  The dashboard stays up at ${run.dashboard!.url}/ with the scenario's chain, adapters and runner: Ctrl-C stops it.`,
  )
  await new Promise<void>((stop) => {
    process.once('SIGINT', () => stop())
    process.once('SIGTERM', () => stop())
  })
  await run.close()
}
const runnerOptions = { say, dashboard: parsed.dashboard, port: parsed.port }
if (scenario) {
  const { runScenario } = await import('./scenarios/runner')
  const { timelineSummary } = await import('./scenarios/timeline')
  say(scenario.title)
  const run = await runScenario(scenario, runnerOptions)
  for (const line of timelineSummary(run.timeline)) say(line)
  ok = run.timeline.ok
  summary = run.timeline
  if (run.dashboard) keepUp = stayUp(run)
  else await run.close()
} else if (overmint) {
  const { runWithRunner } = await import('./scenarios/runner')
  const { runOvermint } = await import('./scenarios/overmint')
  const run = await runWithRunner((runner) => runOvermint({ print: say, runner }), runnerOptions)
  ok = run.result.ok
  summary = run.result
  if (run.dashboard) keepUp = stayUp(run)
  else await run.close()
} else if (parsed.runtime === 'cre') {
  const { CreDemo } = await import('./cre')
  const result = await new CreDemo(say).run()
  ok = result.ok
  summary = result
} else {
  const { Demo } = await import('./run')
  const result = await new Demo(say).run()
  ok = result.ok
  summary = result
}
if (output.json === 'stdout') process.stdout.write(`${toJson(summary)}\n`)
if (output.json === 'file') {
  const file = resolve(invokedFrom, output.file)
  writeFileSync(file, `${toJson(summary)}\n`)
  narrate.write(`  Summary written to ${file}\n`)
}
await keepUp?.()
// Exit explicitly: the adapter framework keeps timers of its own alive.
process.exit(ok ? 0 : 1)
