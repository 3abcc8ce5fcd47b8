/**
 * The adapters' HTTP server: the framework's own (its `start`, what its `expose` listens with),
 * with the guards the framework's request handling lacks installed before it listens. Every way
 * an adapter is served goes through here: `npm start`, the production build (`npm run build`),
 * and devkit's test servers, so what is tested is what runs.
 *
 * - A body that is not a JSON object, a `data` that is not an object, an `endpoint` or
 *   `data.endpoint` that is not a string: the framework's validation reads these as objects and
 *   strings and crashes into a 500 ("Cannot read properties of null"); here they are the
 *   caller's fault, a 400.
 * - The framework logs every refused request with its whole body and inputs: a 1 MB request
 *   makes megabytes of warn logs per refusal. Here every log line is cut to a bounded size
 *   ({@link boundedLoggerFactory}).
 */
import { start, type ServerInstance } from '@chainlink/external-adapter-framework'
import type { Adapter, AdapterDependencies } from '@chainlink/external-adapter-framework/adapter'
import {
  LoggerFactoryProvider,
  makeLogger,
  type LoggerFactory,
} from '@chainlink/external-adapter-framework/util'
import { inputError } from './errors'

const logger = makeLogger('ReserveServer')

/** What a fastify hook sees of a request. */
interface HookRequest {
  method: string
  body: unknown
}

/** Characters of a log message, of any one text inside what is logged, and entries of any one list, that a log line keeps. */
export const LOGGED_MESSAGE_LENGTH = 1_000
export const LOGGED_TEXT_LENGTH = 200
export const LOGGED_LIST_LENGTH = 10
/** Depth of nested objects a log line keeps. */
const LOGGED_DEPTH = 6

/**
 * `value` cut for a log line: a message to its first {@link LOGGED_MESSAGE_LENGTH} characters,
 * texts inside objects to their first {@link LOGGED_TEXT_LENGTH}, with their length; lists to their first {@link LOGGED_LIST_LENGTH} entries and length. Cheap whatever
 * the size of `value`: it visits only what it keeps.
 */
export function loggable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    const limit = depth === 0 ? LOGGED_MESSAGE_LENGTH : LOGGED_TEXT_LENGTH
    return value.length > limit ? `${value.slice(0, limit)}… (${value.length} characters)` : value
  }
  if (typeof value !== 'object' || value === null) return value
  if (depth >= LOGGED_DEPTH) return '…'
  if (value instanceof Error) {
    return {
      name: value.name,
      message: loggable(value.message, depth + 1),
      stack: loggable(value.stack, depth + 1),
    }
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, LOGGED_LIST_LENGTH).map((item) => loggable(item, depth + 1))
    return value.length > LOGGED_LIST_LENGTH ? [...kept, `… (${value.length} entries)`] : kept
  }
  const entries = Object.entries(value)
  const kept = entries.slice(0, LOGGED_LIST_LENGTH * 5).map(([key, item]) => [key, loggable(item, depth + 1)])
  if (entries.length > kept.length) kept.push(['…', `${entries.length} keys`])
  return Object.fromEntries(kept)
}

type Logger = ReturnType<LoggerFactory['child']>
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const

/**
 * `factory`'s loggers, with every argument cut by {@link loggable} (after the level check: a
 * disabled level costs nothing). The framework logs each refused request with its whole body
 * and inputs: a megabyte of input would make megabytes of warn logs per request.
 */
