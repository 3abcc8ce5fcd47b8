/**
 * Replicas on a real Redis: one `btc-balance` writer and two readers, each its own process
 * (`npm start -- btc-balance` with `EA_MODE` and `CACHE_TYPE=redis`), sharing one
 * `redis-server`. The readers are pointed at an Esplora of their own (the same ledger, served
 * twice): any request it receives is a reader reading the provider, which a reader must never do.
 *
 * The writer runs supervised, as in production (restarted whenever it exits): the framework's
 * writer exits when Redis loses its cache lock (a Redis restarted without persistence), with
 * redlock's "unable to achieve a quorum" from the lock's extension.
 */
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { askUntilComputed } from '#devkit/adapter-server'
import { startLoad, waitUntil, type LoadAnswer } from '#devkit/bridge-load'
import { startRedis, type RedisServer } from '#devkit/redis'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'

const CUSTODIANS = [
  'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
  '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
  '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
]
const REQUEST = {
  addresses: CUSTODIANS.map((address) => ({ address, network: 'bitcoin', chainId: 'mainnet' })),
  minConfirmations: 6,
}

/**
 * What every replica shares. A figure is cached 20 s and refreshed every 10 s. The writer takes
 * the framework's cache lock 0.5 s after it starts (60 s by default) and extends it every 1.6 s
 * (8 s by default), so that in these tests it holds the lock as a long-running writer does.
 */
const LOCK_DURATION_MS = 2_000
const SHARED = {
  METRICS_ENABLED: 'false',
  CACHE_MAX_AGE: '20000',
  BACKGROUND_EXECUTE_MS_HTTP: '100',
  CACHE_LOCK_DEFERRAL_MS: '500',
  CACHE_LOCK_DURATION: String(LOCK_DURATION_MS),
  ESPLORA_RETRIES: '0',
}

let redis: RedisServer
let ledger: EsploraSim
let writerEsplora: Awaited<ReturnType<typeof serveEsplora>>
let readerEsplora: Awaited<ReturnType<typeof serveEsplora>>
let writer: AdapterProcess
let readers: AdapterProcess[]
/** The ledger's total at 6 confirmations: the only figure a replica may answer. */
let expected: string

beforeAll(async () => {
  redis = await startRedis()
  ledger = new EsploraSim()
  for (const [i, address] of CUSTODIANS.entries()) ledger.fund(address, 100_000_000n * BigInt(i + 1) + 7n)
  ledger.mine(6)
  expected = (600_000_000n + 21n).toString()
  writerEsplora = await serveEsplora(ledger)
  readerEsplora = await serveEsplora(ledger)
  const env = { ...SHARED, ...redis.env }
  ;[writer, ...readers] = await Promise.all([
    // Supervised, as an operator runs it: restarted whenever it exits unasked.
    startAdapterProcess(
      'btc-balance',
      { ...env, EA_MODE: 'writer', BITCOIN_MAINNET_ESPLORA_URL: writerEsplora.url },
      { supervise: true },
    ),
    ...[0, 1].map(() =>
      startAdapterProcess('btc-balance', {
        ...env,
        EA_MODE: 'reader',
        LOG_LEVEL: 'warn',
        BITCOIN_MAINNET_ESPLORA_URL: readerEsplora.url,
      }),
    ),
  ])
})

afterAll(async () => {
  await Promise.all([writer, ...(readers ?? [])].map((replica) => replica?.stop()))
  await writerEsplora?.close()
  await readerEsplora?.close()
  await redis?.close()
})

/** Answers that are not the exact figure in a 200 (status, result, client), for a readable failure. */
const wrongFigures = (answers: readonly LoadAnswer[]) =>
  answers
    .filter((a) => a.status === 200 && a.result !== expected)
    .map(({ status, result, client }) => ({ status, result, client }))

it('two readers give the same answer, the one the writer computed, and never call the provider', async () => {
  const first = await askUntilComputed(() => readers[0].bridge(REQUEST))
  expect(first.status).toBe(200)
  expect(first.body).toMatchObject({ result: expected, data: { result: expected, decimals: 8 } })

  const second = await readers[1].bridge(REQUEST)
  expect(second.status).toBe(200)
  // The same cached entry: same figure, same provider timestamps (one computation, the writer's).
  expect(second.body).toEqual(first.body)

  expect(writerEsplora.requests.length).toBeGreaterThan(0)
  expect(readerEsplora.requests).toEqual([])
})

