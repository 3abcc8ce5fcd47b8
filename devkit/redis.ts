/**
 * A real Redis for tests and benches: Debian's `redis-server` started as a child process on a
 * free loopback port, with no configuration file and nothing written to disk (no RDB snapshot,
 * no append-only file), so a restart starts empty, as a cache node replaced by its operator does.
 * The adapters reach it through the framework's own settings (`CACHE_TYPE=redis`,
 * `CACHE_REDIS_HOST`, `CACHE_REDIS_PORT`); the test talks to it with `ioredis`, the framework's
 * own client.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort } from './ports'

/** The server binary: `REDIS_SERVER` when set, else `redis-server` on the PATH. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server'

/** What to install when {@link REDIS_SERVER} is missing (the one prerequisite of `npm run test:scale`). */
export const REDIS_MISSING =
  `${REDIS_SERVER} is not installed: \`apt-get install redis-server\` (Debian/Ubuntu), ` +
  'or point REDIS_SERVER at a redis-server binary'

/** Whether {@link REDIS_SERVER} can be run here. */
export function redisServerInstalled(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0
}

export interface RedisServer {
  host: string
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  /** The framework's settings that point an adapter at this Redis. */
  readonly env: { CACHE_TYPE: 'redis'; CACHE_REDIS_HOST: string; CACHE_REDIS_PORT: string }
  /** The running server's process id, undefined while stopped. */
  readonly pid: number | undefined
  /** A new `ioredis` client on this server (close it with `quit()` or `disconnect()`). */
  client(): Redis
  /** Stops the server (SIGTERM: it exits at once, having nothing to save) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port, empty, and waits until it answers PING. */
  start(): Promise<void>
  /** {@link stop}, then {@link start}. */
  restart(): Promise<void>
  /** Stops the server and removes its working directory. */
  close(): Promise<void>
}

/** Resolves once Redis at `port` answers PING; throws after `timeoutMs`. */
async function waitForPing(port: number, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}): ${output()}`)
    }
    const probe = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    })
    probe.on('error', () => undefined) // refused until it listens: the loop retries
    try {
      await probe.connect()
      if ((await probe.ping()) === 'PONG') return
    } catch {
      // not listening yet
    } finally {
      probe.disconnect()
    }
    if (Date.now() > deadline)
      throw new Error(`redis-server did not answer PING within ${timeoutMs} ms: ${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Starts `redis-server` on a free loopback port (`--port`, `--bind 127.0.0.1`, `--save ''`,
 * `--appendonly no`, a temporary `--dir`) and resolves once it answers PING. Throws
 * {@link REDIS_MISSING} when the binary is not installed.
 */
export async function startRedis({ timeoutMs = 10_000 } = {}): Promise<RedisServer> {
  if (!redisServerInstalled()) throw new Error(REDIS_MISSING)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'por-redis-'))
  let child: ChildProcess | undefined
  let output = ''

  const start = async () => {
    output = ''
    const started = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_096)
    }
    started.stdout?.on('data', keep)
    started.stderr?.on('data', keep)
    child = started
    await waitForPing(port, started, () => output, timeoutMs)
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill(signal)
    await exited
  }

  await start()
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    env: { CACHE_TYPE: 'redis', CACHE_REDIS_HOST: '127.0.0.1', CACHE_REDIS_PORT: String(port) },
    get pid() {
      return child?.pid
    },
    client: () => new Redis({ host: '127.0.0.1', port }),
    stop,
    start,
    restart: async () => {
      await stop()
      await start()
    },
    close: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
