/** How the rehearsal shows an execution to the issuer: what fired it, what the workflow said, what its reports did. */
import type { WriteOutcome } from './capabilities'
import type { ExecutionReport, Trigger } from './rehearsal'

/** `1234567` → `1,234,567`. */
export const grouped = (n: bigint | number): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export function triggerText(trigger: Trigger): string {
  if (trigger.kind === 'cron') return `cron "${trigger.schedule}"`
  // Every topic position the filter sets: topic0 the event, and e.g. topic1 the zero address for a mint.
  const topics = trigger.topics.flatMap((values, i) =>
    values === null ? [] : [`topic${i} ${values.join(' or ')}`],
  )
  return `log from ${trigger.addresses.join(', ')} (${topics.length === 0 ? 'topic0 any' : topics.join('; ')})`
}

function firedBy(report: ExecutionReport): string {
  const { trigger } = report
  if (trigger.kind === 'cron') return `cron, scheduled ${isoSeconds(trigger.scheduledAtMs)}`
  return `log ${trigger.address} in tx ${trigger.txHash} (block ${trigger.block}, log ${trigger.logIndex})`
}

export function writeLine(write: WriteOutcome): string {
  const where =
    write.block === undefined ? '' : ` at block ${write.block}, gas ${grouped(write.gasUsed ?? 0n)}`
  const head = `report to ${write.receiver}${where} (gas limit ${grouped(write.gasLimit)})`
  if (write.txStatus !== 'SUCCESS')
    return `${head}: NOT DELIVERED, the transaction ${write.txStatus}: ${write.error}`
  const events = write.events.filter((e) => e.contract === 'receiver').map((e) => e.text)
  if (!write.delivered)
    return `${head}: REFUSED by the receiver: ${write.error} (the forwarder keeps it open to another delivery)`
  return `${head}: taken${events.length ? `; ${events.join('; ')}` : ', no event'}`
}

/** A handler's result, its report payload shortened: `written (a report of 128 bytes)`. */
function outputText(output: string): string {
  const report = /^(\w+) 0x([0-9a-fA-F]*)$/.exec(output)
  return report ? `${report[1]} (a report of ${report[2].length / 2} bytes)` : output
}

/** The lines of one execution: what fired it, the workflow's own log, its outcome and each report's. */
export function executionLines(report: ExecutionReport, number?: number): string[] {
  const label = number === undefined ? '' : `#${number} `
  const lines = [
    `${label}${report.workflow}: ${firedBy(report)}; DON time ${isoSeconds(report.donTimeMs)}, ${report.nodes} nodes`,
    ...report.logs.map((line) => `    ${line}`),
  ]
  lines.push(
    report.error === undefined ? `  → ${outputText(report.output ?? '')}` : `  → FAILED: ${report.error}`,
  )
  for (const write of report.writes) lines.push(`    ${writeLine(write)}`)
  if (report.divergentNodes.length > 0) {
    lines.push(
      `    nodes ${report.divergentNodes.join(', ')} ended otherwise than node 0: not deterministic?`,
    )
  }
  return lines
}
