/**
 * An adapter replica in its own process, as an operator runs one: `npm start -- <name>`
 * (scripts/start.ts under tsx), configured only by its environment. Several of them on one Redis
 * (`EA_MODE=writer` and `reader`) are replicas behind one cache; one alone is the adapter under a
 * benchmark's load, on a CPU core the load generator does not share.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { adapterClient, type AdapterClient } from './adapter-server'
import { REPO_ROOT } from './adapters'
import { freePort } from './ports'

/** The framework's `EA_MODE`: a reader serves requests from the cache, a writer fills it. */
export type EaMode = 'reader' | 'writer' | 'reader-writer'

/**
 * The framework's log line when a writer's background loop starts: a writer has no HTTP server
 * to ask whether it is up.
 */
const WRITER_READY = 'Starting background execution loop'

export interface AdapterProcessOptions {
  /**
   * The script the process runs under tsx, relative to the repository, and its arguments.
   * Default: `['scripts/start.ts', name]`, what `npm start -- <name>` runs.
   */
  script?: string[]
  /**
   * Restart the process whenever it exits without being stopped, as a container orchestrator
   * or systemd (`Restart=always`) does. Each such exit is recorded in `crashes`.
   */
  supervise?: boolean
  /** How long to wait for the process to serve (a reader) or to start its background loop (a writer). */
  readyTimeoutMs?: number
  /** How long {@link AdapterProcess.bridge} waits for an answer before it rejects (default 15 s). */
  requestTimeoutMs?: number
  /** Open Node's inspector on a free loopback port, for {@link AdapterProcess.collectGarbage}. */
  inspect?: boolean
}

/** An exit the process was not asked for. */
export interface Crash {
  code: number | null
  signal: NodeJS.Signals | null
  /** The end of what it wrote before it exited. */
  output: string
}

