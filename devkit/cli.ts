/**
 * What the tools' command lines share (`npm run guard`, `npm run upkeeps`, `npm run cre`, `npm run jobs`):
 * commands and options as data, from which the strict parser, `help` and the README's reference are all
 * made; the run of a command line and of the tool as a script; and JSON that carries bigints as decimal
 * strings.
 */
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export interface OptionSpec {
  name: string
  /** the placeholder of its value; absent for a switch */
  value?: string
  multiple?: boolean
  required?: boolean
  default?: string
  description: string
}

/** A positional argument, always required (`fill <adapter>`). */
export interface ArgumentSpec {
  name: string
  description: string
}

export interface CommandSpec {
  name: string
  summary: string
  arguments?: ArgumentSpec[]
  options: OptionSpec[]
  examples: string[]
}

/** One tool's command line. */
export interface CliSpec {
  /** The npm script that runs it: `npm run <script> -- <command>`. */
  script: string
  commands: CommandSpec[]
  /** What `help` says under the list of commands: settings, exit codes. */
  notes: string[]
  /** The error a usage mistake throws (the tool's own, which it prints without a stack). */
  usageError: (message: string) => Error
}

/** Options, positional arguments (by their names) and switches, as parsed. */
export type ParsedOptions = Record<string, string | boolean | string[] | undefined>

export function findCommand(cli: CliSpec, name: string | undefined): CommandSpec {
  const command = cli.commands.find((c) => c.name === name)
  if (!command) {
    const known = cli.commands.map((c) => c.name).join(', ')
    throw cli.usageError(name ? `unknown command ${name}: commands are ${known}` : `no command: ${known}`)
  }
  return command
}

/**
 * Parses a command's arguments strictly: unknown options, missing values, missing required
 * options and a wrong number of positional arguments fail.
 */
export function parseCommand(cli: CliSpec, command: CommandSpec, args: string[]): ParsedOptions {
  const positionals = command.arguments ?? []
  let parsed
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: positionals.length > 0,
      options: Object.fromEntries(
        command.options.map((o) => [
          o.name,
          { type: o.value ? 'string' : 'boolean', multiple: o.multiple ?? false },
        ]),
      ),
    })
  } catch (error) {
    throw cli.usageError(`${command.name}: ${(error as Error).message}`)
  }
  const values = parsed.values as ParsedOptions
  if (parsed.positionals.length !== positionals.length) {
    const expected = positionals.map((p) => `<${p.name}>`).join(' ')
    throw cli.usageError(
      parsed.positionals.length < positionals.length
        ? `${command.name} needs ${expected}`
        : `${command.name} takes ${expected}, then options: ${parsed.positionals.slice(positionals.length).join(' ')} is neither`,
    )
  }
  positionals.forEach((p, i) => (values[p.name] = parsed.positionals[i]))
  for (const option of command.options) {
    if (values[option.name] === undefined && option.default !== undefined)
      values[option.name] = option.default
    if (option.required && values[option.name] === undefined) {
      throw cli.usageError(`${command.name} needs --${option.name} <${option.value}>`)
    }
  }
  return values
}

function optionUsage(option: OptionSpec): string {
  return option.value ? `--${option.name} <${option.value}>` : `--${option.name}`
}

function commandLine(cli: CliSpec, command: CommandSpec): string {
  const positionals = (command.arguments ?? []).map((p) => ` <${p.name}>`).join('')
  return `npm run ${cli.script} -- ${command.name}${positionals} [options]`
}

