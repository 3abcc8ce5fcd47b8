/**
 * A ripcord through Redis: one `attestation` writer and two readers, each its own process,
 * sharing one `redis-server`. The auditor's figure is cached; then the auditor raises the
 * ripcord, and the writer's 503 must take the place of the cached success in Redis itself, so
 * that no reader serves the withdrawn figure again.
 */
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { askUntilComputed } from '#devkit/adapter-server'
import { startLoad, waitUntil } from '#devkit/bridge-load'
import { startRedis, type RedisServer } from '#devkit/redis'
import { serveAttestationApi, type Attestation } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'

const REQUEST = { client: 'usdx', field: 'totalReserve', decimals: 18 }
const FIGURE = '1000523419870000000000000000'
const RIPCORD_DETAILS = ['Reserves below supply']
/** A figure is cached 20 s, and refreshed every 10 s (half of it). */
const CACHE_MAX_AGE_MS = 20_000

/** The auditor's answer for USDX, changed by the tests (the simulator reads it per request). */
const usdx: Attestation = { accountName: 'USDX', totalReserve: '1000523419.87', totalToken: '1000000000.00' }

let redis: RedisServer
let auditor: ApiServer
let writer: AdapterProcess
let readers: AdapterProcess[]

beforeAll(async () => {
  redis = await startRedis()
  auditor = await serveAttestationApi({ usdx })
  const env = {
    ...redis.env,
    METRICS_ENABLED: 'false',
    CACHE_MAX_AGE: String(CACHE_MAX_AGE_MS),
    BACKGROUND_EXECUTE_MS_HTTP: '100',
    ATTESTATION_API_URL: auditor.url,
    ATTESTATION_RETRIES: '0',
  }
  ;[writer, ...readers] = await Promise.all([
    startAdapterProcess('attestation', { ...env, EA_MODE: 'writer' }),
    ...[0, 1].map(() => startAdapterProcess('attestation', { ...env, EA_MODE: 'reader', LOG_LEVEL: 'warn' })),
  ])
})

afterAll(async () => {
  await Promise.all([writer, ...(readers ?? [])].map((replica) => replica?.stop()))
  await auditor?.close()
  await redis?.close()
})

/** The cached entry of REQUEST in Redis, parsed (the framework keys it `ATTESTATION-reserves-…`). */
async function cachedEntry(): Promise<Record<string, unknown> | undefined> {
  const client = redis.client()
  try {
    const keys = (await client.keys('ATTESTATION-reserves-*')).filter(
      (key) => !key.endsWith('subscriptionSet'),
    )
    if (keys.length > 1) throw new Error(`several cache entries: ${keys.join(', ')}`)
    const value = keys.length === 1 ? await client.get(keys[0]) : null
    return value === null ? undefined : (JSON.parse(value) as Record<string, unknown>)
  } finally {
    client.disconnect()
  }
}

it('the auditor raises the ripcord: Redis holds the 503, and no reader serves the old figure again', async () => {
  for (const reader of readers) {
    const answer = await askUntilComputed(() => reader.bridge(REQUEST))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ result: FIGURE, data: { ripcord: false } })
  }
  expect(await cachedEntry()).toMatchObject({ result: FIGURE })

  const load = startLoad(readers, REQUEST, { concurrency: 4, pauseMs: 5 })
  await waitUntil(() => load.answers.length >= 20, 'answers before the ripcord')
  usdx.ripcord = true
  usdx.ripcordDetails = RIPCORD_DETAILS
  await waitUntil(
    () => [0, 1].every((client) => load.answers.some((a) => a.client === client && a.status === 503)),
    'the ripcord at both readers',
  )
  // Load goes on across the next read of the auditor (a failure is read again after 5 s): the ripcord stays.
  const seenAt = Date.now()
  await waitUntil(() => load.answers.some((a) => a.at > seenAt + 6_000), 'answers past the next refresh')
  const answers = await load.stop()

  // Before the writer saw the ripcord: the figure. From the first 503 on, at any reader: never
  // the figure again (a 504 "no value yet" can fall between the eviction and the 503's write).
  const first503 = answers.findIndex((a) => a.status === 503)
  expect(answers.slice(0, first503).filter((a) => a.status !== 200 || a.result !== FIGURE)).toEqual([])
  const after = answers.slice(first503)
  expect(after.filter((a) => a.status === 200).map(({ client, result }) => ({ client, result }))).toEqual([])
  expect(after.filter((a) => a.status !== 503 && a.status !== 504).map((a) => a.status)).toEqual([])
  expect(after.filter((a) => a.status === 503).every((a) => a.body?.ripcord === true)).toBe(true)
  expect(after.at(-1)!.body).toMatchObject({
    statusCode: 503,
    ripcord: true,
    ripcordDetails: RIPCORD_DETAILS,
  })
  expect(after.at(-1)!.body).not.toHaveProperty('result')

  // The 503 took the place of a success that was still cached: it was read from the auditor
  // before the last figure served would have expired (without the eviction, the framework keeps
  // an unexpired success over an error, and the 503 could only follow the figure's expiry).
  const receivedAt = (body: Record<string, unknown> | undefined) =>
    (body?.timestamps as { providerDataReceivedUnixMs: number }).providerDataReceivedUnixMs
  const lastFigureAt = Math.max(...answers.slice(0, first503).map((a) => receivedAt(a.body)))
  expect(receivedAt(answers[first503].body)).toBeLessThan(lastFigureAt + CACHE_MAX_AGE_MS)

  // The success is gone from Redis itself, not only from a reader's view of it.
  const entry = await cachedEntry()
  expect(entry).toMatchObject({ statusCode: 503, ripcord: true, ripcordDetails: RIPCORD_DETAILS })
  expect(entry).not.toHaveProperty('result')
})

it('the ripcord lowered: the readers serve the figure again', async () => {
  usdx.ripcord = false
  usdx.ripcordDetails = []
  for (const reader of readers) {
    await waitUntil(async () => (await reader.bridge(REQUEST)).body?.result === FIGURE, 'the figure again', {
      everyMs: 250,
    })
  }
  expect(await cachedEntry()).toMatchObject({ result: FIGURE, data: { ripcord: false } })
})
