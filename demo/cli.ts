/**
 * `npm run demo [-- --runtime automation|cre] [--scenario overmint] [--json [<file>]]`: runs the demo
 * (demo/run.ts, or on the CRE path demo/cre.ts), or a scenario (demo/scenarios/), and exits 0 only if every step
 * happened as described.
 *
 * - no option: the narration and the summary table on stdout;
 * - `--runtime cre`: the same steps with the CRE workflows instead of Automation 2.3 (default `automation`);
 * - `--scenario overmint`: the over-mint rehearsal (Automation 2.3 only);
 * - `--json`: the summary as JSON on stdout, the narration on stderr (to watch it while a script reads stdout);
 * - `--json <file>`: the narration on stdout, the summary as JSON written to <file>.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

const USAGE = `Usage: npm run demo [-- --runtime automation|cre] [--scenario overmint] [--json [<file>]]

  (no option)          narrate each step and print the summary table on stdout
  --runtime <r>        automation (default): Chainlink Automation 2.3 pauses the token; cre: the CRE workflows
                       do, rehearsed on a local DON through Chainlink's KeystoneForwarder (feed: DataFeedsCache)
  --scenario overmint  the over-mint rehearsal: 300 trillion minted by a minter key, refused by
                       SecureMintToken and ACE's SecureMintPolicy, paused a block later on an ungated token
                       by Automation 2.3's mint-log upkeep (not with --runtime cre)
  --json               print the summary as JSON on stdout; the narration goes to stderr
  --json <file>        narrate on stdout and write the summary as JSON to <file>
  --help               this text

Exit code: 0 when every step happened as described, 1 when one did not, 2 for a usage mistake.
See demo/README.md.`

type Output = ({ json: 'none' } | { json: 'stdout' } | { json: 'file'; file: string }) & {
  runtime: 'automation' | 'cre'
  scenario?: 'overmint'
}

/** Takes `<name> <value>` out of `args`, in place: the value, or undefined when the option is absent. */
function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name)
  if (at < 0) return undefined
  const value = args[at + 1]
  args.splice(at, 2)
  return value ?? '(none)'
}

function parse(argv: string[]): Output | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help'
  const args = [...argv]
  const runtime = takeOption(args, '--runtime') ?? 'automation'
  if (runtime !== 'automation' && runtime !== 'cre')
    throw new Error(`--runtime takes automation or cre, not ${runtime}`)
  const scenario = takeOption(args, '--scenario')
  if (scenario !== undefined && scenario !== 'overmint')
    throw new Error(`unknown scenario: ${scenario}; the one there is: overmint`)
  // The over-mint rehearsal's pause is Automation 2.3's mint-log upkeep; the CRE mint trigger is tested under the
  // SDK (workflows/reserve-guard), not rehearsed here.
  if (scenario === 'overmint' && runtime === 'cre')
    throw new Error('--scenario overmint runs on Automation 2.3 only: drop --runtime cre')
  const chosen: Pick<Output, 'runtime' | 'scenario'> =
    scenario === undefined ? { runtime } : { runtime, scenario }
  if (args.length === 0) return { json: 'none', ...chosen }
  if (args[0] === '--json' && args.length === 1) return { json: 'stdout', ...chosen }
  if (args[0] === '--json' && args.length === 2 && !args[1].startsWith('-'))
    return { json: 'file', file: args[1], ...chosen }
  throw new Error(`unknown arguments: ${args.join(' ')}`)
}

let output: Output | 'help'
try {
  output = parse(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
if (output === 'help') {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

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

const narrate = output.json === 'stdout' ? process.stderr : process.stdout
const print = (line: string) => narrate.write(`${line}\n`)
const summary =
  output.scenario === 'overmint'
    ? await (await import('./scenarios/overmint')).runOvermint({ print })
    : output.runtime === 'cre'
      ? await new (await import('./cre')).CreDemo(print).run()
      : await new (await import('./run')).Demo(print).run()
if (output.json === 'stdout') process.stdout.write(`${toJson(summary)}\n`)
if (output.json === 'file') {
  const file = resolve(invokedFrom, output.file)
  writeFileSync(file, `${toJson(summary)}\n`)
  narrate.write(`  Summary written to ${file}\n`)
}
// Exit explicitly: the adapter framework keeps timers of its own alive.
process.exit(summary.ok ? 0 : 1)
