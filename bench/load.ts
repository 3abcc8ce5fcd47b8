/**
 * Load benchmark: `npm run bench:load` (figures to bench/results/load.json; `npm run docs`
 * puts them in the README).
 *
 * 1. Cached answers: requests per second, p50 and p99 of a cached answer, for each adapter and
 *    for the anchor (bench/load-anchor.ts: the framework's smallest adapter), each in its own
 *    process (`npm start -- <name>`), loaded by autocannon from this process with a fixed
 *    connection count, every answer checked against the true figure. All run side by side and
 *    are measured in turn for several rounds; the figures are the medians. Goal: ≥ 0.9 × the
 *    anchor's throughput, p99 ≤ 1.2 × the anchor's.
 * 2. The same through Redis: one writer and two readers per adapter, autocannon sharing its
 *    connections between the two readers.
 * 3. Memory: btc-balance's resident set size before, during and after a flood of distinct
 *    requests, with short subscription and cache lifetimes so that all of them expire within
 *    the run. Goal: back within 10 % of the idle baseline.
 * 4. Faults: btc-balance under steady load while its Esplora (behind the fault proxy) flaps,
 *    hangs and answers garbage, then comes back: wrong answers (must be 0), 5xx answers, and how
 *    long it took to answer the figure again.
 *
 * 5. Profile (only when asked: `npm run bench:load -- profile`): the CPU time each cached
 *    answer costs, every target served in the bench's own process and asked without a socket,
 *    against the anchor's, and where it goes (V8's CPU profiler: the framework, this
 *    repository's code, Node and its dependencies). CPU time per answer is steadier than
 *    requests per second on a busy machine. The profiles are written to BENCH_PROFILE_DIR
 *    (default: the system's temporary directory) for DevTools. Not written to load.json.
 *
 * Providers are loopback simulators and a `hardhat node` (bench/load-providers.ts).
 *   npm run bench:load [-- cached redis memory faults profile]   (the parts to run; all but profile by default)
 *   BENCH_CONNECTIONS=16 BENCH_DURATION_S=2 BENCH_ROUNDS=10 BENCH_FLOOD=5000 npm run bench:load
 * A part not run keeps its figures in load.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { Profiler } from 'node:inspector/promises'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import autocannon from 'autocannon'
import { startAdapterProcess, type AdapterProcess, type AdapterProcessOptions } from '#devkit/adapter-process'
import { adapterClient, askUntilComputed, type HttpAnswer } from '#devkit/adapter-server'
import { REPO_ROOT } from '#devkit/adapters'
import { startLoad, type LoadAnswer } from '#devkit/bridge-load'
import { startFaultProxy, type ProxyAction } from '#devkit/fault-proxy'
import {
  ANCHOR_NAME,
  LOAD_GOALS,
  memoryVersusBaseline,
  versusAnchor,
  type Throughput,
} from '#devkit/load-results'
import { REDIS_SERVER, startRedis } from '#devkit/redis'
import type { EsploraSim } from '#devkit/simulators/esplora'
import { benchAddresses } from './btc-addresses'
import { ANCHOR_RESULT } from './load-anchor'
import { startInjectProcess, type InjectProcess } from './load-inject'
import { startProviders, type BenchTarget } from './load-providers'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
const WARMUP_S = 3
const FLOOD = Number(process.env.BENCH_FLOOD ?? 5_000)
const RESULTS = join(REPO_ROOT, 'bench', 'results', 'load.json')
const PROFILE_ANSWERS = Number(process.env.BENCH_PROFILE_ANSWERS ?? 5_000)
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), 'bench-load-profiles')

/** The anchor, as a target: no provider, no inputs, a constant. */
const ANCHOR: BenchTarget = {
  adapter: ANCHOR_NAME,
  env: {},
  request: {},
  isTrue: (body) => body.result === ANCHOR_RESULT,
  answer: ANCHOR_RESULT,
}
const ANCHOR_SCRIPT = ['bench/load-anchor.ts']

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const round = (value: number, digits = 2) => Number(value.toFixed(digits))
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]
const mib = (bytes: number) => round(bytes / 1024 / 1024, 1)

// ---------------------------------------------------------------------------------------------
// Throughput

/** One run's figures. */
type Measured = Omit<Throughput, 'rounds'>

