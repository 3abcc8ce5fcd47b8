/**
 * The CLI's commands and options, as data: the parser, `help` and the README's options table are all made
 * from these definitions (devkit/cli.ts; upkeeps/test/readme.test.ts checks the README against them).
 */
import * as cli from '#devkit/cli'
import type { CliSpec, CommandSpec, OptionSpec, ParsedOptions } from '#devkit/cli'
import { UpkeepsError } from './errors'
import { ENV, loadNetworks } from './network'

export type { CommandSpec, OptionSpec, ParsedOptions }

const NETWORK: OptionSpec[] = [
  {
    name: 'network',
    value: 'name',
    description: "a network of upkeeps/networks.json, or `local`; default: the one with the RPC's chain id",
  },
  { name: 'rpc-url', value: 'url', description: 'JSON-RPC endpoint; default: `UPKEEPS_RPC_URL`' },
  { name: 'json', description: 'print the result as JSON (for scripts) instead of plain words' },
]
const SENDING: OptionSpec[] = [
  {
    name: 'dry-run',
    description: 'print each transaction (to, value, decoded call, calldata) and send nothing',
  },
  {
    name: 'from',
    value: 'address',
    description: 'the sender a dry run checks against when `UPKEEPS_PRIVATE_KEY` is not set',
  },
]
const REGISTRY: OptionSpec = {
  name: 'registry',
  value: 'address',
  description: "the Automation 2.3 registry; default: the network's",
}
const MAX_GAS_PRICE: OptionSpec = {
  name: 'max-gas-price',
  value: 'gwei',
  description:
    "the gas price threshold in gwei (exact to 9 decimals), written as the off-chain config Chainlink's nodes read: " +
    'they do not perform above it (a log trigger skips the log); `none` removes it; default: none',
}
const REQUEST: OptionSpec = {
  name: 'request',
  value: 'hash',
  required: true,
  description: "the pending request's hash, as `register` printed it",
}
const UPKEEP: OptionSpec = {
  name: 'upkeep',
  value: 'id',
  required: true,
  description: 'the upkeep id (decimal)',
}