export function boundedLoggerFactory(factory: LoggerFactory): LoggerFactory {
  return {
    child(bindings) {
      const logger = factory.child(bindings)
      const enabled = (level: string) =>
        typeof (logger as { isLevelEnabled?: unknown }).isLevelEnabled !== 'function' ||
        (logger as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled(level)
      const bounded = { ...logger } as Logger
      for (const level of LEVELS) {
        const log = logger[level].bind(logger) as (...args: unknown[]) => void
        ;(bounded as unknown as Record<string, unknown>)[level] = (...args: unknown[]) => {
          if (enabled(level)) log(...args.map((arg) => loggable(arg)))
        }
      }
      return bounded
    },
  }
}

/**
 * The framework's own logger factory (pino, JSON lines on stdout), read without installing it:
 * `LoggerFactoryProvider.set` with no argument sets the default on `this`, so it is called on a
 * holder of our own (installing it would make the framework warn that the factory was set twice).
 */
function frameworkLoggerFactory(): LoggerFactory {
  const holder = {} as { factory?: LoggerFactory }
  LoggerFactoryProvider.set.call(holder as unknown as typeof LoggerFactoryProvider)
  if (!holder.factory) throw new Error("the framework's default logger factory could not be read")
  return holder.factory
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Why a POSTed body cannot be an adapter request, or undefined when it can: the framework's
 * validation assumes `{ id?, endpoint?: string, data?: { endpoint?: string, … } }`.
 */
export function bodyShapeProblem(body: unknown): string | undefined {
  if (!isObject(body)) {
    return `the request body must be a JSON object ({ "id", "data": { … } }), got ${body === null ? 'null' : Array.isArray(body) ? 'a list' : `a ${typeof body}`}`
  }
  if (body.endpoint !== undefined && body.endpoint !== null && typeof body.endpoint !== 'string') {
    return 'endpoint must be a string'
  }
  if (body.data === undefined || body.data === null) return undefined
  if (!isObject(body.data)) return 'data must be a JSON object of the inputs'
  const endpoint = body.data.endpoint
  if (endpoint !== undefined && endpoint !== null && typeof endpoint !== 'string') {
    return 'data.endpoint must be a string'
  }
  return undefined
}

/** Installs the guards on the framework's server `api` (before it serves its first request). */
export function guardServer(api: ServerInstance): void {
  api.addHook('preValidation', (req: HookRequest, _reply: unknown, done: (error?: Error) => void) => {
    const problem = req.method === 'POST' ? bodyShapeProblem(req.body) : undefined
    done(problem === undefined ? undefined : inputError(problem))
  })
}

/**
 * Starts `adapter` and listens, as the framework's `expose` does (`EA_HOST`, `EA_PORT`, and the
 * metrics server on `METRICS_PORT`), with {@link guardServer}'s guards. Resolves to the REST
 * server (undefined in `EA_MODE=writer`). A port that cannot be bound rejects.
 */
export async function serve(
  adapter: Adapter,
  dependencies?: Partial<AdapterDependencies>,
): Promise<ServerInstance | undefined> {
  const { api, metricsApi } = await start(adapter, {
    ...dependencies,
    loggerFactory: boundedLoggerFactory(dependencies?.loggerFactory ?? frameworkLoggerFactory()),
  })
  if (api) guardServer(api)
  const host = adapter.config.settings.EA_HOST
  for (const [app, port] of [
    [api, adapter.config.settings.EA_PORT],
    [metricsApi, adapter.config.settings.METRICS_PORT],
  ] as const) {
    if (!app) continue
    await app.listen({ port, host })
    logger.info(`Listening on ${host} port ${(app.server.address() as { port: number }).port}`)
  }
  if (adapter.lockAcquiredPromise) {
    try {
      await adapter.lockAcquiredPromise
    } catch (error) {
      await api?.close()
      await metricsApi?.close()
      throw error
    }
  }
  return api
}

/** What names an adapter served as a process of its own: its folder name and version (its CHANGELOG's). */
export interface AdapterIdentity {
  name: string
  version: string
}

/**
 * Why `adapter` did not start, on one line for an operator: the framework's list of invalid
 * settings joined, the adapter's settings name (`BTC_BALANCE:`) not repeated.
 */
export function startFailure(adapter: Adapter, identity: AdapterIdentity, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error))
    .replace(/^Validation failed for the following variables:\s*/, '')
    .replace(new RegExp(`^${adapter.name}: `), '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('; ')
  return `${identity.name} ${identity.version} cannot start: ${message} (settings: adapters/${identity.name}/README.md)`
}

/**
 * Serves `adapter` as a process of its own (`npm start`, `npm run build`'s bundles): logs its
 * name and version once listening; a start that fails (a setting missing or invalid, a port in
 * use) prints one line saying why, with no stack trace unless `LOG_LEVEL` is debug or trace,
 * and exits 1.
 */
export async function serveProcess(adapter: Adapter, identity: AdapterIdentity): Promise<void> {
  try {
    await serve(adapter)
    logger.info(`${identity.name} ${identity.version} started`)
  } catch (error) {
    console.error(startFailure(adapter, identity, error))
    if (/^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '') && error instanceof Error)
      console.error(error.stack)
    process.exit(1)
  }
}