/** Plain-text help: every command, or one command with its arguments and options. */
export function usage(cli: CliSpec, command?: CommandSpec): string {
  if (!command) {
    const width = Math.max(...cli.commands.map((c) => c.name.length))
    return [
      `Usage: npm run ${cli.script} -- <command> [options]`,
      '',
      ...cli.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      '',
      ...cli.notes,
    ].join('\n')
  }
  const lines = [`Usage: ${commandLine(cli, command)}`, '', command.summary, '']
  const entries: [string, string][] = [
    ...(command.arguments ?? []).map((p): [string, string] => [`<${p.name}>`, p.description]),
    ...command.options.map((option): [string, string] => {
      const notes = [
        option.required ? 'required' : '',
        option.default !== undefined ? `default ${option.default}` : '',
      ]
        .filter(Boolean)
        .join(', ')
      return [optionUsage(option), `${option.description}${notes ? ` (${notes})` : ''}`]
    }),
  ]
  const width = Math.max(...entries.map(([name]) => name.length))
  for (const [name, description] of entries) lines.push(`  ${name.padEnd(width)}  ${description}`)
  lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`))
  return lines.join('\n')
}

/** One markdown section per command: its summary, a table of its arguments and options, its examples. */
export function commandsMarkdown(cli: CliSpec): string[] {
  const escape = (text: string) => text.replace(/\|/g, '\\|')
  return cli.commands.map((command) => {
    const rows = [
      ...(command.arguments ?? []).map((p) => `| \`<${p.name}>\` | ${escape(p.description)} |`),
      ...command.options.map((option) => {
        const value = option.value ? ` \`<${escape(option.value)}>\`` : ''
        const notes = [
          option.required ? 'required' : '',
          option.default !== undefined ? `default \`${option.default}\`` : '',
        ]
          .filter(Boolean)
          .join(', ')
        return `| \`--${option.name}\`${value} | ${escape(option.description)}${notes ? ` (${notes})` : ''} |`
      }),
    ]
    return [
      `### \`${command.name}\``,
      '',
      command.summary + '.',
      '',
      '| option | meaning |',
      '| ------ | ------- |',
      ...rows,
      '',
      '```sh',
      ...command.examples,
      '```',
    ].join('\n')
  })
}

/**
 * A tool's README reference: its settings (`### Settings`, a table of each environment variable it reads and
 * what for), any further `sections`, then one section per command.
 */
export function referenceMarkdown<Key extends string>(
  cli: CliSpec,
  settings: { variables: Record<Key, string>; meanings: Record<Key, string> },
  sections: string[] = [],
): string {
  const { variables, meanings } = settings
  const table = [
    '### Settings',
    '',
    '| variable | meaning |',
    '| -------- | ------- |',
    ...(Object.keys(variables) as Key[]).map((key) => `| \`${variables[key]}\` | ${meanings[key]} |`),
  ].join('\n')
  return [table, ...sections, ...commandsMarkdown(cli)].join('\n\n')
}

/** Markdown as the READMEs hold it: formatted by Prettier with the project's settings. */
export async function formatMarkdown(markdown: string): Promise<string> {
  const prettier = await import('prettier')
  const options = (await prettier.resolveConfig(fileURLToPath(import.meta.url))) ?? {}
  return prettier.format(markdown, { ...options, parser: 'markdown' })
}

/** `JSON.stringify` that writes bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)
}

/** What went wrong, as a tool's exit code says it. */
export type CliErrorKind = 'usage' | 'refused' | 'failed' | 'pending'

