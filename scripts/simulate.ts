/**
 * `npm run simulate -- <provider> …` (esplora, attestation, vault, chain): starts loopback
 * providers with a small known state, for trying the adapters by hand, and prints the settings
 * pointing an adapter at each, a request to ask and the answer it gives. Runs until stopped
 * (Ctrl-C, SIGTERM). The providers are devkit/simulate.ts's; `chain` builds the contracts first.
 */
import { spawnSync } from 'node:child_process'
import { REPO_ROOT } from '#devkit/adapters'
import { SIMULATED_PROVIDERS, describeSimulation, simulate, type SimulatedProvider } from '#devkit/simulate'

const asked = process.argv.slice(2)
const unknown = asked.filter((name) => !(SIMULATED_PROVIDERS as readonly string[]).includes(name))
if (asked.length === 0 || unknown.length > 0) {
  console.error(
    `${unknown.length > 0 ? `Unknown provider ${unknown.join(', ')}. ` : ''}Usage: npm run simulate -- <provider> … (${SIMULATED_PROVIDERS.join(', ')})`,
  )
  process.exit(2)
}
if (asked.includes('chain')) {
  const built = spawnSync('npm', ['run', '-s', 'build:contracts'], { cwd: REPO_ROOT, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

try {
  const simulations = await simulate([...new Set(asked)] as SimulatedProvider[])
  console.log(simulations.map(describeSimulation).join('\n\n'))
  console.log('\nRunning until stopped (Ctrl-C).')
  const stop = async () => {
    await Promise.all(simulations.map((s) => s.close()))
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
} catch (error) {
  console.error(`npm run simulate: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
