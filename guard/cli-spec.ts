/**
 * `npm run guard`'s commands and options, as data: the parser, `help` and guard/README.md's reference are made
 * from these definitions (devkit/cli.ts; guard/test/readme.test.ts checks the README against them).
 */
import * as cli from '#devkit/cli'
import type { CliSpec, CommandSpec, OptionSpec } from '#devkit/cli'
import { ASSET_CONFIG_OPTIONS, TOKEN_RULE_OPTIONS } from './asset-config'
import { ENV } from './session'

const NETWORK: OptionSpec[] = [
  {
    name: 'network',
    value: 'name',
    description:
      "a network of upkeeps/networks.json (its chain id is checked), or `local` (a development chain); default: the one with the RPC's chain id",
  },
  { name: 'rpc-url', value: 'url', description: `JSON-RPC endpoint; default: \`${ENV.rpcUrl}\`` },
  { name: 'json', description: 'print the result as JSON (for scripts) instead of plain words' },
]
const SENDING: OptionSpec[] = [
  {
    name: 'dry-run',
    description:
      'print each transaction (to, value, decoded call, calldata), simulate what does not wait on another, send nothing',
  },
  {
    name: 'from',
    value: 'address',
    description: `the sender a dry run checks roles against when \`${ENV.privateKey}\` is not set`,
  },
]
const GUARD: OptionSpec = { name: 'guard', value: 'address', required: true, description: 'the ReserveGuard' }
const TARGET: OptionSpec = {
  name: 'target',
  value: 'address',
  required: true,
  description: "the asset: the contract the guard pauses (a token's address)",
}
const TOKEN: OptionSpec = {
  name: 'token',
  value: 'address',
  required: true,
  description: 'the SecureMintToken',
}
const FROM_BLOCK: OptionSpec = {
  name: 'from-block',
  value: 'number',
  default: '0',
  description: 'where to look for the event that scheduled the change (a public RPC may refuse long ranges)',
}
/** `--guard` or `--token`: the contract whose roles a command changes. */
const EITHER: OptionSpec[] = [
  { name: 'guard', value: 'address', description: 'the ReserveGuard (or --token)' },
  { name: 'token', value: 'address', description: 'the SecureMintToken (or --guard)' },
]
const LOCAL_FEED: OptionSpec[] = [
  { name: 'decimals', value: 'n', default: '8', description: "the feed's decimals" },
  {
    name: 'unit',
    value: 'symbol',
    default: 'BTC',
    description: 'what the reserves are counted in: the feed\'s description is "<unit> PoR"',
  },
]

