/**
 * The ripcord scenario with its dashboard (`npm run demo -- --scenario ripcord --dashboard`), in Chromium: the page
 * shows what the scenario did (USDX stale and paused by the upkeep, the adapter answering no figure, the alerts),
 * with no console error and no accessibility violation; its screenshot is the README's
 * (`SCREENSHOTS=update npm run test:browser` writes docs/images/dashboard.png).
 */
import { accessibilityViolations, openBrowser, type TestBrowser } from '#devkit/browser'
import { ripcord } from '../../demo/scenarios/ripcord'
import { runScenario, type ScenarioRun } from '../../demo/scenarios/runner'
import { screenshot, shownAt } from './page'

let run: ScenarioRun
let browser: TestBrowser

beforeAll(async () => {
  run = await runScenario(ripcord, { say: () => undefined, dashboard: true, pollMs: 500 })
  browser = await openBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await run?.close()
})

it('shows the ripcord as it ended: stale, paused by the upkeep, the adapter without a figure, the alerts', async () => {
  expect(run.timeline.notRun).toEqual([])
  expect(run.timeline.steps.filter((step) => !step.ok)).toEqual([])
  const { page, errors } = browser
  await page.goto(run.timeline.dashboard!)
  await shownAt(page, run.timeline.steps.at(-1)!.block!)
  await page.locator('[data-chart] canvas').first().waitFor()
  const asset = page.locator('[data-asset]')
  expect(await asset.locator('[data-field="verdict"]').innerText()).toBe('Stale')
  expect(await asset.locator('[data-field="paused"]').innerText()).toBe('Paused')
  expect(await page.locator('tr[data-event="AssetPaused"]').innerText()).toContain('StaleReserves')
  expect(await page.locator('tr[data-adapter="attestation"]').innerText()).toMatch(/reserves/)
  const alerts = await page.locator('#alerts').innerText()
  for (const name of ['ReserveFeedStale', 'ReserveAssetPaused', 'ReserveRequestsUnserved'])
    expect(alerts).toContain(name)
  expect(await accessibilityViolations(page)).toEqual([])
  expect(errors).toEqual([])
  await screenshot(page, 'dashboard-ripcord.png', 'dashboard.png')
})
