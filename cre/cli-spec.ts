/**
 * `npm run cre`'s commands and options, as data: the parser, `help` and the README's reference are made from
 * them (devkit/cli.ts; cre/test/readme.test.ts checks the README against them).
 */
import * as cli from '#devkit/cli'
import type { CliSpec, CommandSpec, OptionSpec } from '#devkit/cli'

/** The variables the tool reads. */
export const ENV = {
  privateKey: 'CRE_PRIVATE_KEY',
  rpcUrl: 'CRE_RPC_URL',
  localDeployment: 'CRE_LOCAL_DEPLOYMENT',
} as const

const ENV_DOCS: Record<keyof typeof ENV, string> = {
  privateKey:
    "the key that signs `local`, `feed` and `allow` (it deploys, owns what it deploys, and is the rehearsal's workflow owner); read from the environment only, never prompted for; `run` needs none",
  rpcUrl: "the local chain's JSON-RPC endpoint when `--rpc-url` is not given",
  localDeployment:
    "where `local` writes the local CRE (the forwarder, and the local DON's and transmitter's throwaway keys) and the other commands read it; default `cre/local-deployment.json` (git-ignored)",
}

const COMMON: OptionSpec[] = [
  {
    name: 'rpc-url',
    value: 'url',
    description: 'JSON-RPC endpoint of the local chain; default: `CRE_RPC_URL`',
  },
  { name: 'json', description: 'print the result as JSON (for scripts) instead of plain words' },
]

export const COMMANDS: CommandSpec[] = [
  {
    name: 'local',
    summary:
      "Deploy Chainlink's KeystoneForwarder on a local chain with a DON of fresh local keys and a funded transmitter, and write them down",
    options: [...COMMON],
    examples: ['npm run cre -- local', 'npm run cre -- local --rpc-url http://127.0.0.1:8545'],
  },
  {
    name: 'feed',
    summary:
      "Deploy Chainlink's DataFeedsCache with one decimal feed that the rehearsal's por-feed workflow may write, and Chainlink's EACAggregatorProxy in front of it",
    options: [
      {
        name: 'decimals',
        value: 'n',
        required: true,
        description: "the answer's decimals: the adapter's (0 to 64)",
      },
      {
        name: 'description',
        value: 'text',
        required: true,
        description: "the feed's description, e.g. `sBTC reserves`",
      },
      ...COMMON,
    ],
    examples: ['npm run cre -- feed --decimals 8 --description "sBTC reserves"'],
  },
  {
    name: 'allow',
    summary:
      "Let a ReserveGuard take the rehearsal's reserve-guard reports: set its forwarder to the local one and allow the workflow (as RECEIVER_ADMIN_ROLE, which the guard's admin grants itself if need be)",
    options: [
      { name: 'guard', value: 'address', required: true, description: 'the ReserveGuard' },
      ...COMMON,
    ],
    examples: ['npm run cre -- allow --guard 0xGuard'],
  },
  {
    name: 'run',
    summary:
      'Rehearse the workflows: run their own code on a local DON against the chain and the running adapters, on their triggers (each cron trigger at once, then on its schedule; each log as it is mined), until Ctrl-C',
    options: [
      {
        name: 'por-feed',
        value: 'config.json',
        description: "the por-feed workflow's config file (its `config.example.json` filled in)",
      },
      {
        name: 'reserve-guard',
        value: 'config.json',
        description: "the reserve-guard workflow's config file (its `config.example.json` filled in)",
      },
      {
        name: 'once',
        description:
          'fire each cron trigger once, run the log triggers on the logs those executions cause, then exit',
      },
      {
        name: 'interval-ms',
        value: 'ms',
        default: '500',
        description: 'how often the log triggers look for new blocks',
      },
      ...COMMON,
    ],
    examples: [
      'npm run cre -- run --por-feed workflows/por-feed/config.local.json --reserve-guard workflows/reserve-guard/config.local.json',
      'npm run cre -- run --reserve-guard workflows/reserve-guard/config.local.json --once',
    ],
  },
]

export class CreError extends cli.CliError {
  override name = 'CreError'
}

/** The cre command line: its commands, what `help` says under them, its usage errors. */
export const CRE_CLI: CliSpec = {
  script: 'cre',
  commands: COMMANDS,
  notes: [
    'npm run cre -- help <command> lists its options. The key comes from CRE_PRIVATE_KEY, the RPC from',
    '--rpc-url or CRE_RPC_URL. A rehearsal on a local chain: it does not replace CRE. Exit codes: 0 done,',
    '1 refused or failed, 2 a usage or configuration mistake.',
  ],
  usageError: (message) => new CreError(message, 'usage'),
}

/** The README's reference: settings, then one table per command. */
export function markdownReference(): string {
  return cli.referenceMarkdown(CRE_CLI, { variables: ENV, meanings: ENV_DOCS })
}

/** The reference as cre/README.md holds it: formatted by Prettier with the project's settings. */
export function formattedReference(): Promise<string> {
  return cli.formatMarkdown(markdownReference())
}
