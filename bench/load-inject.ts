/**
 * One target of `npm run bench:load -- profile` in a process of its own: the adapter (or the
 * anchor) served as `npm start` serves it, and asked for one request through fastify's `inject`,
 * in the same process: no socket, no load generator sharing the CPU, only what an answer costs
 * from the parsed HTTP request to the serialised answer. The bench process starts it
 * ({@link startInjectProcess}) and tells it, over the IPC channel, how many answers to measure.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { Session, type Profiler } from 'node:inspector/promises'
import { fileURLToPath } from 'node:url'
import { serve } from '#common/server'
import { REPO_ROOT, loadAdapterModule } from '#devkit/adapters'
import { freePort } from '#devkit/ports'
import { makeAnchor } from './load-anchor'

/** Answers asked at once (as autocannon's connections). */
const IN_FLIGHT = 16

/** What a measure reports: the process's CPU time (all threads) per answer, and the profile if asked. */
export interface InjectMeasure {
  cpuMicrosPerAnswer: number
  profile?: Profiler.Profile
}

export interface InjectProcess {
  /** The first answer's body, to check against the true figure. */
  firstAnswer: Record<string, unknown>
  /** Asks `count` answers (each must be the first one again); with `profile`, under V8's CPU profiler. */
  measure(count: number, profile?: boolean): Promise<InjectMeasure>
  stop(): Promise<void>
}

type Request = { measure: number; profile: boolean }
type Reply = { ready: Record<string, unknown> } | ({ measured: true } & InjectMeasure) | { failed: string }

/**
 * Starts `target` (an adapter's folder name, or `anchor`) with `settings` (its environment) in a
 * process of its own, and waits until it answers `data` from its cache.
 */
export async function startInjectProcess(
  target: string,
  settings: Record<string, string>,
  data: Record<string, unknown>,
): Promise<InjectProcess> {
  let output = ''
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [target], {
    cwd: REPO_ROOT,
    execArgv: ['--no-deprecation', '--import', 'tsx'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...settings,
      EA_HOST: '127.0.0.1',
      EA_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      BENCH_INJECT_DATA: JSON.stringify(data),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_192)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = () => reject(new Error(`${target} exited: ${output}`))
      child.once('exit', onExit)
      child.once('message', (reply) => {
        child.off('exit', onExit)
        if ('failed' in (reply as Reply))
          reject(new Error(`${target}: ${(reply as { failed: string }).failed}`))
        else resolve(reply as Reply)
      })
    })
  const ready = (await next()) as { ready: Record<string, unknown> }
  return {
    firstAnswer: ready.ready,
    measure: async (count, profile = false) => {
      const reply = next()
      child.send({ measure: count, profile } satisfies Request)
      return (await reply) as InjectMeasure
    },
    stop: async () => {
      if (child.exitCode !== null) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await gone
    },
  }
}

/** The process itself: serves the target and measures what it is asked to. */
async function main(): Promise<void> {
  const target = process.argv[2]
  const adapter = target === 'anchor' ? makeAnchor() : (await loadAdapterModule(target)).makeAdapter()
  const api = await serve(adapter)
  const payload = JSON.stringify({
    id: 'bench',
    data: JSON.parse(process.env.BENCH_INJECT_DATA ?? '{}'),
    meta: {},
  })
  const ask = async () => {
    const { statusCode, body } = await api!.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      payload,
    })
    return { statusCode, body }
  }
  let first = await ask()
  for (let attempt = 0; first.statusCode !== 200 && attempt < 300; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    first = await ask()
  }
  if (first.statusCode !== 200) throw new Error(`answered ${first.statusCode} ${first.body.slice(0, 500)}`)
  const { result, data } = JSON.parse(first.body) as { result: unknown; data: { result: unknown } }
  const expected = JSON.stringify([result, data.result])
  const session = new Session()
  session.connect()
  process.on('message', (message: Request) => {
    void (async () => {
      if (message.profile) {
        await session.post('Profiler.enable')
        await session.post('Profiler.setSamplingInterval', { interval: 50 })
        await session.post('Profiler.start')
      }
      let asked = 0
      let wrong = 0
      const before = process.cpuUsage()
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (asked++ < message.measure) {
            const { statusCode, body } = await ask()
            const answer = JSON.parse(body) as { result: unknown; data: { result: unknown } }
            if (statusCode !== 200 || JSON.stringify([answer.result, answer.data.result]) !== expected)
              wrong++
          }
        }),
      )
      const { user, system } = process.cpuUsage(before)
      const profile = message.profile ? (await session.post('Profiler.stop')).profile : undefined
      const reply: Reply =
        wrong > 0
          ? { failed: `${wrong} of ${message.measure} answers were not the first one` }
          : { measured: true, cpuMicrosPerAnswer: (user + system) / message.measure, profile }
      process.send!(reply)
    })()
  })
  process.send!({ ready: JSON.parse(first.body) as Record<string, unknown> } satisfies Reply)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.send?.({ failed: error instanceof Error ? error.message : String(error) } satisfies Reply)
    process.exit(1)
  })
}