/** autocannon on `urls` for `seconds`, every body checked against the true answer. */
async function measure(urls: string[], target: BenchTarget, seconds: number): Promise<Measured> {
  const times: number[] = []
  let wrong = 0
  const instance = autocannon({
    url: urls,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'bench', data: target.request, meta: {} }),
    verifyBody: (text) => {
      const body = JSON.parse(text) as { statusCode?: number; result?: unknown; data?: { result?: unknown } }
      if (body.statusCode === 200 && !target.isTrue(body)) wrong++
      return true
    },
  })
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms))
  const result = await instance
  times.sort((a, b) => a - b)
  return {
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50Ms: round(percentile(times, 0.5)),
    p99Ms: round(percentile(times, 0.99)),
    requests: result.requests.total,
    failed: result.non2xx + result.errors,
    wrong,
  }
}

/** Starts `target`'s replicas (`modes`, all with `env`), one of each mode given. */
async function startReplicas(
  target: BenchTarget,
  modes: ('reader-writer' | 'writer' | 'reader')[],
  env: Record<string, string>,
  options: AdapterProcessOptions = {},
): Promise<AdapterProcess[]> {
  const script = target === ANCHOR ? ANCHOR_SCRIPT : undefined
  return Promise.all(
    modes.map((mode) =>
      startAdapterProcess(target.adapter, { ...target.env, ...env, EA_MODE: mode }, { script, ...options }),
    ),
  )
}

/** Asks each reader until it answers the true answer from the cache; throws otherwise. */
async function checkAnswers(target: BenchTarget, readers: AdapterProcess[]): Promise<void> {
  for (const reader of readers) {
    const answer = await askUntilComputed(() => reader.bridge(target.request))
    if (answer.status !== 200 || !target.isTrue(answer.body ?? {})) {
      throw new Error(`${target.adapter}: answered ${answer.status} ${answer.text.slice(0, 500)}`)
    }
  }
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]

/**
 * The cached-answer runs: every target's replicas started (`modes`, with `env`), checked and
 * warmed up, then measured in turn, round after round, so that a change in the machine's other
 * load falls on all of them alike; each figure is the median over the rounds.
 */
async function cachedRuns(
  targets: BenchTarget[],
  modes: ('reader-writer' | 'writer' | 'reader')[],
  env: Record<string, string> = {},
): Promise<Record<string, Throughput>> {
  const urls = new Map<BenchTarget, string[]>()
  const replicas: AdapterProcess[] = []
  try {
    for (const target of targets) {
      const started = await startReplicas(target, modes, env)
      replicas.push(...started)
      const readers = started.filter((r) => r.url !== undefined)
      await checkAnswers(target, readers)
      urls.set(
        target,
        readers.map((r) => r.url!),
      )
      await measure(urls.get(target)!, target, WARMUP_S)
    }
    const rounds = new Map<BenchTarget, Measured[]>(targets.map((t) => [t, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        const figures = await measure(urls.get(target)!, target, DURATION_S)
        rounds.get(target)!.push(figures)
        console.log(
          `  round ${round} ${target.adapter.padEnd(18)} ${String(figures.requestsPerSecond).padStart(6)} req/s  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  (${figures.failed} failed, ${figures.wrong} wrong)`,
        )
      }
    }
    return Object.fromEntries(
      targets.map((target) => {
        const runs = rounds.get(target)!
        const sum = (pick: (f: Measured) => number) => runs.reduce((total, f) => total + pick(f), 0)
        return [
          target.adapter,
          {
            requestsPerSecond: median(runs.map((f) => f.requestsPerSecond)),
            p50Ms: median(runs.map((f) => f.p50Ms)),
            p99Ms: median(runs.map((f) => f.p99Ms)),
            requests: sum((f) => f.requests),
            failed: sum((f) => f.failed),
            wrong: sum((f) => f.wrong),
            rounds: runs.map((f) => f.requestsPerSecond),
          },
        ]
      }),
    )
  } finally {
    await Promise.all(replicas.map((r) => r.stop()))
  }
}

// ---------------------------------------------------------------------------------------------
// Memory

/** The settings of the memory run: short lifetimes, so that the flood expires within the run. */
const MEMORY_SETTINGS = {
  WARMUP_SUBSCRIPTION_TTL: '10000',
  CACHE_MAX_AGE: '10000',
}

/** One btc-balance request per address: distinct subscriptions, distinct cache entries. */
const singleAddress = (address: string) => ({
  addresses: [{ address, network: 'bitcoin', chainId: 'mainnet' }],
  minConfirmations: 6,
})

/**
 * Requests in flight during the flood: the first request for new parameters waits for the
 * background read (about BACKGROUND_EXECUTE_MS_HTTP, 1 s), so the flood's rate is about this many per second.
 */
const FLOOD_CONCURRENCY = 100

/** Sends each of `addresses` once; the statuses, counted. */
async function flood(url: string, addresses: string[], funded: Map<string, bigint>) {
  const client = adapterClient(url, { timeoutMs: 30_000 })
  const statuses = new Map<string, number>()
  let wrong = 0
  let next = 0
  const worker = async () => {
    while (next < addresses.length) {
      const address = addresses[next++]
      let answer: HttpAnswer | undefined
      try {
        answer = await client.bridge(singleAddress(address))
      } catch {
        answer = undefined
      }
      const status = String(answer?.status ?? 'no answer')
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      if (answer?.status === 200 && answer.body?.result !== String(funded.get(address))) wrong++
    }
  }
  await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, worker))
  return { statuses: Object.fromEntries(statuses), wrong }
}

