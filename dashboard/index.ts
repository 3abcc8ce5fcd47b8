/**
 * The dashboard as a library: what `npm run dashboard` runs, for the demo's scenarios and the tests. It has
 * read the chain once when it resolves, so the page has figures from then on.
 */
import { Dashboard, type DashboardTarget } from './dashboard'
import { serveDashboard } from './server'

export { Dashboard, type DashboardTarget } from './dashboard'
export type { DashboardSettings, AdapterTarget } from './config'
export type { Snapshot } from './snapshot'

export interface RunningDashboard {
  dashboard: Dashboard
  url: string
  close(): Promise<void>
}

/** Serves the page on `host`:`port` (0: a free port), reads the chain once, and starts the reading loop. */
export async function startDashboard(
  target: DashboardTarget,
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<RunningDashboard> {
  const dashboard = new Dashboard(target)
  const served = await serveDashboard(dashboard, host, port)
  await dashboard.start()
  return {
    dashboard,
    url: served.url,
    close: async () => {
      await served.close()
      await dashboard.stop()
    },
  }
}
