/**
 * What the tools' command lines share (`npm run upkeeps`, `npm run jobs`): commands and options
 * as data, from which the strict parser, `help` and the README's reference are all made, and JSON
 * that carries bigints as decimal strings.
 */
import { fileURLToPath } from 'node:url'
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
