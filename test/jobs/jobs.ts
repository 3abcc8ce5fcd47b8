/**
 * The jobs/ folder as the job tests read it: one folder per adapter with its bridge definition
 * (bridge.json) and its job specs (*.toml), the placeholders they hold (jobs/templates.ts), checks
 * of a bridge request's `data` against the adapter endpoint it reaches, and a job's pipeline
 * replayed over the rounds a node would run it (jobs/replay.ts).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { JOBS_DIR, placeholdersIn } from '../../jobs/templates'

// What the jobs CLI reads the templates with (jobs/templates.ts) and replays a job with
// (jobs/replay.ts), shared with the tests.
export {
  JOBS_DIR,
  PLACEHOLDER,
  fillPlaceholders,
  jobFolders,
  nodeChainId,
  placeholdersIn,
  readJobSpec,
  type BridgeDefinition,
  type JobFolder,
  type JobSpec,
} from '../../jobs/templates'
export { replayRounds, type SentRequest } from '../../jobs/replay'

/** The placeholders jobs/README.md lists in its "Placeholders" section. */
export function documentedPlaceholders(): string[] {
  const readme = readFileSync(join(JOBS_DIR, 'README.md'), 'utf8')
  const section = /^## Placeholders$([\s\S]*?)(?=^## )/m.exec(readme)
  if (!section) throw new Error('jobs/README.md has no "## Placeholders" section')
  return placeholdersIn(section[1])
}

// How a bridge request's `data` is checked against its adapter's endpoint (also used by the
// README examples' check): devkit/requests.ts.
export { checkRequestData, endpointFor, undeclaredKeys } from '#devkit/requests'

/**
 * The WBTC-style pipeline the jobs moved away from, kept for the tests that show why and for
 * the replay of several bridges: the list from por-address-list (`<POR_ADDRESS_LIST_CONTRACT>` on
 * network ethereum), fed through the node into btc-balance's addresses.
 */
export const TWO_BRIDGE_PIPELINE = `
    list      [type="bridge" name="por-address-list" requestData="{\\"id\\": $(jb.externalJobID), \\"data\\": {\\"contractAddress\\": \\"<POR_ADDRESS_LIST_CONTRACT>\\", \\"contractAddressNetwork\\": \\"ethereum\\", \\"network\\": \\"bitcoin\\", \\"chainId\\": \\"mainnet\\", \\"confirmations\\": 0}}"]
    addresses [type="jsonparse" path="data,result"]
    balance   [type="bridge" name="btc-balance" requestData="{\\"id\\": $(jb.externalJobID), \\"data\\": {\\"addresses\\": $(addresses), \\"minConfirmations\\": 6}}"]
    parse     [type="jsonparse" path="data,result"]
    answer    [type="median" index=0]
    list -> addresses -> balance -> parse -> answer
`
