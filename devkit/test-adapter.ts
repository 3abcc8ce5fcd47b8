import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { boundedLoggerFactory, guardServer } from '#common/server'
import type { HttpAnswer } from './adapter-server'
import { recordingLoggerFactory } from './logs'

/**
 * Puts `env` into `process.env` (an undefined value removes the variable), then has the
 * adapter's config read the environment again: the framework reads settings when an Adapter is
 * constructed, before `env` was in place.
 */
export function applyEnv(adapter: Adapter, env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  adapter.config.initialize()
}

/**
 * Starts an adapter in the framework's TestAdapter with `env` applied first, its server guarded
 * and its log lines bounded as in production (adapters/common/server.ts), its logs recorded
 * (devkit/logs.ts). Pass a freshly built adapter: a transport initializes only once.
 */
export async function startTestAdapter(
  adapter: Adapter,
  env: Record<string, string | undefined> = {},
): Promise<TestAdapter> {
  applyEnv(adapter, env)
  const testAdapter = await TestAdapter.startWithMockedCache(
    adapter,
    { testAdapter: {} as TestAdapter<never> },
    { loggerFactory: boundedLoggerFactory(recordingLoggerFactory) },
  )
  guardServer(testAdapter.api)
  return testAdapter
}

/** Stops a TestAdapter started by {@link startTestAdapter}. */
export async function stopTestAdapter(testAdapter: TestAdapter | undefined): Promise<void> {
  await testAdapter?.api.close()
}

/** Runs `use` with `adapter` started by {@link startTestAdapter} with `env`, and stops it after. */
export async function withTestAdapter<T>(
  adapter: Adapter,
  env: Record<string, string | undefined>,
  use: (testAdapter: TestAdapter) => Promise<T>,
): Promise<T> {
  const testAdapter = await startTestAdapter(adapter, env)
  try {
    return await use(testAdapter)
  } finally {
    await stopTestAdapter(testAdapter)
  }
}

/** Asks a TestAdapter for `data`, as {@link HttpAnswer} (the status, the text and its JSON). */
export async function askTestAdapter(
  testAdapter: TestAdapter,
  data: Record<string, unknown>,
): Promise<HttpAnswer> {
  const response = await testAdapter.request(data)
  return { status: response.statusCode, text: response.body, body: response.json() }
}
