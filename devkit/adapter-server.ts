/**
 * An adapter's real HTTP server (`serve` of adapters/common/server.ts, what `npm start` runs), on a free
 * loopback port, asked the way a Chainlink node's bridge task asks it. For what the in-process
 * TestAdapter cannot show: the HTTP layer itself (routing, body parsing, status codes on the
 * wire).
 */
import { randomUUID } from 'node:crypto'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { serve } from '#common/server'
import { httpAnswer, isNotYetComputed, type HttpAnswer } from './adapter-answer'
import { recordingLoggerFactory } from './logs'
import { freePort } from './ports'
import { applyEnv, askTestAdapter } from './test-adapter'

export { NOT_YET_COMPUTED, isNotYetComputed, type HttpAnswer } from './adapter-answer'

/** Asking an adapter over HTTP, the way a node does. */
export interface AdapterClient {
  /**
   * Asks the way a node's bridge task does: `POST /` with `{ id, data, meta }`, `id` a fresh
   * job-run id.
   */
  bridge(data: Record<string, unknown>, meta?: Record<string, unknown>): Promise<HttpAnswer>
  /** Posts `body` as it is (to try bodies a bridge would never send). */
  post(body: string, contentType?: string): Promise<HttpAnswer>
}

export interface AdapterServer extends AdapterClient {
  /** The server's base URL (`http://127.0.0.1:<port>`). */
  url: string
  close(): Promise<void>
}

/**
 * Starts `adapter`'s server with `env` applied (see {@link applyEnv}), on a free loopback port
 * (`EA_PORT`, `EA_HOST`), without the metrics server (its fixed port would clash between
 * servers), its logs recorded (devkit/logs.ts). Pass a freshly built adapter.
 */
export async function startAdapterServer(
  adapter: Adapter,
  env: Record<string, string | undefined> = {},
): Promise<AdapterServer> {
  const port = await freePort()
  applyEnv(adapter, { ...env, EA_PORT: String(port), EA_HOST: '127.0.0.1', METRICS_ENABLED: 'false' })
  const api = await serve(adapter, { loggerFactory: recordingLoggerFactory })
  if (!api) throw new Error(`${adapter.name}: the framework started no REST server (EA_MODE?)`)
  const url = `http://127.0.0.1:${port}`
  return { url, ...adapterClient(url), close: () => api.close() }
}

/**
 * Asks the adapter serving at `url` (in this process or another). With `timeoutMs`, a request
 * not answered in time rejects with the fetch's `TimeoutError`, as a node's bridge task gives up.
 */
export function adapterClient(url: string, { timeoutMs }: { timeoutMs?: number } = {}): AdapterClient {
  const post = async (payload: string, contentType = 'application/json'): Promise<HttpAnswer> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: payload,
      signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
    })
    return httpAnswer(res.status, await res.text())
  }
  return {
    bridge: (data, meta = {}) => post(JSON.stringify({ id: randomUUID(), data, meta })),
    post,
  }
}

/**
 * Asks until the answer is not the framework's 504 "no value yet", as a node's retries do: the
 * first request for new parameters waits only `CACHE_POLLING_MAX_RETRIES` ×
 * `CACHE_POLLING_SLEEP_MS` for the background read. Gives up after `attempts` answers.
 */
export async function askUntilComputed(ask: () => Promise<HttpAnswer>, attempts = 30): Promise<HttpAnswer> {
  let answer = await ask()
  for (let i = 1; i < attempts && isNotYetComputed(answer); i++) answer = await ask()
  return answer
}

/** What most assertions look at in an answer: its status, its result and its error message. */
export function outcomeOf(answer: HttpAnswer): { status: number; result: unknown; message: unknown } {
  return { status: answer.status, result: answer.body?.result, message: answer.body?.errorMessage }
}

/** Asks a TestAdapter (devkit/test-adapter.ts) for `data` until it has computed an answer. */
export function askTestAdapterComputed(
  testAdapter: TestAdapter,
  data: Record<string, unknown>,
): Promise<HttpAnswer> {
  return askUntilComputed(() => askTestAdapter(testAdapter, data))
}