/** From the replica's Prometheus metrics: how many series it exports, in all and per metric. */
async function metricsSnapshot(
  replica: AdapterProcess,
): Promise<{ series: number; byMetric: Map<string, number> }> {
  const text = await (await fetch(replica.metricsUrl!)).text()
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))
  const byMetric = new Map<string, number>()
  for (const line of lines) {
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]
    byMetric.set(name, (byMetric.get(name) ?? 0) + 1)
  }
  return { series: lines.length, byMetric }
}

/** The metrics that gained series between two snapshots, and how many each gained. */
const seriesGained = (before: Map<string, number>, after: Map<string, number>) =>
  Object.fromEntries(
    [...after]
      .map(([name, count]) => [name, count - (before.get(name) ?? 0)] as const)
      .filter(([, gained]) => gained > 0)
      .sort((a, b) => b[1] - a[1]),
  )

/** RSS samples every 200 ms until `stop` is called; the largest. */
function sampleRss(replica: AdapterProcess) {
  let peak = replica.rssBytes()
  const timer = setInterval(() => {
    peak = Math.max(peak, replica.rssBytes())
  }, 200)
  return () => {
    clearInterval(timer)
    return Math.max(peak, replica.rssBytes())
  }
}

async function memoryRun(target: BenchTarget, ledger: EsploraSim) {
  const settleMs = 2 * Math.max(...Object.values(MEMORY_SETTINGS).map(Number)) + 5_000
  const warmAddresses = benchAddresses(FLOOD + 200).slice(FLOOD)
  const floodAddresses = benchAddresses(FLOOD)
  const funded = new Map<string, bigint>()
  for (const [i, address] of [...floodAddresses, ...warmAddresses].entries()) {
    const value = 1_000n + BigInt(i)
    funded.set(address, value)
    ledger.send([], [{ address, value }])
  }
  ledger.confirm(...[...ledger.txs.values()].filter((tx) => tx.height === undefined).map((tx) => tx.txid))
  ledger.mine(6)

  const [replica] = await startReplicas(target, ['reader-writer'], MEMORY_SETTINGS, { inspect: true })
  try {
    const cold = replica.rssBytes()
    // Warm-up: the cached answer under load, and 200 distinct requests, then let them expire.
    await checkAnswers(target, [replica])
    await measure([replica.url!], target, WARMUP_S)
    await flood(replica.url!, warmAddresses, funded)
    await sleep(settleMs)
    // Idle, all expired: what the process holds once V8 has collected its garbage.
    const baselineHeap = await replica.collectGarbage()
    const baseline = replica.rssBytes()
    const baselineMetrics = await metricsSnapshot(replica)
    const stopSampling = sampleRss(replica)
    const started = performance.now()
    const answers = await flood(replica.url!, floodAddresses, funded)
    const floodSeconds = round((performance.now() - started) / 1000, 1)
    const peak = stopSampling()
    await sleep(settleMs)
    const idle = replica.rssBytes()
    const afterHeap = await replica.collectGarbage()
    const after = replica.rssBytes()
    const afterMetrics = await metricsSnapshot(replica)
    const figures = {
      adapter: target.adapter,
      distinctRequests: FLOOD,
      floodSeconds,
      answers: answers.statuses,
      wrong: answers.wrong,
      settings: MEMORY_SETTINGS,
      secondsAfterFlood: settleMs / 1000,
      rssMiB: {
        cold: mib(cold),
        baseline: mib(baseline),
        peak: mib(peak),
        afterIdle: mib(idle),
        after: mib(after),
      },
      afterOverBaseline: round(after / baseline, 3),
      heapUsedMiB: { baseline: mib(baselineHeap.usedBytes), after: mib(afterHeap.usedBytes) },
      retainedBytesPerRequest: Math.round((afterHeap.usedBytes - baselineHeap.usedBytes) / FLOOD),
      metricSeries: {
        baseline: baselineMetrics.series,
        after: afterMetrics.series,
        gained: seriesGained(baselineMetrics.byMetric, afterMetrics.byMetric),
      },
    }
    const { ratio, met } = memoryVersusBaseline(figures)
    console.log(
      `  ${JSON.stringify(figures)}\n  RSS after / baseline: ${ratio} (goal ≤ ${LOAD_GOALS.rssAfterVsBaseline}: ${met ? 'met' : 'missed'})`,
    )
    return figures
  } finally {
    await replica.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// Faults

/** The provider's behaviour, phase by phase (seconds). */
const FAULT_PHASES: {
  phase: string
  seconds: number
  action: (index: number, now: number) => ProxyAction
}[] = [
  { phase: 'healthy', seconds: 5, action: () => 'forward' },
  // Up one second, down the next (500s and dropped connections).
  {
    phase: 'flapping',
    seconds: 8,
    action: (index, now) =>
      Math.floor(now / 1000) % 2 === 0 ? 'forward' : index % 2 ? 'destroy' : SERVER_ERROR,
  },
  { phase: 'hanging', seconds: 8, action: () => 'hang' },
  { phase: 'garbage', seconds: 8, action: (index) => GARBAGE[index % GARBAGE.length] },
  { phase: 'back', seconds: 15, action: () => 'forward' },
]
const SERVER_ERROR: ProxyAction = { status: 500, body: '{"error":"internal"}' }
const GARBAGE: ProxyAction[] = [
  'truncate',
  { status: 200, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } },
  { status: 200, body: '{"chain_stats":{"funded_txo_sum":"lots"}}' },
  { status: 200, body: '[]' },
]
/** The fault run's settings: the cached figure expires within a phase, a hung request gives up after 1 s. */
const FAULT_SETTINGS = { CACHE_MAX_AGE: '4000', ESPLORA_REQUEST_TIMEOUT_MS: '1000' }

async function faultRun(target: BenchTarget, esploraUrl: string) {
  let phaseIndex = 0
  const proxy = await startFaultProxy(esploraUrl, (index) =>
    FAULT_PHASES[phaseIndex].action(index, Date.now()),
  )
  const [replica] = await startReplicas(
    { ...target, env: { ...target.env, BITCOIN_MAINNET_ESPLORA_URL: proxy.url } },
    ['reader-writer'],
    FAULT_SETTINGS,
  )
  try {
    await checkAnswers(target, [replica])
    const load = startLoad([adapterClient(replica.url!, { timeoutMs: 30_000 })], target.request, {
      concurrency: 8,
      pauseMs: 10,
    })
    let backAt = 0
    for (const [i, { phase, seconds }] of FAULT_PHASES.entries()) {
      phaseIndex = i
      if (phase === 'back') backAt = Date.now()
      await sleep(seconds * 1000)
    }
    const answers = await load.stop()
    const isTrue = (a: LoadAnswer) => a.status === 200 && target.isTrue(a.body ?? {})
    const firstAfterBack = answers.find((a) => a.at > backAt && isTrue(a))
    const count = (test: (a: LoadAnswer) => boolean) => answers.filter(test).length
    const figures = {
      adapter: target.adapter,
      phases: FAULT_PHASES.map(({ phase, seconds }) => ({ phase, seconds })),
      settings: FAULT_SETTINGS,
      answers: answers.length,
      right: count(isTrue),
      wrong: count((a) => a.status === 200 && !isTrue(a)),
      serverErrors: count((a) => typeof a.status === 'number' && a.status >= 500),
      other: count((a) => a.status !== 200 && !(typeof a.status === 'number' && a.status >= 500)),
      recoverySeconds: firstAfterBack ? round((firstAfterBack.at - backAt) / 1000, 1) : null,
      failuresAfterRecovery: firstAfterBack ? count((a) => a.at > firstAfterBack.at && !isTrue(a)) : 0,
      providerRequests: proxy.requests.length,
    }
    console.log(`  ${JSON.stringify(figures)}`)
    return figures
  } finally {
    await replica.stop()
    await proxy.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Profile

/** Where a sampled function's code comes from. */
function origin(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'node'
  if (url.includes('/@chainlink/external-adapter-framework/')) return 'framework'
  if (url.includes('/node_modules/')) return 'dependencies'
  if (url.startsWith('node:')) return 'node'
  if (url.includes('/bench/') || url.includes('/devkit/')) return 'bench'
  return 'ours'
}

/**
 * The samples of `profile` (idle left out) by origin and by function (self time), as shares of
 * the samples, and the functions of ours and the framework's with the most time inside them
 * (inclusive).
 */
function profileShares(profile: Profiler.Profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const where = ({ functionName, url, lineNumber }: Profiler.ProfileNode['callFrame']) =>
    `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|adapters|bench)\//, '$1/')}:${lineNumber + 1}`
  const selfUs = new Map<number, number>()
  for (const [i, id] of (profile.samples ?? []).entries()) {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0))
  }
  const byOrigin = new Map<string, number>()
  const inside = new Map<string, number>()
  let busy = 0
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!
    if (callFrame.functionName === '(idle)') continue
    busy += us
    const from = origin(callFrame.url, callFrame.functionName)
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + us)
    const counted = new Set<string>()
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = byId.get(node)!.callFrame
      if (!['ours', 'framework'].includes(origin(frame.url, frame.functionName))) continue
      const name = where(frame)
      if (counted.has(name)) continue
      counted.add(name)
      inside.set(name, (inside.get(name) ?? 0) + us)
    }
  }
  const share = (entries: Iterable<[string, number]>) =>
    [...entries].map(([name, us]) => [name, us / busy] as const).sort((a, b) => b[1] - a[1])
  return { byOrigin: share(byOrigin), inside: share(inside).slice(0, 25) }
}