/**
 * A problem the user can act on. A tool prints its message as is (no stack) and exits with 2 for
 * a usage or configuration mistake, 3 for something not done yet that will be, 1 for a refusal
 * or a failure.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: CliErrorKind = 'refused',
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** An option's text, if given (a switch or a repeated option has none). */
export function optionText(options: ParsedOptions, name: string): string | undefined {
  const value = options[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * A whole-number option (a block number, a gas limit, a size), if given. Anything else, a fraction, a sign or a
 * number past 2^53, is a usage error that names the option: `Number()` alone would pass `NaN` or `1.5` on.
 */
export function wholeNumberOption(options: ParsedOptions, name: string): number | undefined {
  const value = optionText(options, name)
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new CliError(`--${name} must be a whole number, got ${value}`, 'usage')
  }
  return Number(value)
}

/** A tool's exit code for an error: 2 usage, 3 pending, 1 anything else. */
export function exitCodeOf(error: unknown): number {
  if (!(error instanceof CliError)) return 1
  return error.kind === 'usage' ? 2 : error.kind === 'pending' ? 3 : 1
}

/** Where a tool writes: its results, and its errors. */
export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

/**
 * Runs one command line of `cli`: `help [command]` (`--markdown`: the README's reference, from
 * `reference`), `<command> --help`, then the command, parsed strictly, through `run`, which
 * returns the exit code. An error is printed as its message (its stack only when it is not a
 * {@link CliError}: a defect), as JSON with `--json`, and gives the exit code {@link exitCodeOf} says.
 */
export async function runCommandLine(
  cli: CliSpec,
  argv: string[],
  io: CliIo,
  reference: () => Promise<string>,
  run: (command: CommandSpec, options: ParsedOptions, json: boolean) => Promise<number>,
): Promise<number> {
  const [name, ...args] = argv
  const json = args.includes('--json')
  try {
    if (!name || name === 'help' || name === '--help') {
      const topic = args.find((a) => !a.startsWith('--'))
      if (args.includes('--markdown')) io.out(await reference())
      else io.out(usage(cli, topic ? findCommand(cli, topic) : undefined))
      return 0
    }
    const command = findCommand(cli, name)
    if (args.includes('--help')) {
      io.out(usage(cli, command))
      return 0
    }
    return await run(command, parseCommand(cli, command, args), json)
  } catch (error) {
    const message = error instanceof CliError ? error.message : ((error as Error).stack ?? String(error))
    if (json) io.out(toJson({ command: name, error: message }))
    else io.err(`${name ?? cli.script}: ${message}`)
    return exitCodeOf(error)
  }
}

/** Where a tool writes and, for a tool with commands that run until stopped, when the user pressed Ctrl-C. */
export interface InterruptibleIo extends CliIo {
  /** resolves when the user interrupts (Ctrl-C, SIGTERM): a long-running command stops cleanly */
  interrupted?: Promise<void>
}

/** What a tool's command is handed. */
export interface ToolCommandContext<Env> {
  options: ParsedOptions
  env: Env
  /** prints a line as it happens (a long-running command's log) */
  print: (line: string) => void
  /** resolves when the user interrupts */
  interrupted?: Promise<void>
}

/** What a tool's command gives back: lines for a person, data for `--json`. */
export interface ToolCommandResult {
  lines: string[]
  data: unknown
}

/**
 * Runs one command line of a tool whose commands are functions of a {@link ToolCommandContext}
 * ({@link runCommandLine}): the command's lines are printed, or its data as JSON with `--json`, but for the
 * `streamed` commands, which print their lines as they go. `before` runs ahead of any command (what every
 * command needs, such as built contracts). Exit code 0 when the command returns.
 */
export function runToolCommand<Env>(
  cli: CliSpec,
  reference: () => Promise<string>,
  commands: Record<string, (ctx: ToolCommandContext<Env>) => Promise<ToolCommandResult>>,
  call: { argv: string[]; env: Env; io: InterruptibleIo },
  options: { streamed?: string[]; before?: () => void } = {},
): Promise<number> {
  const { argv, env, io } = call
  return runCommandLine(cli, argv, io, reference, async (command, parsed, json) => {
    options.before?.()
    const result = await commands[command.name]({
      options: parsed,
      env,
      print: io.out,
      interrupted: io.interrupted,
    })
    if (json) io.out(toJson(result.data))
    else if (!options.streamed?.includes(command.name)) io.out(result.lines.join('\n'))
    return 0
  })
}

/**
 * Runs a tool on the process's arguments and environment, setting the exit code, when `moduleUrl` is the
 * script node was started with (not when the tool is imported, as its tests do). `interruptible`: Ctrl-C and
 * SIGTERM resolve `io.interrupted` instead of ending the process, so that a long-running command stops cleanly.
 */
export async function runAsScript(
  moduleUrl: string,
  runCli: (argv: string[], env: NodeJS.ProcessEnv, io: InterruptibleIo) => Promise<number>,
  { interruptible = false } = {},
): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return
  const interrupted = interruptible
    ? new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
    : undefined
  process.exitCode = await runCli(process.argv.slice(2), process.env, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    interrupted,
  })
}
