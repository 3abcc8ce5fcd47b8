import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'

/**
 * Starts an adapter in the framework's TestAdapter with `env` applied first. The framework reads
 * settings when an Adapter is constructed, so the adapter's config is read again here, after
 * `env` is in place. Pass a freshly built adapter: a transport initializes only once.
 */
export async function startTestAdapter(
  adapter: Adapter,
  env: Record<string, string | undefined> = {},
): Promise<TestAdapter> {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  adapter.config.initialize()
  return TestAdapter.startWithMockedCache(adapter, { testAdapter: {} as TestAdapter<never> })
}

/** Stops a TestAdapter started by {@link startTestAdapter}. */
export async function stopTestAdapter(testAdapter: TestAdapter | undefined): Promise<void> {
  await testAdapter?.api.close()
}
