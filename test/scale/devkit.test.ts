/** The devkit parts the scale tests stand on: a real Redis, and adapter replicas in their own processes. */
import { startAdapterProcess } from '#devkit/adapter-process'
import { waitUntil } from '#devkit/bridge-load'
import { startRedis, type RedisServer } from '#devkit/redis'

let redis: RedisServer

beforeAll(async () => {
  redis = await startRedis()
})

afterAll(async () => {
  await redis?.close()
})

it('redis-server answers on its port, and restarts there empty', async () => {
  const client = redis.client()
  try {
    await client.set('figure', '123456789')
    expect(await client.get('figure')).toBe('123456789')
    const before = redis.pid
    await redis.restart()
    expect(redis.pid).not.toBe(before)
    // The client reconnects by itself to the same port; nothing was kept.
    expect(await client.get('figure')).toBeNull()
  } finally {
    client.disconnect()
  }
})

it('a supervised replica that dies unasked is started again; one stopped is not', async () => {
  const writer = await startAdapterProcess(
    'btc-balance',
    {
      ...redis.env,
      EA_MODE: 'writer',
      METRICS_ENABLED: 'false',
      BITCOIN_MAINNET_ESPLORA_URL: 'http://127.0.0.1:9',
    },
    { supervise: true },
  )
  try {
    const first = writer.pid!
    expect(writer.url).toBeUndefined()
    expect(writer.rssBytes()).toBeGreaterThan(10 * 1024 * 1024)
    process.kill(first, 'SIGKILL')
    await waitUntil(() => writer.pid !== undefined && writer.pid !== first, 'the writer started again')
    expect(writer.crashes).toEqual([expect.objectContaining({ code: null, signal: 'SIGKILL' })])
    await writer.stop()
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(writer.pid).toBeUndefined()
    expect(writer.crashes).toHaveLength(1)
  } finally {
    await writer.stop()
  }
})
