/**
 * The scenarios `npm run demo -- --scenario <name>` plays, each a module exporting a `Scenario`
 * (demo/scenarios/timeline.ts): add one here to make it playable, listed in `--help`, and run by the test.
 */
import { bridgeDrain } from './bridge-drain'
import { ripcord } from './ripcord'
import { staleFeed } from './stale-feed'
import type { Scenario } from './timeline'

export const SCENARIOS: readonly Scenario[] = [bridgeDrain, ripcord, staleFeed]

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name)
}
