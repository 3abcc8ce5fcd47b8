/**
 * What the demo reports: each step's outcome, the chain after it, its facts (the summary's JSON), and the
 * closing table.
 */
import { seconds, showGas, table, blocksLater, type AmountJson } from './report'
import type { StepOutcome } from './steps'

/** Each step: its title in the narration, and its label in the summary table. */
export type StepTitles = readonly (readonly [title: string, label: string])[]

/** The runtime that watches the feed and pauses the token: Chainlink Automation 2.3, or CRE (`--runtime cre`). */
export type RuntimeName = 'automation' | 'cre'

/** The steps on Automation 2.3 (the default runtime); demo/cre.ts has the CRE path's. */
export const STEPS: StepTitles = [
  ['Start a local chain', 'local chain'],
  [
    'Deploy the token, the reserve feed, the address list and the guard; register its upkeeps on Automation 2.3',
    'contracts and upkeeps',
  ],
  ["Start the adapters against the custodian's bitcoin ledger", 'adapters and ledger'],
  ['The feed updater (stand-in for the oracle network) publishes the reserves', 'first feed report'],
  ['Start the Automation runner (stand-in for the Automation DON)', 'automation runner'],
  ['Mint against the reserves', 'mint'],
  ["Move coins between two of the custodian's own addresses", 'coins moved inside'],
  ["Coins leave the custodian's addresses", 'coins leave'],
  ['The feed drops, the log-triggered upkeep pauses the token', 'feed drop, pause'],
  ['A mint is refused; reserves come back; the token is unpaused through the guard', 'refused, restored'],
]

/** The chain after a step, as the token and its consumers see it. */
export interface Figures {
  block: number
  /** the feed's answer, through the proxy */
  feedReserves: AmountJson
  supply: AmountJson
  /** feed reserves ÷ supply, percent, rounded down to 2 decimals; absent without supply */
  ratioPercent?: string
  paused: boolean
}

export interface StepSummary {
  step: number
  title: string
  /** its label in the summary table */
  label: string
  outcome: StepOutcome
  /** what did not happen as described */
  failure?: string
  ms?: number
  /** gas used by the transactions the step caused (the demo's and the runner's) */
  gasUsed?: string
  after?: Figures
  facts: Record<string, unknown>
}

export interface DemoSummary {
  ok: boolean
  runtime: RuntimeName
  wallTimeMs: number
  /** what is real, and what stands in for what */
  parts: { real: string[]; standIns: Record<string, string> }
  rules: {
    feedDecimals: number
    deviationPercent: string
    heartbeatSeconds: string
    tokenHeartbeatSeconds: number
    /** the token's and the guard's margin: ACE's mode by name, its amount (basis points or token units) */
    margin: { mode: string; amount: string }
    minConfirmations: number
  }
  chain?: { chainId: number; url: string }
  contracts?: Record<string, string>
  upkeeps?: Record<'conditional' | 'log', { id: string; forwarder: string; listensTo?: string }>
  /** CRE: the rehearsed workflows, their (rehearsal) IDs and triggers */
  workflows?: Record<string, { workflowId: string; triggers: string[] }>
  custodian: {
    network: string
    chainId: string
    addresses: { kind: string; address: string }[]
    outside: string
  }
  feedUpdates: {
    step: number
    block: number
    hash: string
    answer: AmountJson
    gasUsed: string
    why: string
  }[]
  pause?: {
    feedUpdateBlock: number
    pauseBlock: number
    blocksAfterFeedUpdate: number
    /** who paused, in words: the log-trigger upkeep through the registry's transmit, or the workflow's report */
    by: string
    trigger: string
    txHash: string
    reason: string
    /** Automation: the upkeep, the gas of performUpkeep and of the transmit, the LINK charged */
    upkeepId?: string
    performGasUsed?: string
    transmitGasUsed?: string
    charged?: string
    /** CRE: the workflow whose report paused, and the report transaction's gas */
    workflow?: string
    reportGasUsed?: string
  }
  steps: StepSummary[]
}

/** The closing line on what stands in for what. */
const STAND_INS: Record<RuntimeName, string> = {
  automation:
    '  Stand-ins: the feed updater for the oracle network, the local runner for the Automation DON, the Esplora ' +
    "simulator for a real Esplora; Chainlink's FluxAggregator, one oracle, for the feed's OCR2 aggregator.",
  cre:
    "  Stand-ins: the rehearsal's local DON (worker threads running the workflows' own bundle) for CRE's DONs, " +
    'the Esplora simulator for a real Esplora.',
}

/** The closing table and lines. */
export function summaryLines(summary: DemoSummary): string[] {
  const rows = summary.steps.map((step) => [
    String(step.step),
    step.label,
    step.outcome,
    step.after ? String(step.after.block) : '',
    step.after?.feedReserves.text ?? '',
    step.after?.supply.text ?? '',
    step.after?.ratioPercent ? `${step.after.ratioPercent} %` : '',
    step.after ? (step.after.paused ? 'yes' : 'no') : '',
    step.gasUsed ? showGas(BigInt(step.gasUsed)) : '',
  ])
  const header = ['#', 'step', 'outcome', 'block', 'feed (BTC)', 'supply (sBTC)', 'ratio', 'paused', 'gas']
  const lines = [
    '',
    'Summary',
    ...table(header, rows, new Set([0, 3, 4, 5, 6, 8])).map((line) => `  ${line}`),
    '',
  ]
  const pause = summary.pause
  if (pause) {
    lines.push(
      `  Pause: feed update at block ${pause.feedUpdateBlock}, pause at block ${pause.pauseBlock} ` +
        `(${blocksLater(pause.blocksAfterFeedUpdate)}), by ${pause.by}.`,
    )
  }
  lines.push(STAND_INS[summary.runtime])
  const failed = summary.steps.find((step) => step.outcome === 'failed')
  if (failed) lines.push(`  Step ${failed.step} FAILED: ${failed.failure?.split('\n')[0]}`)
  lines.push(
    `  ${summary.ok ? 'Every step happened as described' : 'The demo FAILED'}; wall time ` +
      `${seconds(summary.wallTimeMs)} s.`,
  )
  return lines
}