export const COMMANDS: CommandSpec[] = [
  {
    name: 'register',
    summary:
      "Register a conditional or log-trigger upkeep (a feed's update or a token's mint) on a guard, read its id and forwarder back, grant the forwarder the guard's FORWARDER_ROLE",
    options: [
      { name: 'guard', value: 'address', required: true, description: 'the ReserveGuard to watch' },
      {
        name: 'trigger',
        value: 'conditional|log|mint-log',
        default: 'conditional',
        description:
          "conditional: checked every block; log: woken by a feed's `AnswerUpdated`; mint-log: woken by a token's mint (`Transfer` from the zero address), paused in the next block",
      },
      {
        name: 'feed',
        value: 'address',
        description:
          "log trigger: the feed (a proxy's events come from its aggregator, which is resolved); default: the guard's only feed",
      },
      {
        name: 'token',
        value: 'address',
        description:
          "mint-log trigger: the token whose mints wake the guard; default: the guard's only token",
      },
      {
        name: 'amount',
        value: 'decimal',
        required: true,
        description: 'the funding, in the billing token (e.g. `5` LINK), exact to its decimals',
      },
      {
        name: 'billing',
        value: 'link|native|address',
        default: 'link',
        description:
          'LINK (transferAndCall), the native token (sent as value), or another billing token of the registry',
      },
      {
        name: 'gas-limit',
        value: 'gas',
        default: '1000000',
        description:
          'perform gas limit: at least MIN_GAS_PER_ASSET + 110,000 per further asset that may be short at once',
      },
      { name: 'name', value: 'text', description: "the upkeep's name; default: `ReserveGuard <guard>`" },
      {
        name: 'admin',
        value: 'address',
        description: 'who may fund, pause, cancel, withdraw; default: the sender',
      },
      {
        name: 'check-data',
        value: 'hex',
        default: '0x',
        description: "passed to the guard's checkUpkeep/checkLog unchanged",
      },
      MAX_GAS_PRICE,
      {
        name: 'registrar',
        value: 'address',
        description: "the Automation 2.3 registrar; default: the network's",
      },
      REGISTRY,
      ...NETWORK,
      ...SENDING,
    ],
    examples: [
      'npm run upkeeps -- register --network base-sepolia --guard 0xGuard --amount 5',
      'npm run upkeeps -- register --network base-sepolia --guard 0xGuard --trigger log --feed 0xFeedProxy --amount 5 --billing native',
      'npm run upkeeps -- register --network base-sepolia --guard 0xGuard --trigger mint-log --token 0xToken --amount 5',
    ],
  },
  {
    name: 'finish',
    summary:
      'After a pending registration is approved: read the upkeep id and forwarder, grant the forwarder FORWARDER_ROLE',
    options: [
      REQUEST,
      { name: 'guard', value: 'address', required: true, description: 'the registered guard' },
      {
        name: 'from-block',
        value: 'number',
        default: '0',
        description: "where to look for the registrar's approval",
      },
      { name: 'registrar', value: 'address', description: "the registrar; default: the network's" },
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run upkeeps -- finish --network base-sepolia --request 0xHash --guard 0xGuard'],
  },
  {
    name: 'approve-request',
    summary:
      "Approve a pending registration as the registrar's owner (a local registrar; on Chainlink's networks, Chainlink approves)",
    options: [
      REQUEST,
      {
        name: 'from-block',
        value: 'number',
        default: '0',
        description: "where to look for the request's RegistrationRequested event",
      },
      { name: 'registrar', value: 'address', description: "the registrar; default: the network's" },
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run upkeeps -- approve-request --network local --request 0xHash'],
  },
  {
    name: 'cancel-request',
    summary:
      "Cancel a pending registration (the registrar's owner, or the request's admin): its funds go back to the admin",
    options: [
      REQUEST,
      { name: 'registrar', value: 'address', description: "the registrar; default: the network's" },
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run upkeeps -- cancel-request --network local --request 0xHash'],
  },
  {
    name: 'grant-forwarder',
    summary: "Grant an upkeep's forwarder the guard's FORWARDER_ROLE (the key must be the guard's admin)",
    options: [UPKEEP, REGISTRY, ...NETWORK, ...SENDING],
    examples: ['npm run upkeeps -- grant-forwarder --network base-sepolia --upkeep 1234'],
  },
  {
    name: 'status',
    summary:
      "A guard's assets (backed / short / stale, reserves, supply) and its upkeeps (trigger, balance, minimum, state, forwarder and its role)",
    options: [
      { name: 'guard', value: 'address', required: true, description: 'the ReserveGuard' },
      {
        name: 'upkeep',
        value: 'id',
        multiple: true,
        description: 'its upkeeps (repeat); default: those the registrar registered for it (from its events)',
      },
      {
        name: 'from-block',
        value: 'number',
        default: '0',
        description: "where to look for the registrar's events",
      },
      { name: 'registrar', value: 'address', description: "the registrar; default: the network's" },
      REGISTRY,
      ...NETWORK,
    ],
    examples: ['npm run upkeeps -- status --network base-sepolia --guard 0xGuard --upkeep 1234 --json'],
  },
  {
    name: 'fund',
    summary: "Add funds to an upkeep in its billing token; warns if it stays below the registry's minimum",
    options: [
      UPKEEP,
      {
        name: 'amount',
        value: 'decimal',
        required: true,
        description: 'in the billing token, exact to its decimals',
      },
      {
        name: 'wrapped',
        description: 'native-billed upkeep: pay with the wrapped token (approve) instead of native value',
      },
      REGISTRY,
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run upkeeps -- fund --network base-sepolia --upkeep 1234 --amount 2.5'],
  },
  {
    name: 'update-upkeep',
    summary:
      "Change a registered upkeep (admin), one registry call per change: gas limit, checkData, a log trigger's feed, the gas price threshold",
    options: [
      UPKEEP,
      {
        name: 'gas-limit',
        value: 'gas',
        description:
          'the new perform gas limit (setUpkeepGasLimit); warns when the balance no longer covers it',
      },
      {
        name: 'check-data',
        value: 'hex',
        description: "the new checkData for the guard's check (setUpkeepCheckData)",
      },
      {
        name: 'feed',
        value: 'address',
        description:
          "log trigger: listen to this feed's AnswerUpdated (a proxy's current aggregator, resolved), e.g. after Chainlink moved the proxy (setUpkeepTriggerConfig)",
      },
      {
        ...MAX_GAS_PRICE,
        description: MAX_GAS_PRICE.description.replace('; default: none', ' (setUpkeepOffchainConfig)'),
      },
      REGISTRY,
      ...NETWORK,
      ...SENDING,
    ],
    examples: [
      'npm run upkeeps -- update-upkeep --network base-sepolia --upkeep 1234 --gas-limit 600000 --max-gas-price 50',
      'npm run upkeeps -- update-upkeep --network base-sepolia --upkeep 1234 --feed 0xFeedProxy',
    ],
  },
  {
    name: 'transfer-admin',
    summary:
      "Propose a new admin for an upkeep (admin); it takes over once it accepts (accept-admin), the guard's roles unchanged",
    options: [
      UPKEEP,
      { name: 'to', value: 'address', required: true, description: 'the proposed admin' },
      REGISTRY,
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run upkeeps -- transfer-admin --network base-sepolia --upkeep 1234 --to 0xNewAdmin'],
  },
  {
    name: 'accept-admin',
    summary: "Accept an upkeep's admin role, with the proposed admin's key",
    options: [UPKEEP, REGISTRY, ...NETWORK, ...SENDING],
    examples: ['npm run upkeeps -- accept-admin --network base-sepolia --upkeep 1234'],
  },
  {
    name: 'pause-upkeep',
    summary: 'Pause an upkeep (admin): neither checked nor performed until unpaused',
    options: [UPKEEP, REGISTRY, ...NETWORK, ...SENDING],
    examples: ['npm run upkeeps -- pause-upkeep --network base-sepolia --upkeep 1234'],
  },
  {
    name: 'unpause-upkeep',
    summary: 'Unpause an upkeep (admin)',
    options: [UPKEEP, REGISTRY, ...NETWORK, ...SENDING],
    examples: ['npm run upkeeps -- unpause-upkeep --network base-sepolia --upkeep 1234'],
  },
  {
    name: 'cancel',
    summary:
      'Cancel an upkeep (admin): it is closed, neither checked nor performed; says from which block its funds can be withdrawn and what fee the registry keeps',
    options: [UPKEEP, REGISTRY, ...NETWORK, ...SENDING],
    examples: ['npm run upkeeps -- cancel --network base-sepolia --upkeep 1234'],
  },
  {
    name: 'withdraw',
    summary: "Withdraw a cancelled upkeep's funds (admin); refused before the cancellation delay has passed",
    options: [
      UPKEEP,
      { name: 'to', value: 'address', description: 'the recipient; default: the sender' },
      REGISTRY,
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run upkeeps -- withdraw --network base-sepolia --upkeep 1234'],
  },
  {
    name: 'run',
    summary:
      'Rehearse the Automation DON: check upkeeps each block through the registry and perform (transmit on a local registry; impersonation or a forwarder key elsewhere)',
    options: [
      {
        name: 'upkeep',
        value: 'id',
        multiple: true,
        description: 'upkeeps to run (repeat); default: those of --guard',
      },
      {
        name: 'guard',
        value: 'address',
        description: 'run the upkeeps the registrar registered for this guard',
      },
      {
        name: 'mode',
        value: 'auto|transmit|impersonate|forwarder-key',
        default: 'auto',
        description:
          "auto: transmit if the local deployment holds this registry's DON keys, else impersonate; forwarder-key: perform from `UPKEEPS_PRIVATE_KEY`",
      },
      { name: 'once', description: 'check (and perform) once at the latest block, then stop' },
      { name: 'blocks', value: 'n', description: 'stop after n new blocks; default: run until interrupted' },
      { name: 'interval-ms', value: 'ms', default: '1000', description: 'how often to poll for a new block' },
      {
        name: 'from-block',
        value: 'number',
        description: 'log triggers: read logs from this block; default: new blocks only',
      },
      {
        name: 'registrar',
        value: 'address',
        description: "for --guard: the registrar; default: the network's",
      },
      REGISTRY,
      ...NETWORK,
    ],
    examples: [
      'npm run upkeeps -- run --network local --guard 0xGuard',
      'npm run upkeeps -- run --rpc-url http://127.0.0.1:8545 --registry 0xRegistry --upkeep 1234 --mode impersonate',
    ],
  },
  {
    name: 'local',
    summary:
      'Deploy Chainlink Automation 2.3 (LINK, registry with logic A/B/C, forwarder logic, registrar) to a local development chain (refused elsewhere), with a DON the runner holds the keys of',
    options: [
      {
        name: 'pending',
        description: 'leave registrations pending for the registrar owner instead of approving them',
      },
      {
        name: 'max-perform-data-size',
        value: 'bytes',
        default: '2000',
        description: "the registry's maxPerformDataSize",
      },
      ...NETWORK.filter((o) => o.name !== 'network'),
    ],
    examples: ['npm run upkeeps -- local --rpc-url http://127.0.0.1:8545'],
  },
  {
    name: 'networks',
    summary: 'List the configured networks and where each address comes from',
    options: [{ name: 'json', description: 'print the result as JSON' }],
    examples: ['npm run upkeeps -- networks'],
  },
]

/** The upkeeps command line: its commands, what `help` says under them, its usage errors. */
export const UPKEEPS_CLI: CliSpec = {
  script: 'upkeeps',
  commands: COMMANDS,
  notes: [
    'npm run upkeeps -- help <command> lists its options. Keys come from UPKEEPS_PRIVATE_KEY, the RPC from',
    '--rpc-url or UPKEEPS_RPC_URL. Every command that sends (but local) takes --dry-run. Exit codes: 0 done,',
    '1 refused or failed, 2 a usage or configuration mistake, 3 not yet (a registration still pending).',
  ],
  usageError: (message) => new UpkeepsError(message, 'usage'),
}

export const findCommand = (name: string | undefined): CommandSpec => cli.findCommand(UPKEEPS_CLI, name)

/** Parses a command's arguments strictly: unknown options, missing values and missing required options fail. */
export const parseCommand = (command: CommandSpec, args: string[]): ParsedOptions =>
  cli.parseCommand(UPKEEPS_CLI, command, args)

/** Plain-text help: every command, or one command with its options. */
export const usage = (command?: CommandSpec): string => cli.usage(UPKEEPS_CLI, command)

/** What each environment variable is for (the names are ENV's). */
const ENV_DOCS: Record<keyof typeof ENV, string> = {
  privateKey:
    'the key that signs (registers, pays, grants FORWARDER_ROLE, deploys locally); read from the environment only, never prompted for; not needed for `status`, `networks`, `run` (except `--mode forwarder-key`) or a `--dry-run` with `--from`',
  rpcUrl: 'the JSON-RPC endpoint when `--rpc-url` is not given',
  localDeployment:
    "where `local` writes the local deployment (addresses and the local DON's throwaway keys) and `--network local` reads it; default `upkeeps/local-deployment.json` (git-ignored)",
}

function networksTable(): string {
  const rows = Object.entries(loadNetworks()).map(([name, n]) =>
    n.registry && n.registrar
      ? `| \`${name}\` | ${n.chainId} | \`${n.registry.address}\` | \`${n.registrar.address}\` | \`${n.link.address}\` | [supported networks](${n.registry.source}), [LINK](${n.link.source}) |`
      : `| \`${name}\` | ${n.chainId} | pass \`--registry\` | pass \`--registrar\` | \`${n.link.address}\` | [LINK](${n.link.source}); no stored source lists a 2.3 registry (\`npm run upkeeps -- networks\`) |`,
  )
  return [
    '| network | chain id | registry | registrar | LINK | source |',
    '| ------- | -------- | -------- | --------- | ---- | ------ |',
    ...rows,
    '| `local` | yours | written by `local` | written by `local` | written by `local` | the local deployment file |',
  ].join('\n')
}

/** The README's reference: settings, networks and one table per command, made from the definitions above. */
export function markdownReference(): string {
  return cli.referenceMarkdown(UPKEEPS_CLI, { variables: ENV, meanings: ENV_DOCS }, [
    ['### Networks (`upkeeps/networks.json`)', '', networksTable()].join('\n'),
  ])
}

/** The reference as the README holds it: formatted by Prettier with the project's settings. */
export function formattedReference(): Promise<string> {
  return cli.formatMarkdown(markdownReference())
}
