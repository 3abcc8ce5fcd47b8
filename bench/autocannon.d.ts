// The part of autocannon 9's programmatic API that bench/load.ts uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    /** Several URLs share the connections between them. */
    url: string | string[]
    connections?: number
    /** Seconds. */
    duration?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    /** Seconds before a request counts as a timeout. */
    timeout?: number
    /** A response whose body this refuses counts as a mismatch. */
    verifyBody?: (body: string) => boolean
  }

  interface Result {
    /** Seconds. */
    duration: number
    requests: { total: number; average: number; sent: number }
    latency: { p50: number; p99: number }
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
  }

  /** Emits `response` (client, status code, bytes, response time in ms) for every response. */
  type Instance = EventEmitter & PromiseLike<Result> & { stop(): void }

  function autocannon(options: Options): Instance
  export default autocannon
}
