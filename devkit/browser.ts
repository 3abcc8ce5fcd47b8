/**
 * A real browser for tests: Debian's Chromium (`apt-get install -y chromium`), driven by `playwright-core`
 * (no browser is downloaded: Playwright's own builds cannot be fetched here). Headless, with a fresh profile
 * each time and nothing that talks to the network by itself; every console error and uncaught page error is
 * recorded for the test to read. `accessibilityViolations` runs axe-core (from npm) in the page.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium, unless `CHROMIUM` names another binary. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

/** Headless, no sandbox (containers run as root), nothing fetched or synced behind the test's back. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface TestBrowser {
  context: BrowserContext
  page: Page
  /** console errors and uncaught errors of every page, as they came */
  errors: string[]
  close(): Promise<void>
}

/** Opens Chromium on a fresh profile, with one page; throws, saying how to install it, when it is missing. */
export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM to its path)`)
  }
  const profile = mkdtempSync(join(tmpdir(), 'por-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
  })
  const errors: string[] = []
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`)
    })
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`))
  }
  context.on('page', watch)
  const page = context.pages()[0] ?? (await context.newPage())
  watch(page)
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

const require = createRequire(import.meta.url)
let axeSource: string | undefined

/** One violation axe-core found: its rule, its impact and the elements at fault. */
export interface Violation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * Runs axe-core's WCAG 2.x A and AA rules (and its best practices) on the page as it is. axe is evaluated in the
 * page through the DevTools protocol, which the page's Content-Security-Policy does not govern: the page keeps
 * its policy.
 */
export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(axeSource)
  // A string: it runs in the page, where `axe` and the DOM are (this file is type-checked without the DOM).
  return page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((result) => result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    })))`) as Promise<Violation[]>
}
