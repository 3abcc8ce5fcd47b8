/** What the browser tests share: where screenshots go, and waiting for the page's next poll. */
import { copyFileSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'

const ROOT = resolve(import.meta.dirname, '..', '..')
export const SCREENSHOTS = join(ROOT, 'test', 'browser', 'screenshots')

/** Where a screenshot goes; with SCREENSHOTS=update, `readme` names its committed copy under docs/images/. */
export async function screenshot(page: Page, name: string, readme?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const file = join(SCREENSHOTS, name)
  await page.screenshot({ path: file, fullPage: true })
  if (readme && process.env.SCREENSHOTS === 'update') copyFileSync(file, join(ROOT, 'docs', 'images', readme))
}

/** Waits until the page shows a snapshot read at `block` or later (its `<main data-block>`). */
export async function shownAt(page: Page, block: number): Promise<void> {
  await mainDataReaches(page, 'data-block', block)
}

/**
 * Waits until `<main>`'s numeric attribute reaches `least`, asked from here: the page swaps its `<main>` each poll
 * (a function run in the page would do, but it is type-checked here without the DOM's types).
 */
export async function mainDataReaches(
  page: Page,
  attribute: string,
  least: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = Number((await page.locator('main').getAttribute(attribute)) ?? 0)
    if (value >= least) return
    if (Date.now() > deadline) throw new Error(`<main ${attribute}> stayed at ${value}, below ${least}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A style of an element as the browser computed it. */
export const computed = (locator: ReturnType<Page['locator']>, property: string) =>
  locator.evaluate(
    (element, name) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
        element,
      )[name],
    property,
  )
