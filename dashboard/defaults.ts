/** The dashboard's defaults, apart so that the docs and the alert rules read them without the dashboard. */

/** How often the chain and the adapters are read (and the page refreshes): about a block of Ethereum. */
export const DEFAULT_POLL_MS = 12_000

/** Where the dashboard listens: loopback, so that exposing it is a decision (a reverse proxy, `--host`). */
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 8090

/** The most feed rounds an asset's history keeps (the latest). */
export const DEFAULT_HISTORY_POINTS = 500

/** The most blocks one `eth_getLogs` asks for: public RPCs refuse wider ranges. */
export const DEFAULT_LOG_RANGE = 10_000

/** How long an adapter's /metrics or /health, or the webhook, may take to answer. */
export const HTTP_TIMEOUT_MS = 5_000

/** How often upkeep registrations are looked for again on the registrar (they are rare). */
export const DISCOVERY_INTERVAL_MS = 60_000