export interface AdapterProcess extends AdapterClient {
  /** The adapter's folder name, or the script's name. */
  readonly name: string
  readonly mode: EaMode
  /** Its REST base URL, the same across restarts; undefined for a writer (it serves nothing). */
  readonly url: string | undefined
  /** Its Prometheus metrics (`http://127.0.0.1:<METRICS_PORT>/metrics`), undefined with metrics off. */
  readonly metricsUrl: string | undefined
  /** The running process's id, undefined while it is stopped. */
  readonly pid: number | undefined
  /** Exits it was not asked for. */
  readonly crashes: readonly Crash[]
  /** The end of its output (stdout and stderr, the framework's JSON log lines). */
  output(): string
  /** Its resident set size now, in bytes (Linux `/proc`). */
  rssBytes(): number
  /**
   * Has V8 collect all garbage now (the inspector's `HeapProfiler.collectGarbage`), then gives
   * the heap's used and total size, in bytes. Only with the `inspect` option.
   */
  collectGarbage(): Promise<{ usedBytes: number; totalBytes: number }>
  /** Starts it again (same port, same settings) and waits until it is ready. */
  start(): Promise<void>
  /** Sends `signal` (SIGTERM unless given: SIGKILL for a crash) and waits for it to exit; no restart follows. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Processes started here and not yet exited: killed if this process exits first. */
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

/**
 * Starts adapter `name` in its own process with exactly `env` (plus `PATH` and `HOME`) and
 * waits until it is ready. `EA_PORT` is a free loopback port unless `env` gives one (none for a
 * writer), and so is `METRICS_PORT` while metrics are on; `LOG_LEVEL` is `info` unless given
 * (a writer must log at `info` or below: its start is seen in its log).
 */
export async function startAdapterProcess(
  name: string,
  env: Record<string, string | undefined>,
  {
    script = ['scripts/start.ts', name],
    supervise = false,
    readyTimeoutMs = 60_000,
    requestTimeoutMs = 15_000,
    inspect = false,
  }: AdapterProcessOptions = {},
): Promise<AdapterProcess> {
  const mode = (env.EA_MODE ?? 'reader-writer') as EaMode
  const serves = mode !== 'writer'
  const port = serves ? (env.EA_PORT ?? String(await freePort())) : undefined
  const metricsPort =
    env.METRICS_ENABLED !== 'false' ? (env.METRICS_PORT ?? String(await freePort())) : undefined
  const logLevel = env.LOG_LEVEL ?? 'info'
  if (!serves && !['info', 'debug', 'trace'].includes(logLevel)) {
    throw new Error(
      `${name}: a writer must log at info or below (LOG_LEVEL=${logLevel}): its start is read from its log`,
    )
  }
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
  for (const [key, value] of Object.entries({
    ...env,
    EA_HOST: serves ? '127.0.0.1' : undefined,
    EA_PORT: port,
    METRICS_PORT: metricsPort,
    LOG_LEVEL: logLevel,
  })) {
    if (value !== undefined) childEnv[key] = value
  }
  const url = port ? `http://127.0.0.1:${port}` : undefined

  let child: ChildProcess | undefined
  let output = ''
  let inspectorUrl: string | undefined
  let stopping = false
  const crashes: Crash[] = []

  const ready = async (started: ChildProcess) => {
    const deadline = Date.now() + readyTimeoutMs
    for (;;) {
      if (exited(started)) throw new Error(`${name} (${mode}) exited before it was ready: ${output}`)
      if (serves) {
        const healthy = await fetch(`${url}/health`).then(
          (res) => res.ok,
          () => false,
        )
        if (healthy) return
      } else if (output.includes(WRITER_READY)) return
      if (Date.now() > deadline)
        throw new Error(`${name} (${mode}) not ready within ${readyTimeoutMs} ms: ${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const start = async (): Promise<void> => {
    stopping = false
    output = ''
    const inspector = inspect ? ['--inspect=127.0.0.1:0'] : []
    const started = spawn(
      process.execPath,
      [...inspector, '--no-deprecation', '--import', 'tsx', ...script],
      {
        cwd: REPO_ROOT,
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    running.add(started)
    inspectorUrl = undefined
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-16_384)
      inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1]
    }
    started.stdout?.on('data', keep)
    started.stderr?.on('data', keep)
    started.once('exit', (code, signal) => {
      running.delete(started)
      if (stopping || child !== started) return
      crashes.push({ code, signal, output })
      if (supervise) {
        setTimeout(() => {
          if (!stopping) start().catch(() => undefined)
        }, 100)
      }
    })
    child = started
    try {
      await ready(started)
    } catch (error) {
      // Not ready in time: it does not linger (and its exit is no crash).
      stopping = true
      started.kill('SIGKILL')
      throw error
    }
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    stopping = true
    const current = child
    if (!current || exited(current)) return
    const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()))
    current.kill(signal)
    await gone
  }

  await start()
  const client = url
    ? adapterClient(url, { timeoutMs: requestTimeoutMs })
    : {
        bridge: () => Promise.reject(new Error(`${name} is a writer: it serves no requests`)),
        post: () => Promise.reject(new Error(`${name} is a writer: it serves no requests`)),
      }
  return {
    ...client,
    name,
    mode,
    url,
    metricsUrl: metricsPort ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
    get pid() {
      return child && !exited(child) ? child.pid : undefined
    },
    crashes,
    output: () => output,
    rssBytes: () => {
      const pid = child?.pid
      const status = pid === undefined ? '' : readFileSync(`/proc/${pid}/status`, 'utf8')
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
      if (kib === undefined) throw new Error(`${name}: no resident set size (is it running?)`)
      return Number(kib) * 1024
    },
    collectGarbage: async () => {
      if (!inspectorUrl) throw new Error(`${name}: started without the inspect option`)
      const [, usage] = await inspectorCalls(inspectorUrl, [
        'HeapProfiler.collectGarbage',
        'Runtime.getHeapUsage',
      ])
      const { usedSize, totalSize } = usage as { usedSize: number; totalSize: number }
      return { usedBytes: usedSize, totalBytes: totalSize }
    },
    start,
    stop,
  }
}

/** Calls `methods` one after the other over Node's inspector protocol at `url`; their results. */
async function inspectorCalls(url: string, methods: string[]): Promise<unknown[]> {
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.onopen = resolve
    socket.onerror = reject
  })
  try {
    const results: unknown[] = []
    for (const [id, method] of methods.entries()) {
      results.push(
        await new Promise((resolve) => {
          socket.onmessage = (event) => {
            const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
            if (message.id === id) resolve(message.result)
          }
          socket.send(JSON.stringify({ id, method }))
        }),
      )
    }
    return results
  } finally {
    socket.close()
  }
}
