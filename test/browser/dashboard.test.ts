/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), against a local chain with a
 * scripted history: USDX (demo/scenarios/world.ts) reported three times by its feed, minted twice, then short of
 * its reserves and margin (the log-trigger upkeep pauses it), then stale. The page loads without a console error,
 * shows the chain's figures digit for digit, turns short within one poll of the shortfall, lists the pause with
 * its block, turns the freshness panel red when the feed is stale, and passes axe-core's WCAG 2.1 AA rules.
 * The screenshots are written to test/browser/screenshots/ (`SCREENSHOTS=update`: the README's to docs/images/).
 */
import type { Page } from 'playwright-core'
import { eacAggregatorProxyAt } from '#chain/contracts'
import { MarginMode } from '#chain/types'
import { formatUnits } from '#common/decimal'
import { accessibilityViolations, openBrowser, type TestBrowser } from '#devkit/browser'
import {
  ScenarioWorld,
  DECIMALS,
  FIRST_MINT,
  type WorldRules,
  DEFAULT_RULES,
} from '../../demo/scenarios/world'
import { watchWorld } from '../../demo/scenarios/runner'
import { pauseIn } from '../../demo/guard'
import type { RunningDashboard } from '../../dashboard/index'
import { computed, screenshot, shownAt, mainDataReaches } from './page'

const POLL_MS = 500
/** A feed written on a 0.1 % move, so each scripted change makes a round. */
const RULES: WorldRules = { ...DEFAULT_RULES, deviationBps: 10n }
const UNIT = 10n ** BigInt(DECIMALS)

const text = (page: Page, selector: string) => page.locator(selector).first().innerText()

let world: ScenarioWorld
let dashboard: RunningDashboard
let browser: TestBrowser
let token: string
/** The block of each feed round written, and the figures the chain holds at each. */
const rounds: number[] = []

beforeAll(async () => {
  world = await ScenarioWorld.start(RULES)
  await world.startAdapter()
  await world.deploy()
  const first = await world.updater.round()
  rounds.push(first.update!.block)
  await world.startRunner()
  await world.mint(FIRST_MINT)
  world.attestation.totalReserve = '1004000000.5'
  rounds.push((await world.updater.round()).update!.block)
  await world.mint(3_000_000n * UNIT + 12_345_678n) // 3,000,000.12345678 USDX
  world.attestation.totalReserve = '1009999999.99999999'
  rounds.push((await world.updater.round()).update!.block)
  token = await world.token.getAddress()
  dashboard = await watchWorld(world.watchTarget(), { pollMs: POLL_MS })
  browser = await openBrowser()
  await browser.page.goto(`${dashboard.url}/`)
  await shownAt(browser.page, rounds.at(-1)!)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await dashboard?.close()
  await world?.close()
})

describe('the dashboard, in Chromium', () => {
  it('loads, draws its chart and refreshes without a console error', async () => {
    const { page, errors } = browser
    await page.locator('[data-chart] canvas').first().waitFor()
    const before = Number(await page.locator('main').getAttribute('data-taken-at'))
    await mainDataReaches(page, 'data-taken-at', before + 1)
    await page.locator('[data-chart] canvas').first().waitFor() // drawn again after the swap
    expect(errors).toEqual([])
  })

  it("shows the chain's figures digit for digit: now, and at every round", async () => {
    const { page } = browser
    const block = Number(await page.locator('main').getAttribute('data-block'))
    const at = { blockTag: block }
    const proxy = eacAggregatorProxyAt(world.feed.proxyAddress, world.provider)
    const [, answer] = await proxy.latestRoundData(at)
    const supply = await world.token.totalSupply(at)
    const asset = `[data-asset="${token}"]`
    expect(await text(page, `${asset} dd[data-field="reserves"]`)).toBe(formatUnits(answer, DECIMALS))
    expect(await text(page, `${asset} [data-field="supply"]`)).toBe(formatUnits(supply, DECIMALS))
    expect(await text(page, `${asset} dd[data-field="reserves"]`)).toBe('1009999999.99999999')
    expect(await text(page, `${asset} [data-field="supply"]`)).toBe('993000000.12345678')
    expect(await text(page, `${asset} [data-field="verdict"]`)).toBe('Backed')
    // The margin by its ACE mode, as the guard holds it; the reserves it requires: supply ÷ 0.99, rounded up.
    const config = await world.guard.assetConfig(token, at)
    expect([config.marginMode, config.marginAmount]).toEqual([MarginMode.PositivePercentage, 100n])
    expect(await text(page, `${asset} [data-field="margin"]`)).toBe('PositivePercentage 100 bps (1 %)')
    expect(await text(page, `${asset} [data-field="required"]`)).toBe('1003030303.15500685')
    for (const round of rounds) {
      const row = `${asset} tr[data-block="${round}"]`
      const [, reserves] = await proxy.latestRoundData({ blockTag: round })
      const supplyThen = await world.token.totalSupply({ blockTag: round })
      expect({
        round,
        reserves: await text(page, `${row} [data-field="reserves"]`),
        supply: await text(page, `${row} [data-field="supply"]`),
        block: await page.locator(`${row} a`).first().getAttribute('href'),
      }).toEqual({
        round,
        reserves: formatUnits(reserves, DECIMALS),
        supply: formatUnits(supplyThen, DECIMALS),
        block: `/block/${round}`,
      })
    }
    await screenshot(page, 'dashboard-backed.png')
  })

  it('shows a shortfall as short within one poll, and the pause with its block', async () => {
    const { page } = browser
    // 995,000,000 USD for 993,000,000.12345678 USDX: above the supply, below the
    // 1,003,030,303.155… (supply ÷ 0.99) the margin requires.
    world.attestation.totalReserve = '995000000'
    const drop = (await world.updater.round()).update!
    await shownAt(page, drop.block)
    const asset = `[data-asset="${token}"]`
    expect(await text(page, `${asset} [data-field="verdict"]`)).toBe('Short')
    expect(await text(page, `${asset} dd[data-field="reserves"]`)).toBe('995000000')

    const perform = await world.don.perform(drop.block, (p) => pauseIn(p.guardEvents, token) !== undefined)
    await shownAt(page, perform.block)
    const row = page.locator(`tr[data-event="AssetPaused"][data-block="${perform.block}"]`)
    await expect(row.count()).resolves.toBe(1)
    expect(await row.locator('a').first().innerText()).toBe(String(perform.block))
    expect(await row.innerText()).toMatch(/Automation upkeep .* through the registry/)
    expect(await row.innerText()).toContain('InsufficientReserves')
    expect(await text(page, `${asset} [data-field="paused"]`)).toBe('Paused')
    expect(await text(page, '#alerts')).toContain('ReserveAssetShort')
  })

  it('turns the freshness panel red when the feed is stale', async () => {
    const { page } = browser
    const panel = page.locator(`[data-freshness="${token}"]`)
    const green = await computed(panel, 'borderLeftColor')
    const [, , , updatedAt] = await world.feed.proxy.latestRoundData()
    const now = (await world.provider.getBlock('latest'))!.timestamp
    const stale = await world.advance(Number(updatedAt) + RULES.guardHeartbeatSeconds + 1 - now)
    await shownAt(page, stale)
    expect(await panel.getAttribute('class')).toContain('freshness-stale')
    expect(await panel.locator('[data-field="freshness"]').innerText()).toBe('Stale')
    const red = await computed(panel, 'borderLeftColor')
    expect({ green, red }).toEqual({ green: 'rgb(11, 107, 47)', red: 'rgb(164, 0, 29)' })
    expect(await text(page, `[data-asset="${token}"] [data-field="verdict"]`)).toBe('Stale')
    await screenshot(page, 'dashboard-stale.png')
  })

  it('passes axe-core’s WCAG 2.1 A and AA rules', async () => {
    await browser.page.locator('[data-chart] canvas').first().waitFor()
    expect(await accessibilityViolations(browser.page)).toEqual([])
    expect(browser.errors).toEqual([])
  })
})
