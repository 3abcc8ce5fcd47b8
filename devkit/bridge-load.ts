/**
 * Steady load on adapters, asked the way nodes' bridges ask, with every answer kept: the scale
 * tests and the benchmark's fault run read them afterwards (which status, which figure, when).
 * Not a throughput tool (bench/load.ts measures throughput with autocannon): each answer is read
 * and parsed.
 */
import type { AdapterClient } from './adapter-server'

/** One answer: when it came, from which client, its status (or why there was none) and its `result`. */
export interface LoadAnswer {
  /** `Date.now()` when the answer arrived. */
  at: number
  /** Index of the client asked, in the list given to {@link startLoad}. */
  client: number
  /** The HTTP status, `timeout` when none came within the client's timeout, `error` for a refused or reset connection. */
  status: number | 'timeout' | 'error'
  /** The answer's `result`, when it has one. */
  result?: unknown
  /** The answer's body (parsed), when it is a JSON object. */
  body?: Record<string, unknown>
  /** How long the request took, in ms. */
  ms: number
}

export interface Load {
  /** Every answer so far, in order of arrival. */
  readonly answers: readonly LoadAnswer[]
  /** Stops asking; resolves with every answer once the requests in flight have come back. */
  stop(): Promise<LoadAnswer[]>
}

/**
 * Asks `clients` for `data` from `concurrency` loops until stopped, each loop taking the clients
 * in turn, `pauseMs` between its requests.
 */
export function startLoad(
  clients: AdapterClient[],
  data: Record<string, unknown>,
  { concurrency = 4, pauseMs = 0 }: { concurrency?: number; pauseMs?: number } = {},
): Load {
  const answers: LoadAnswer[] = []
  let stopped = false
  const loop = async (worker: number) => {
    for (let n = 0; !stopped; n++) {
      const client = (worker + n) % clients.length
      const started = performance.now()
      let answer: Omit<LoadAnswer, 'at' | 'client' | 'ms'>
      try {
        const { status, body } = await clients[client].bridge(data)
        answer = { status, result: body?.result, body }
      } catch (error) {
        answer = { status: error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'error' }
      }
      answers.push({ ...answer, at: Date.now(), client, ms: performance.now() - started })
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
    }
  }
  const loops = Array.from({ length: concurrency }, (_, worker) => loop(worker))
  return {
    answers,
    stop: async () => {
      stopped = true
      await Promise.all(loops)
      return answers
    },
  }
}

/**
 * Resolves once `condition` holds, checking every `everyMs`; throws `what` after `timeoutMs`.
 * For waiting on a background process (a refresh, a restart), never for timing it.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 60_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
