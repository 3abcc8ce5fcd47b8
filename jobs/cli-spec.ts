/**
 * The jobs CLI's commands and options, as data: the parser, `help` and jobs/README.md's reference
 * are all made from these definitions (devkit/cli.ts; test/jobs/cli.test.ts checks the README).
 */
import * as cli from '#devkit/cli'
import { CliError, type CliSpec } from '#devkit/cli'

const JSON_OPTION = {
  name: 'json',
  description: 'print the result as JSON (for scripts) instead of plain words',
}

export const JOBS_CLI: CliSpec = {
  script: 'jobs',
  commands: [
    {
      name: 'fill',
      summary:
        'Write a bridge and a job from the templates of `jobs/<adapter>/` with your values: every placeholder given, each value checked, both files read back as the node reads them, then written whole, or nothing at all',
      arguments: [{ name: 'adapter', description: 'the folder of `jobs/` whose templates to fill in' }],
      options: [
        {
          name: 'set',
          value: 'NAME=value',
          multiple: true,
          description:
            "a placeholder's value (repeat for each; the names are jobs/README.md's, without angle brackets). Numbered ones are a list: give `_1`, `_2`, … as many as there are entries. `P2P_BOOTSTRAPPER` may be given once per bootstrap node",
        },
        {
          name: 'out',
          value: 'folder',
          required: true,
          description: 'where to write `bridge.json` and the job (made if missing)',
        },
        {
          name: 'job',
          value: 'file',
          description:
            "which of the folder's job specs to fill, `job.toml` unless given (`proof-of-reserves` has `mixed.toml` too); written under the same name",
        },
        {
          name: 'name',
          value: 'text',
          description: "the job's name, which must be unique on a node; default: the template's",
        },
        {
          name: 'chain-id',
          value: 'id',
          description: "the feed's chain, `[relayConfig] chainID`; default: the template's 1 (Ethereum)",
        },
        {
          name: 'bridge-only',
          description:
            "write the bridge only: a bridge another folder's job calls (a pipeline of your own piping por-address-list into btc-balance calls btc-balance's)",
        },
        { name: 'force', description: 'replace the files if `--out` already holds them' },
        JSON_OPTION,
      ],
      examples: [
        'npm run jobs -- fill gold-vault --out my-jobs/gold-vault --set ADAPTER_URL=http://127.0.0.1:8082 --set VAULT_NAME=london …',
        'npm run jobs -- fill proof-of-reserves --job mixed.toml --out my-jobs/proof-of-reserves --set ADAPTER_URL=http://127.0.0.1:8085 --set BTC_USD_FEED=0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c …',
        'npm run jobs -- fill btc-balance --bridge-only --out my-jobs/btc-balance --set ADAPTER_URL=http://127.0.0.1:8083',
      ],
    },
    {
      name: 'check',
      summary:
        'Replay a filled job against running adapters as a Chainlink node runs it, and print the number it would report (and its juelsPerFeeCoin)',
      arguments: [{ name: 'file', description: 'the filled job spec (`job.toml`)' }],
      options: [
        {
          name: 'adapter',
          value: 'url|bridge=url',
          multiple: true,
          required: true,
          description:
            "where the bridge's adapter runs, as the node's bridges table says: `bridge=url` for each bridge the job calls, or the URL alone when it calls one",
        },
        {
          name: 'max-size',
          value: 'size',
          default: '32768',
          description:
            "the node's `[JobPipeline.HTTPRequest] MaxSize`: a bridge answer is cut there, as the node cuts it (`1mb` is 1,000,000 bytes)",
        },
        {
          name: 'wait',
          value: 'seconds',
          default: '30',
          description:
            'how long to keep running rounds while an adapter answers "no value yet" (its first answer for new inputs), a second apart',
        },
        { name: 'verbose', description: "print each task's result, and each bridge request as it was sent" },
        JSON_OPTION,
      ],
      examples: [
        'npm run jobs -- check my-jobs/attestation/job.toml --adapter http://127.0.0.1:8081',
        'npm run jobs -- check my-jobs/proof-of-reserves/job.toml --adapter http://127.0.0.1:8085 --verbose',
        'npm run jobs -- check my-jobs/two-bridges.toml --adapter por-address-list=http://127.0.0.1:8084 --adapter btc-balance=http://127.0.0.1:8083',
      ],
    },
  ],
  notes: [
    'npm run jobs -- help <command> lists its options. Paths are read from the folder npm was run in.',
    'Exit codes: 0 done (check: the job reports a number), 1 check: the job would report nothing, 2 a usage',
    'mistake (a placeholder missing, unknown or refused, a file that is not a job, files already there),',
    '3 check: an adapter still had no value after --wait.',
  ],
  usageError: (message) => new CliError(message, 'usage'),
}

/** The reference as jobs/README.md holds it: one section per command, formatted by Prettier. */
export function formattedReference(): Promise<string> {
  return cli.formatMarkdown(cli.commandsMarkdown(JOBS_CLI).join('\n\n'))
}
