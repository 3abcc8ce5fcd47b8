import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'

/**
 * Starts an adapter that reads local chains in the framework's TestAdapter, with `env` applied
 * first (and the adapter's settings read again, as they were read when it was built). Like test/helpers/adapter.ts's startTestAdapter, without loading nock: these tests have
 * no recorded provider, and nock's socket interceptor must not sit between the adapter and the
 * loopback proxies that destroy sockets on purpose.
 */
export async function startChainAdapter(
  adapter: Adapter,
  env: Record<string, string | undefined>,
): Promise<TestAdapter> {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  adapter.config.initialize()
  return TestAdapter.startWithMockedCache(adapter, { testAdapter: {} as TestAdapter<never> })
}

/** Stops an adapter started by {@link startChainAdapter}. */
export async function stopChainAdapter(testAdapter: TestAdapter | undefined): Promise<void> {
  await testAdapter?.api.close()
}
