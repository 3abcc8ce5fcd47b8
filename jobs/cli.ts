/**
 * `npm run jobs -- <command> [options]`: fill in a bridge and a job from jobs/'s templates, and
 * check a filled job against running adapters for the number it would report. Commands and
 * options: jobs/README.md (`help` prints them).
 */
import { isAbsolute, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliError, runCommandLine, toJson, type CliIo, type ParsedOptions } from '#devkit/cli'
import { atFeedDecimals, checkJob, type CheckReport, type PipelineReport } from './check'
import { JOBS_CLI, formattedReference } from './cli-spec'
import { fill, type FillResult } from './fill'

/** Characters of a task's value printed by `check --verbose` (all of it with --json). */
const SHOWN = 600

const list = (options: ParsedOptions, name: string) => (options[name] as string[] | undefined) ?? []

function wholeNumber(options: ParsedOptions, name: string): number {
  const text = String(options[name])
  if (!/^\d+$/.test(text))
    throw new CliError(`--${name} must be a whole number, got ${JSON.stringify(text)}`, 'usage')
  return Number(text)
}

function shorten(text: string): string {
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}… (${Buffer.byteLength(text)} bytes)`
}

/** What the node would do with the job, in one sentence. */
function verdict(report: CheckReport, file: string): string {
  const { answer, juelsPerFeeCoin } = report
  if (report.reports) {
    const scaled = atFeedDecimals(answer.observation!, report.job.feedDecimals)
    const decimals =
      scaled === undefined ? '' : ` (${scaled} at the feed's ${report.job.feedDecimals} decimals)`
    return `${file} would report ${answer.observation}${decimals}, juelsPerFeeCoin ${juelsPerFeeCoin.observation}.`
  }
  const failed = [answer, juelsPerFeeCoin].filter((p) => p.observation === undefined)
  const waiting = failed.some((p) => p.waiting)
  const reasons = failed.map((p) => `${p.pipeline}: ${p.error}`).join('; ')
  return waiting
    ? `${file} would report nothing yet: an adapter still had no value after ${plural(failed[0].rounds, 'round')}; ${reasons}`
    : `${file} would report nothing: ${reasons}`
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`

function pipelineLines(report: PipelineReport): string[] {
  const rounds =
    report.rounds === 1 || report.waiting
      ? plural(report.rounds, 'round')
      : `${report.rounds} rounds: an adapter had no value yet before, as in a node's first rounds after the job is created`
  const lines = [`${report.pipeline} (${rounds}):`]
  for (const request of report.requests)
    lines.push(`  ${request.task} → POST ${request.url} ${shorten(request.body)}`)
  for (const task of report.tasks) {
    lines.push(
      `  ${task.task} [${task.type}] ${task.error !== undefined ? `failed: ${task.error}` : shorten(task.value!)}`,
    )
  }
  return lines
}

/** What `fill` wrote, and what comes next. */
function filledLines(result: FillResult, files: string[]): string[] {
  const lines = [`Wrote ${files[0]}: bridge ${result.bridge.name} → ${result.bridge.url}`]
  const { job } = result
  if (job) {
    lines.push(
      `Wrote ${files[1]}: job "${job.name}" on chain ${job.chainId}` +
        (job.feedDecimals === undefined ? '' : `, for a feed of ${job.feedDecimals} decimals`) +
        `; it calls ${job.bridges.length === 1 ? 'bridge' : 'bridges'} ${job.bridges.join(', ')}, which must exist on the node before the job`,
      `Check it against the running adapter: npm run jobs -- check ${files[1]} --adapter <url>`,
    )
  }
  return lines
}

/** Runs one command line; returns the exit code (see JOBS_CLI's notes). Paths are read from `cwd`. */
export function runCli(
  argv: string[],
  io: CliIo,
  cwd = process.env.INIT_CWD ?? process.cwd(),
): Promise<number> {
  const path = (p: string) => resolve(cwd, p)
  const shown = (p: string) => {
    const from = relative(cwd, p)
    return from.startsWith('..') || isAbsolute(from) ? p : from
  }
  return runCommandLine(JOBS_CLI, argv, io, formattedReference, async (command, options, json) => {
    if (command.name === 'fill') {
      const result = fill({
        adapter: String(options.adapter),
        set: list(options, 'set'),
        out: path(String(options.out)),
        job: options.job as string | undefined,
        bridgeOnly: options['bridge-only'] === true,
        name: options.name as string | undefined,
        chainId: options['chain-id'] as string | undefined,
        force: options.force === true,
      })
      const files = result.files.map(shown)
      io.out(json ? toJson({ command: 'fill', ...result, files }) : filledLines(result, files).join('\n'))
      return 0
    }
    const file = path(String(options.file))
    const report = await checkJob({
      file,
      adapters: list(options, 'adapter'),
      maxSize: options['max-size'] as string,
      waitSeconds: wholeNumber(options, 'wait'),
      onRetry: json
        ? undefined
        : (pipeline, round) =>
            io.out(`${pipeline}: an adapter has no value yet; round ${round}, as the node's next round`),
    })
    if (json) io.out(toJson({ command: 'check', ...report, file: shown(file) }))
    else {
      if (options.verbose === true) {
        for (const pipeline of [report.answer, report.juelsPerFeeCoin])
          io.out(pipelineLines(pipeline).join('\n'))
      }
      io.out(verdict(report, shown(file)))
    }
    return report.reports ? 0 : [report.answer, report.juelsPerFeeCoin].some((p) => p.waiting) ? 3 : 1
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  })
}
