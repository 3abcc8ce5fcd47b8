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
 */
import { start, type ServerInstance } from '@chainlink/external-adapter-framework'
import type { Adapter, AdapterDependencies } from '@chainlink/external-adapter-framework/adapter'
import { makeLogger } from '@chainlink/external-adapter-framework/util'
import { inputError } from './errors'

const logger = makeLogger('ReserveServer')

/** What a fastify hook sees of a request. */
interface HookRequest {
  method: string
  body: unknown
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

/**
 * Installs the guards on the framework's server `api` before it serves its first request (a
 * hook cannot be added once a fastify instance is ready).
 */
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
  const { api, metricsApi } = await start(adapter, dependencies)
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
