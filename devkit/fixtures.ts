/**
 * Recorded provider fixtures (nock.back) for tests. Importing this module switches nock's
 * interception on for the test file; tests that must not load nock (loopback proxies that
 * destroy sockets) do not import it.
 */
import nock from 'nock'

type BackMode = 'wild' | 'dryrun' | 'record' | 'update' | 'lockdown'

/**
 * Recorded provider responses. Tests run in `lockdown` (fixtures only, no network); set
 * NOCK_BACK_MODE=update (re-record every fixture) or `record` (record missing ones) to refresh
 * them against the live provider named by the adapter's settings.
 */
export function useFixtures(fixturesDir: string): void {
  nock.back.fixtures = fixturesDir
  nock.back.setMode((process.env.NOCK_BACK_MODE as BackMode | undefined) ?? 'lockdown')
}

// Jest runs test files one after another in the same worker, and nock's interception of
// fetch/http is process-wide: every file that imports this helper switches it on while it
// loads and off after its tests, so no file's interceptors or lockdown leak into the next.
if (!nock.isActive()) nock.activate()
afterAll(() => {
  nock.cleanAll()
  nock.enableNetConnect()
  nock.restore()
})

/**
 * Loads one fixture file (`<name>.json`) for the duration of a test. Its interceptors persist,
 * because the framework's background loop may ask the provider more than once.
 */
export async function withFixture(name: string): Promise<() => void> {
  const { nockDone } = await nock.back(`${name}.json`, { after: (scope) => scope.persist() })
  return () => {
    nockDone()
    nock.cleanAll()
  }
}
