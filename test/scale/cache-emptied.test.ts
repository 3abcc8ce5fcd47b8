/**
 * A writer whose cached answer vanishes from Redis (restarted without persistence, emptied,
 * a key evicted) while it keeps running computes it again within seconds, instead of at its
 * refresh (half of CACHE_MAX_AGE: here 5 minutes), the readers answering 504 meanwhile. The
 * writer here holds no cache lock (it takes it only after CACHE_LOCK_DEFERRAL_MS, 60 s by
 * default), so nothing makes it exit and restart: it must notice by itself.
 */
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { askUntilComputed } from '#devkit/adapter-server'
import { waitUntil } from '#devkit/bridge-load'
import { startRedis, type RedisServer } from '#devkit/redis'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'

const CUSTODIAN = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'
const REQUEST = { addresses: [{ address: CUSTODIAN, network: 'bitcoin', chainId: 'mainnet' }] }

let redis: RedisServer
let esplora: Awaited<ReturnType<typeof serveEsplora>>
let writer: AdapterProcess
let reader: AdapterProcess

beforeAll(async () => {
  redis = await startRedis()
  const ledger = new EsploraSim()
  ledger.fund(CUSTODIAN, 123_456_789n)
  ledger.mine(6)
  esplora = await serveEsplora(ledger)
  const env = {
    ...redis.env,
    METRICS_ENABLED: 'false',
    CACHE_MAX_AGE: '600000',
    CACHE_LOCK_DEFERRAL_MS: '600000',
    BACKGROUND_EXECUTE_MS_HTTP: '100',
    BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
  }
  ;[writer, reader] = await Promise.all([
    startAdapterProcess('btc-balance', { ...env, EA_MODE: 'writer' }),
    startAdapterProcess('btc-balance', { ...env, EA_MODE: 'reader', LOG_LEVEL: 'warn' }),
  ])
})

afterAll(async () => {
  await Promise.all([writer, reader].map((replica) => replica?.stop()))
  await esplora?.close()
  await redis?.close()
})

it('a writer whose cached answer vanished from Redis computes it again, not at its next refresh', async () => {
  const first = await askUntilComputed(() => reader.bridge(REQUEST))
  expect([first.status, first.body?.result]).toEqual([200, '123456789'])
  const asked = esplora.requests.length

  const client = redis.client()
  try {
    await client.flushall()
  } finally {
    client.disconnect()
  }
  // The reader's next request subscribes it again; its answer comes back once the writer has
  // computed it again (the refresh itself is 5 minutes away).
  await waitUntil(async () => (await reader.bridge(REQUEST)).status === 200, 'the figure at the reader', {
    timeoutMs: 60_000,
    everyMs: 250,
  })
  expect((await reader.bridge(REQUEST)).body?.result).toBe('123456789')
  expect(esplora.requests.length).toBeGreaterThan(asked)
})