export const COMMANDS: CommandSpec[] = [
  {
    name: 'deploy',
    summary:
      'Deploy a ReserveGuard (admin, admin delay) and, optionally, a SecureMintToken on a reserve feed and a PoRAddressList; prints their addresses and the commands that wire them',
    options: [
      {
        name: 'delay',
        value: 'duration',
        required: true,
        description:
          "the guard's admin delay: what an admin transfer and every asset update or removal wait (86400, 48h, 2d; a day or two)",
      },
      {
        name: 'admin',
        value: 'address',
        description: 'receives the admin role of each contract; default: the sender',
      },
      {
        name: 'token-name',
        value: 'text',
        description: 'deploy a SecureMintToken with this name (and --token-symbol)',
      },
      { name: 'token-symbol', value: 'text', description: "the token's symbol" },
      ...TOKEN_RULE_OPTIONS,
      {
        name: 'token-delay',
        value: 'duration',
        description:
          "the token's admin delay (its admin transfer and reserve configuration changes); default: --delay",
      },
      { name: 'address-list', description: 'deploy a PoRAddressList (its admin manages it)' },
      {
        name: 'list-address',
        value: 'text',
        multiple: true,
        description: 'an address for the list to start with (repeat); implies --address-list',
      },
      ...NETWORK,
      ...SENDING,
    ],
    examples: [
      'npm run guard -- deploy --network base-sepolia --delay 1d --dry-run --from 0xIssuer',
      'npm run guard -- deploy --network base-sepolia --delay 1d --token-name "Secure BTC" --token-symbol sBTC --feed 0xFeedProxy --heartbeat 1d',
    ],
  },
  {
    name: 'add-asset',
    summary:
      "Register a target on the guard (admin; at once): its pause mode found from the target (Operations, Pausable, or AcePausePolicy for a Chainlink ACE PausePolicy), a SecureMintToken's own rules, the pause gas measured; grants the guard the token's PAUSER_ROLE when the sender is the token's admin",
    options: [GUARD, TARGET, ...ASSET_CONFIG_OPTIONS, ...NETWORK, ...SENDING],
    examples: [
      'npm run guard -- add-asset --network base-sepolia --guard 0xGuard --target 0xToken',
      'npm run guard -- add-asset --network base-sepolia --guard 0xGuard --target 0xPausable --feed 0xFeedProxy --heartbeat 1d --margin-mode positive-percentage --margin-amount 50',
      'npm run guard -- add-asset --network base-sepolia --guard 0xGuard --target 0xPausePolicy --policy-token 0xAceToken --feed 0xFeedProxy --heartbeat 1d',
    ],
  },
  {
    name: 'schedule-update',
    summary:
      'Schedule a new configuration for an asset (admin): the options given change its present one; applicable after the admin delay, for 14 days',
    options: [GUARD, TARGET, ...ASSET_CONFIG_OPTIONS, ...NETWORK, ...SENDING],
    examples: [
      'npm run guard -- schedule-update --network base-sepolia --guard 0xGuard --target 0xToken --operations mint,redeem,burn',
    ],
  },
  {
    name: 'apply-update',
    summary:
      'Apply the update scheduled for an asset (admin), read from the event that scheduled it; exits 3 while it waits',
    options: [GUARD, TARGET, FROM_BLOCK, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- apply-update --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'schedule-removal',
    summary: 'Schedule the removal of an asset (admin); applicable after the admin delay, for 14 days',
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- schedule-removal --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'apply-removal',
    summary:
      'Apply the removal scheduled for an asset (admin); its target is left paused or not as it is; exits 3 while it waits',
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- apply-removal --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'cancel-change',
    summary: 'Cancel the update or removal scheduled for an asset (admin; at once)',
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- cancel-change --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'schedule-reserve-config',
    summary:
      "Schedule a SecureMintToken's new reserve feed, heartbeat or margin (its admin); applicable after its admin delay, for 14 days; the guard's asset then follows (schedule-update)",
    options: [
      TOKEN,
      ...TOKEN_RULE_OPTIONS.map((o) => ({ ...o, description: `${o.description}; default: the present one` })),
      ...NETWORK,
      ...SENDING,
    ],
    examples: [
      'npm run guard -- schedule-reserve-config --network base-sepolia --token 0xToken --feed 0xNewFeedProxy',
    ],
  },
  {
    name: 'apply-reserve-config',
    summary: "Apply a SecureMintToken's scheduled reserve configuration (its admin); exits 3 while it waits",
    options: [TOKEN, FROM_BLOCK, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- apply-reserve-config --network base-sepolia --token 0xToken'],
  },
  {
    name: 'cancel-reserve-config',
    summary: "Cancel a SecureMintToken's scheduled reserve configuration (its admin)",
    options: [TOKEN, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- cancel-reserve-config --network base-sepolia --token 0xToken'],
  },
  {
    name: 'grant-role',
    summary:
      "Grant a role (the contract's admin; at once): on the guard FORWARDER, GUARDIAN, UNPAUSER or RECEIVER_ADMIN, on the token MINTER or PAUSER",
    options: [
      ...EITHER,
      {
        name: 'role',
        value: 'name',
        required: true,
        description: 'the role, by name (GUARDIAN or GUARDIAN_ROLE)',
      },
      { name: 'account', value: 'address', required: true, description: 'who receives it' },
      ...NETWORK,
      ...SENDING,
    ],
    examples: [
      'npm run guard -- grant-role --network base-sepolia --guard 0xGuard --role GUARDIAN --account 0xIncidentTeam',
      'npm run guard -- grant-role --network base-sepolia --token 0xToken --role MINTER --account 0xMintDesk',
    ],
  },
  {
    name: 'revoke-role',
    summary: "Revoke a role (the contract's admin; at once)",
    options: [
      ...EITHER,
      { name: 'role', value: 'name', required: true, description: 'the role, by name' },
      { name: 'account', value: 'address', required: true, description: 'who loses it' },
      ...NETWORK,
      ...SENDING,
    ],
    examples: [
      'npm run guard -- revoke-role --network base-sepolia --guard 0xGuard --role UNPAUSER --account 0xOldOps',
    ],
  },
  {
    name: 'transfer-admin',
    summary:
      "Begin handing the guard's or the token's admin role to another account (the admin); it accepts after the admin delay (accept-admin)",
    options: [
      ...EITHER,
      { name: 'to', value: 'address', required: true, description: 'the new admin' },
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run guard -- transfer-admin --network base-sepolia --guard 0xGuard --to 0xNewAdmin'],
  },
  {
    name: 'accept-admin',
    summary:
      "Accept the admin role offered by transfer-admin, with the new admin's key, once the admin delay has passed; exits 3 before",
    options: [...EITHER, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- accept-admin --network base-sepolia --guard 0xGuard'],
  },
  {
    name: 'cancel-admin-transfer',
    summary: 'Cancel an admin transfer not yet accepted (the admin)',
    options: [...EITHER, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- cancel-admin-transfer --network base-sepolia --guard 0xGuard'],
  },
  {
    name: 'pause',
    summary:
      "Pause an asset by hand, whatever its reserves (GUARDIAN_ROLE): the guardian's hold, which only a guardian lifts",
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- pause --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'lift',
    summary:
      "Lift the guardian's hold (GUARDIAN_ROLE); the last hold lifted unpauses, which needs the asset backed",
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- lift --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'unpause',
    summary:
      "Lift the upkeep's hold once the asset is backed (UNPAUSER_ROLE); refused, with the verdict, while it is not",
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- unpause --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'clear-backoff',
    summary:
      "Forget an asset's failed pauses so the next upkeep tries at once (GUARDIAN_ROLE), once their cause is fixed",
    options: [GUARD, TARGET, ...NETWORK, ...SENDING],
    examples: ['npm run guard -- clear-backoff --network base-sepolia --guard 0xGuard --target 0xToken'],
  },
  {
    name: 'mint',
    summary:
      "Mint a SecureMintToken (MINTER_ROLE), refused with the token's verdict when the supply after it would not be backed",
    options: [
      TOKEN,
      {
        name: 'amount',
        value: 'decimal',
        required: true,
        description: "in the token's units (8 decimals), exactly",
      },
      { name: 'to', value: 'address', description: 'the recipient; default: the sender' },
      ...NETWORK,
      ...SENDING,
    ],
    examples: ['npm run guard -- mint --network local --token 0xToken --amount 90'],
  },
  {
    name: 'status',
    summary:
      "A guard and each asset, at one block: verdict, reserves for supply and their ratio, what is paused and by whom, backoff, scheduled changes, feed age against heartbeat, perform gas; the guard's admin and role holders",
    options: [
      GUARD,
      { name: 'target', value: 'address', description: 'only this asset' },
      {
        name: 'from-block',
        value: 'number',
        default: '0',
        description: "where to read the guard's role events from (its deployment block, on a public RPC)",
      },
      {
        name: 'reserve-unit',
        value: 'symbol',
        description:
          "what the reserves are counted in; default: the first word of the reserve feed's description",
      },
      ...NETWORK,
    ],
    examples: [
      'npm run guard -- status --network base-sepolia --guard 0xGuard',
      'npm run guard -- status --network local --guard 0xGuard --json',
    ],
  },
  {
    name: 'local-feed',
    summary:
      "A PoR feed for rehearsals on a development chain: Chainlink's FluxAggregator behind its EACAggregatorProxy, the key its one oracle; with --feed, a new answer for it",
    options: [
      {
        name: 'reserves',
        value: 'decimal',
        required: true,
        description: 'the answer, in the unit (exact to the decimals)',
      },
      {
        name: 'feed',
        value: 'address',
        description: 'a feed local-feed deployed: give it this answer as its next round',
      },
      ...LOCAL_FEED,
      ...NETWORK,
    ],
    examples: [
      'npm run guard -- local-feed --network local --reserves 100',
      'npm run guard -- local-feed --network local --feed 0xFeed --reserves 80',
    ],
  },
  {
    name: 'local',
    summary:
      'A guarded token for rehearsals on a development chain: local-feed, then deploy (guard and SecureMintToken), add-asset, grant-role MINTER and mint, each printed as its command',
    options: [
      { name: 'reserves', value: 'decimal', default: '100', description: "the feed's first answer" },
      { name: 'supply', value: 'decimal', default: '90', description: 'minted to the sender (0: none)' },
      ...LOCAL_FEED,
      {
        name: 'delay',
        value: 'duration',
        default: '1d',
        description: 'the admin delay of the guard and the token',
      },
      {
        name: 'heartbeat',
        value: 'duration',
        default: '1d',
        description: "the token's and the asset's heartbeat",
      },
      { name: 'token-name', value: 'text', default: 'Secure BTC', description: "the token's name" },
      { name: 'token-symbol', value: 'text', default: 'sBTC', description: "the token's symbol" },
      ...NETWORK,
    ],
    examples: ['npm run guard -- local --reserves 100 --supply 90'],
  },
]

/** The guard's command line: its commands, what `help` says under them, its usage errors. */
export const GUARD_CLI: CliSpec = {
  script: 'guard',
  commands: COMMANDS,
  notes: [
    `npm run guard -- help <command> lists its options. The key comes from ${ENV.privateKey}, the RPC from --rpc-url`,
    `or ${ENV.rpcUrl}. Every command that sends takes --dry-run (and --from without a key). Exit codes: 0 done,`,
    '1 refused or failed, 2 a usage or configuration mistake, 3 not yet (a scheduled change still waiting its delay).',
  ],
  usageError: (message) => new cli.CliError(message, 'usage'),
}

/** What each environment variable is for. */
const ENV_DOCS: Record<keyof typeof ENV, string> = {
  privateKey:
    'the key that signs (deploys, and holds the role each command needs: the admin, a guardian, an unpauser, a minter); read from the environment only, never prompted for; not needed for `status` or a `--dry-run` with `--from`',
  rpcUrl: 'the JSON-RPC endpoint when `--rpc-url` is not given',
}

/** The README's reference: settings and one table per command, made from the definitions above. */
export function markdownReference(): string {
  return cli.referenceMarkdown(GUARD_CLI, { variables: ENV, meanings: ENV_DOCS })
}

/** The reference as guard/README.md holds it: formatted by Prettier with the project's settings. */
export function formattedReference(): Promise<string> {
  return cli.formatMarkdown(markdownReference())
}