it('the writer killed mid-load and restarted: every answer is still the figure, and refreshing goes on', async () => {
  await askUntilComputed(() => readers[0].bridge(REQUEST))
  const load = startLoad(readers, REQUEST, { concurrency: 4, pauseMs: 5 })
  await waitUntil(() => load.answers.length >= 50, 'answers before the kill')
  await writer.stop('SIGKILL')
  const duringOutage = load.answers.length
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  await writer.start()
  const afterRestart = writerEsplora.requests.length
  await waitUntil(() => load.answers.length >= duringOutage + 200, 'answers after the restart')
  const answers = await load.stop()

  // Nothing lost: the cache in Redis outlived the writer; no 5xx, no 504, never another figure.
  expect(answers.filter((a) => a.status !== 200).map(({ status, client }) => ({ status, client }))).toEqual(
    [],
  )
  expect(wrongFigures(answers)).toEqual([])
  expect(new Set(answers.map((a) => a.client))).toEqual(new Set([0, 1]))

  // The restarted writer found the readers' subscription in Redis and keeps the figure fresh:
  // a block mined now that pays a custodian reaches both readers.
  ledger.fund(CUSTODIANS[0], 5n)
  ledger.mine(6)
  expected = (600_000_000n + 21n + 5n).toString()
  for (const reader of readers) {
    await waitUntil(
      async () => (await reader.bridge(REQUEST)).body?.result === expected,
      'the new figure at both readers',
      { everyMs: 250 },
    )
  }
  expect(writerEsplora.requests.length).toBeGreaterThan(afterRestart)
  expect(readerEsplora.requests).toEqual([])
})

it('Redis restarted mid-load: 5xx at worst, never another figure, and the replicas recover by themselves', async () => {
  await askUntilComputed(() => readers[0].bridge(REQUEST))
  const load = startLoad(readers, REQUEST, { concurrency: 4, pauseMs: 5 })
  await waitUntil(() => load.answers.length >= 50, 'answers before the restart')
  // Restarted empty (no persistence): every cached figure and subscription is gone.
  await redis.restart()
  const restartedAt = Date.now()
  await waitUntil(
    () =>
      [0, 1].every((client) =>
        load.answers.some((a) => a.at > restartedAt && a.client === client && a.status === 200),
      ),
    'both readers answering the figure again',
  )
  // Load goes on past two extensions of the writer's cache lock, which Redis lost too.
  const recoveredAt = Date.now()
  await waitUntil(
    () => load.answers.some((a) => a.at > recoveredAt + 2 * LOCK_DURATION_MS),
    'answers past two lock extensions after recovery',
  )
  const answers = await load.stop()
  const byStatus = new Map<string, number>()
  for (const a of answers) byStatus.set(String(a.status), (byStatus.get(String(a.status)) ?? 0) + 1)
  console.info(
    `Redis restarted under load: ${answers.length} answers (${[...byStatus]
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ')}); the writer exited ${writer.crashes.length} time(s)` +
      writer.crashes.map((c) => `: ${/\w*Error: .*/.exec(c.output)?.[0] ?? `code ${c.code}`}`).join(''),
  )

  expect(wrongFigures(answers)).toEqual([])
  // Whatever is not the figure is a server error (the framework's 504 "no value yet" while the
  // writer recomputes, a 500 while Redis is away): never a 4xx, never a request left unanswered.
  const notServerErrors = answers.filter(
    (a) => a.status !== 200 && !(typeof a.status === 'number' && a.status >= 500),
  )
  expect(notServerErrors.map(({ status, client }) => ({ status, client }))).toEqual([])
  // Recovered for good: the last answers of each reader are the figure.
  for (const client of [0, 1]) {
    const last = answers.filter((a) => a.client === client).slice(-10)
    expect(last.map((a) => a.status)).toEqual(Array(10).fill(200))
  }
  expect(readerEsplora.requests).toEqual([])

  // And the writer refreshes again: a payment mined now reaches both readers.
  ledger.fund(CUSTODIANS[1], 11n)
  ledger.mine(6)
  expected = (BigInt(expected) + 11n).toString()
  for (const reader of readers) {
    await waitUntil(
      async () => (await reader.bridge(REQUEST)).body?.result === expected,
      'the new figure at both readers',
      { everyMs: 250 },
    )
  }
})
