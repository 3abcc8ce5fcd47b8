/**
 * `npm run dashboard`'s options, as data (devkit/cli.ts): the parser, `--help` and the README's options table
 * (written by `npm run docs`) are all made from them. Every option but `--config` can also be set in the
 * configuration file (dashboard/config.ts), under its camelCase name (`pollMs`; a list's in the plural:
 * `adapters`, `upkeeps`); an option given on the command line wins.
 */
import { CliError, commandsMarkdown, type CliSpec, type CommandSpec } from '#devkit/cli'
import {
  DEFAULT_HISTORY_POINTS,
  DEFAULT_HOST,
  DEFAULT_LOG_RANGE,
  DEFAULT_POLL_MS,
  DEFAULT_PORT,
} from './defaults'

/** The variable holding the RPC URL when neither `--rpc-url` nor the file gives one (it may carry an API key). */
export const RPC_URL_ENV = 'DASHBOARD_RPC_URL'

export const DASHBOARD_COMMAND: CommandSpec = {
  name: 'dashboard',
  summary:
    "Serve a page and a JSON API showing a ReserveGuard's assets (reserves against supply over time, the guard's verdict), its pauses, its feeds' freshness, its Automation upkeeps, its CRE receivers and the adapters' health, with alerts",
  options: [
    {
      name: 'guard',
      value: 'address',
      description: 'the ReserveGuard to show (required, here or in the file)',
    },
    {
      name: 'network',
      value: 'name',
      description:
        "a network of upkeeps/networks.json (its Automation registry, registrar and explorer), or `local` (`npm run upkeeps -- local`'s deployment); default: the one with the RPC's chain id",
    },
    { name: 'rpc-url', value: 'url', description: `JSON-RPC endpoint; default: \`${RPC_URL_ENV}\`` },
    { name: 'config', value: 'file', description: 'a JSON file with any of these settings (camelCase keys)' },
    { name: 'host', value: 'address', default: DEFAULT_HOST, description: 'the address to listen on' },
    {
      name: 'port',
      value: 'number',
      default: String(DEFAULT_PORT),
      description: 'the port (0: any free one)',
    },
    {
      name: 'poll-ms',
      value: 'ms',
      default: String(DEFAULT_POLL_MS),
      description: 'how often the chain and the adapters are read, and the page refreshes',
    },
    {
      name: 'from-block',
      value: 'number',
      default: '0',
      description: "the first block whose events are read (the guard's deployment, say)",
    },
    {
      name: 'upkeep',
      value: 'id',
      multiple: true,
      description:
        "an Automation upkeep watching the guard; default: the registrar's registrations for the guard",
    },
    {
      name: 'registry',
      value: 'address',
      description: "the Automation 2.3 registry; default: the network's",
    },
    {
      name: 'registrar',
      value: 'address',
      description: "the Automation 2.3 registrar; default: the network's",
    },
    {
      name: 'adapter',
      value: 'name=metrics-url[,health-url]',
      multiple: true,
      description:
        "an adapter to watch: its Prometheus /metrics, and optionally its /health (the adapter's own port)",
    },
    {
      name: 'webhook',
      value: 'url',
      description: "where alerts are POSTed as they fire and resolve (Alertmanager's webhook format)",
    },
    {
      name: 'explorer',
      value: 'url',
      description:
        "a block explorer's base URL (`<url>/block/<n>`, `/tx/<hash>`, `/address/<a>`); default: the network's, or the dashboard's own pages",
    },
    {
      name: 'history-points',
      value: 'number',
      default: String(DEFAULT_HISTORY_POINTS),
      description: 'the most feed rounds kept per asset (the latest)',
    },
    {
      name: 'log-range',
      value: 'blocks',
      default: String(DEFAULT_LOG_RANGE),
      description: 'the most blocks one eth_getLogs asks for',
    },
    { name: 'help', description: 'this text' },
  ],
  examples: [
    'DASHBOARD_RPC_URL=https://… npm run dashboard -- --network base-sepolia --guard 0xGuard --from-block 123456',
    'npm run dashboard -- --config dashboard.json',
    'npm run dashboard -- --network local --rpc-url http://127.0.0.1:8545 --guard 0xGuard --adapter attestation=http://127.0.0.1:9081/metrics,http://127.0.0.1:8081/health',
  ],
}

export const DASHBOARD_CLI: CliSpec = {
  script: 'dashboard',
  commands: [DASHBOARD_COMMAND],
  notes: [],
  usageError: (message) => new CliError(message, 'usage'),
}

/** The README's options table. */
export function optionsMarkdown(): string {
  const [section] = commandsMarkdown(DASHBOARD_CLI)
  // The README has its own heading: the table and the examples only.
  return section.slice(section.indexOf('| option'))
}