/**
 * The CPU each cached answer costs, each target served in a process of its own
 * (bench/load-inject.ts) that asks itself through fastify's `inject` (no socket, no load
 * generator sharing the CPU): the JSON parsing, the framework's request handling and ours, the
 * answer's serialisation. Round after round, the targets in turn; medians. Then one more round
 * of each under V8's CPU profiler: where the time goes, by origin and by function. Not written
 * to load.json (the figures are CPU time, not a throughput).
 */
async function profileRun(targets: BenchTarget[]): Promise<void> {
  mkdirSync(PROFILE_DIR, { recursive: true })
  const served: { target: BenchTarget; child: InjectProcess }[] = []
  try {
    for (const target of targets) {
      const child = await startInjectProcess(
        target.adapter,
        { ...target.env, METRICS_ENABLED: 'true', LOG_LEVEL: 'info' },
        target.request,
      )
      if (!target.isTrue(child.firstAnswer)) {
        throw new Error(`${target.adapter}: answered ${JSON.stringify(child.firstAnswer).slice(0, 500)}`)
      }
      served.push({ target, child })
    }
    for (const { child } of served) await child.measure(PROFILE_ANSWERS)
    const rounds = new Map<BenchTarget, number[]>(targets.map((t) => [t, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { target, child } of served) {
        rounds.get(target)!.push((await child.measure(PROFILE_ANSWERS)).cpuMicrosPerAnswer)
      }
    }
    const anchorUs = median(rounds.get(ANCHOR)!)
    for (const { target, child } of served) {
      const us = median(rounds.get(target)!)
      const file = join(PROFILE_DIR, `${target.adapter}.cpuprofile`)
      const { profile } = await child.measure(PROFILE_ANSWERS, true)
      writeFileSync(file, JSON.stringify(profile))
      const { byOrigin, inside } = profileShares(profile!)
      const spread = rounds
        .get(target)!
        .map((r) => r.toFixed(0))
        .join(' ')
      console.log(
        `  ${target.adapter.padEnd(18)} ${us.toFixed(1)} µs of CPU per answer, ` +
          `${(us / anchorUs).toFixed(2)}× the anchor's (+${(us - anchorUs).toFixed(1)} µs; rounds: ${spread})`,
      )
      console.log(
        `    ${byOrigin.map(([from, part]) => `${from} ${(part * us).toFixed(1)}`).join(', ')} (µs)`,
      )
      for (const [name, part] of inside)
        console.log(`    ${(part * us).toFixed(1).padStart(7)} µs in ${name}`)
      console.log(`    profile: ${file}`)
    }
  } finally {
    await Promise.all(served.map(({ child }) => child.stop()))
  }
}

// ---------------------------------------------------------------------------------------------

/** The parts of the benchmark, in order; `npm run bench:load -- <part> …` runs only those given. */
const PARTS = ['cached', 'redis', 'memory', 'faults', 'profile'] as const
type Part = (typeof PARTS)[number]
/** What `npm run bench:load` runs when no part is named: the parts load.json records. */
const DEFAULT_PARTS: Part[] = ['cached', 'redis', 'memory', 'faults']

async function main(): Promise<void> {
  const asked = process.argv.slice(2)
  const unknown = asked.filter((part) => !PARTS.includes(part as Part))
  if (unknown.length > 0)
    throw new Error(`unknown part(s) ${unknown.join(', ')}: the parts are ${PARTS.join(', ')}`)
  const parts = new Set<Part>(asked.length > 0 ? (asked as Part[]) : DEFAULT_PARTS)
  const machine = {
    cpus: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    /** The machine's load average over the minute before the run (other jobs share it). */
    loadAverage: round(loadavg()[0]),
    redis:
      /v=(\S+)/.exec(spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ??
      'unknown',
  }
  console.log(
    `${machine.cpus} CPUs (${machine.cpu}), load average ${machine.loadAverage}, Node ${machine.node}; ` +
      `autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per target after ${WARMUP_S} s of warm-up`,
  )
  console.log('Starting the providers (simulators, a hardhat node)…')
  const providers = await startProviders()
  const redis = parts.has('redis') ? await startRedis() : undefined
  // Parts not run keep their figures from the last run.
  const results: Record<string, unknown> = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
    : {}
  results.machine = machine
  results.load = {
    tool: 'autocannon in the bench process, each adapter replica in a process of its own',
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
    rounds: ROUNDS,
    warmupSeconds: WARMUP_S,
    settings: 'each adapter’s defaults (metrics on, LOG_LEVEL=info)',
  }
  const targets = [ANCHOR, ...providers.targets]
  const btc = providers.targets.find((t) => t.adapter === 'btc-balance')!
  const versus = (figures: Record<string, Throughput>) => {
    for (const [name, f] of Object.entries(figures)) {
      if (name === ANCHOR_NAME) continue
      const { throughput, p99, met } = versusAnchor(figures[ANCHOR_NAME], f)
      console.log(
        `  ${name.padEnd(18)} ${throughput} × the anchor's throughput, p99 ${p99} × (${met ? 'met' : 'missed'})`,
      )
    }
    return figures
  }
  try {
    if (parts.has('cached')) {
      console.log('Cached answers, one process each:')
      results.cached = versus(await cachedRuns(targets, ['reader-writer']))
    }
    if (parts.has('redis')) {
      console.log('Cached answers through Redis, one writer and two readers:')
      results.redis = versus(await cachedRuns(targets, ['writer', 'reader', 'reader'], redis!.env))
    }
    if (parts.has('memory')) {
      console.log('Memory over a flood of distinct requests:')
      results.memory = await memoryRun(btc, providers.ledger)
    }
    if (parts.has('faults')) {
      console.log('A provider that flaps, hangs and answers garbage under load:')
      results.faults = await faultRun(btc, providers.esploraUrl)
    }
    if (parts.has('profile')) {
      console.log(
        `CPU per cached answer, in this process (${ROUNDS} rounds of ${PROFILE_ANSWERS} answers per target):`,
      )
      await profileRun(targets)
    }
    if (DEFAULT_PARTS.some((part) => parts.has(part))) {
      writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`)
      console.log(`\nwrote ${RESULTS}; \`npm run docs\` puts it in the README`)
    }
  } finally {
    await redis?.close()
    await providers.close()
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
