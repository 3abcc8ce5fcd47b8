import { AsyncLocalStorage } from 'node:async_hooks'
import { providerError } from './errors'
import { DEFAULT_MAX_BODY_BYTES, HttpRefusal, fetchBounded } from './http-fetch'

/**
 * HTTP client for data providers: a concurrency cap and a request-rate limit shared by every
 * request made through one instance, retries with exponential backoff on 429 / 5xx / network
 * errors / timeouts, then failover to the next configured URL.
 *
 * A URL may carry credentials (`https://user:password@host/path?apikey=…`): they are sent as
 * HTTP Basic authentication (fetch refuses them in the URL) and the query is kept. A URL is
 * never shown whole: messages name it by its setting, its position in the list and its host.
 *
 * Redirects are followed within the configured URL's origin only, and a body is read no
 * further than `maxBodyBytes` (adapters/common/http-fetch.ts): a URL that redirects elsewhere
 * or answers too much is not asked again in this call, and the next URL is tried.
 */
export interface ProviderClientOptions {
  /** Base URLs in failover order. */
  urls: string[]
  /** Headers sent with every request (authentication). */
  headers?: Record<string, string>
  /** Per-attempt timeout. */
  timeoutMs: number
  /** Retries per URL after the first attempt. */
  retries: number
  /** First backoff delay; doubles on each retry. */
  backoffMs: number
  /** Requests in flight at once across the client. */
  concurrency: number
  /**
   * Requests in flight at once for one adapter request (its share of `concurrency`); adapter
   * requests waiting for a slot take turns. Defaults to `concurrency`.
   */
  concurrencyPerRequest?: number
  /** Requests started per second across the client; 0 means unlimited. */
  requestsPerSecond: number
  /** The most body bytes read from one answer (default {@link DEFAULT_MAX_BODY_BYTES}); a longer one fails the attempt. */
  maxBodyBytes?: number
  /** Names the provider in error messages (e.g. the setting the URLs came from). */
  label: string
}

export interface ProviderResponse {
  url: string
  status: number
  text: string
  headers: Headers
  /** Raw body bytes, for signature checks over the exact bytes received. */
  bytes: Uint8Array
  /** Position of the URL that answered in the configured list (0-based). */
  endpoint?: number
}

/** A response status that retrying (and failing over) may cure. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

const requestScope = new AsyncLocalStorage<string>()

/**
 * Runs `work` on behalf of adapter request `request` (its feed id): every provider call made
 * within it counts against that request's share of a {@link ProviderClient}.
 */
export function onBehalfOf<T>(request: string, work: () => Promise<T>): Promise<T> {
  return requestScope.run(request, work)
}

/** The adapter request the current provider call is made for. */
function currentRequest(): string {
  return requestScope.getStore() ?? ''
}

/**
 * A concurrency cap shared fairly: at most `limit` tasks run at once, at most `perOwner` of
 * them for one owner (an adapter request); when a slot frees, it goes to the waiting owner
 * served least recently, each owner's own tasks in order. A request arriving while another has
 * hundreds of calls queued waits for one turn, not for all of them.
 */
export class FairScheduler {
  private active = 0
  private starts = 0
  private readonly owners = new Map<string, { active: number; lastStart: number; waiting: (() => void)[] }>()
  /** Owners with tasks waiting. */
  private readonly waitingOwners = new Set<string>()

  constructor(
    private readonly limit: number,
    private readonly perOwner: number,
  ) {}

  async run<T>(owner: string, task: () => Promise<T>): Promise<T> {
    let state = this.owners.get(owner)
    if (!state) {
      state = { active: 0, lastStart: -1, waiting: [] }
      this.owners.set(owner, state)
    }
    if (this.active < this.limit && state.active < this.perOwner && state.waiting.length === 0) {
      this.start(state)
    } else {
      const { waiting } = state
      await new Promise<void>((resolve) => {
        waiting.push(resolve)
        this.waitingOwners.add(owner)
      })
    }
    try {
      return await task()
    } finally {
      this.active--
      state.active--
      if (state.active === 0 && state.waiting.length === 0) this.owners.delete(owner)
      this.startNext()
    }
  }

  private start(state: { active: number; lastStart: number }): void {
    this.active++
    state.active++
    state.lastStart = this.starts++
  }

  /** Fills free slots from the waiting owners below their share, least recently served first. */
  private startNext(): void {
    while (this.active < this.limit) {
      let next: string | undefined
      for (const owner of this.waitingOwners) {
        const state = this.owners.get(owner)!
        if (state.active >= this.perOwner) continue
        if (next === undefined || state.lastStart < this.owners.get(next)!.lastStart) next = owner
      }
      if (next === undefined) return
      const state = this.owners.get(next)!
      const resume = state.waiting.shift()!
      if (state.waiting.length === 0) this.waitingOwners.delete(next)
      this.start(state)
      resume()
    }
  }
}

/** Spaces request starts evenly: at most `perSecond` starts in any second. */
class StartSpacer {
  private nextStart = 0
  constructor(private readonly perSecond: number) {}
  async wait(): Promise<void> {
    if (this.perSecond <= 0) return
    const now = Date.now()
    const start = Math.max(now, this.nextStart)
    this.nextStart = start + 1000 / this.perSecond
    if (start > now) await sleep(start - now)
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** How long the client keeps using a fallback URL before it tries the first one again. */
export const FAILBACK_AFTER_MS = 60_000

export class ProviderClient {
  /** The URLs as fetched (credentials taken out) and the headers each is sent with. */
  private readonly endpoints: ProviderEndpoint[]
  private readonly scheduler: FairScheduler
  private readonly spacer: StartSpacer
  /** Index of the URL tried first: after a failover the client stays on the URL that answered. */
  private preferred = 0
  private preferredSince = 0

  constructor(readonly options: ProviderClientOptions) {
    if (options.urls.length === 0) throw new Error(`${options.label}: no provider URL configured`)
    this.endpoints = options.urls.map((url, i) => {
      const endpoint = providerEndpoint(url, `${options.label} entry ${i + 1}`)
      const clash = Object.keys(options.headers ?? {}).find((name) => name.toLowerCase() === 'authorization')
      if (endpoint.headers.authorization && clash) {
        throw new Error(
          `${options.label} entry ${i + 1} carries credentials, and the API key is sent in the ${clash} header too: use one`,
        )
      }
      return { url: endpoint.url, headers: { ...options.headers, ...endpoint.headers } }
    })
    const concurrency = Math.max(1, options.concurrency)
    this.scheduler = new FairScheduler(
      concurrency,
      Math.min(concurrency, Math.max(1, options.concurrencyPerRequest ?? concurrency)),
    )
    this.spacer = new StartSpacer(options.requestsPerSecond)
  }

  /** How many URLs are configured. */
  get endpointCount(): number {
    return this.endpoints.length
  }

  /** URL `index` (0-based) as messages name it: its position and host, never the whole URL. */
  endpointName(index: number): string {
    return `#${index + 1} (${hostOf(this.endpoints[index].url)})`
  }

  /**
   * GETs `path` from the first URL that answers. A non-retryable 4xx is final (every mirror of
   * the same API would say the same); anything else moves on after the retries run out, and
   * the URL that then answers is tried first for the next {@link FAILBACK_AFTER_MS}.
   * Throws a 502 naming `subject` when no URL could answer.
   *
   * With `only`, asks URL `only` alone (its retries, no failover, no change of preference): for
   * reads that must all come from the provider whose chain state they describe.
   */
  async get(path: string, subject: string, only?: number): Promise<ProviderResponse> {
    const failures: string[] = []
    for (const index of only === undefined ? this.urlOrder() : [only]) {
      const endpoint = this.endpoints[index]
      const url = joinUrl(endpoint.url, path)
      const where = this.endpointName(index)
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        if (attempt > 0) await sleep(this.options.backoffMs * 2 ** (attempt - 1))
        const outcome = await this.scheduler.run(currentRequest(), () => this.attempt(url, endpoint.headers))
        if ('response' in outcome) {
          const { response } = outcome
          if (response.status >= 200 && response.status < 300) {
            if (only === undefined) this.prefer(index)
            return { ...response, endpoint: index }
          }
          const detail = `${where} answered ${response.status} ${redactUrls(response.text.slice(0, 200)).trim()}`
          if (!isRetryableStatus(response.status)) {
            throw providerError(`${subject}: ${this.options.label} ${detail}`, 502, response.status)
          }
          failures.push(detail)
        } else {
          failures.push(`${where}: ${outcome.error}`)
          // The same URL would answer the same redirect or the same body again.
          if (outcome.refused) break
        }
      }
    }
    throw providerError(
      `${subject}: no ${this.options.label} provider answered (${failures.slice(-3).join('; ')})`,
    )
  }

  /** URL indexes in the order to try them: the preferred one first, then the configured order. */
  private urlOrder(): number[] {
    if (this.preferred !== 0 && Date.now() - this.preferredSince > FAILBACK_AFTER_MS) this.preferred = 0
    const all = this.options.urls.map((_, i) => i)
    return [this.preferred, ...all.filter((i) => i !== this.preferred)]
  }

  private prefer(index: number): void {
    if (index === this.preferred) return
    this.preferred = index
    this.preferredSince = Date.now()
  }

  private async attempt(
    url: string,
    headers: Record<string, string>,
  ): Promise<{ response: ProviderResponse } | { error: string; refused: boolean }> {
    await this.spacer.wait()
    try {
      const response = await fetchBounded(url, {
        headers,
        timeoutMs: this.options.timeoutMs,
        maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      })
      return { response }
    } catch (err) {
      if (err instanceof HttpRefusal) return { error: err.message, refused: true }
      return { error: describeNetworkError(err, this.options.timeoutMs), refused: false }
    }
  }
}

/** Parses a comma-separated URL list setting, in failover order. */
export function parseUrlList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0)
}

/** `path` under the base URL's path, the base URL's query kept (`…/v1?key=k` + `a/b` → `…/v1/a/b?key=k`). */
function joinUrl(base: string, path: string): string {
  if (!path) return base
  const url = new URL(base)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
  return url.toString()
}

/** A URL as fetched: without its credentials, which are in `headers` as HTTP Basic. */
export interface ProviderEndpoint {
  url: string
  headers: Record<string, string>
}

/** Whether `text` is an http(s) URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

/**
 * `url` ready to fetch: `user:password@` taken out of it into an `authorization: Basic …`
 * header (percent-decoded, as RFC 3986 writes them), the rest of the URL, query included, as it
 * is. Throws naming `name` (never the URL) when it is not an http(s) URL.
 */
export function providerEndpoint(url: string, name: string): ProviderEndpoint {
  if (!isHttpUrl(url)) throw new Error(`${name} is not an http(s) URL`)
  const parsed = new URL(url)
  if (!parsed.username && !parsed.password) return { url, headers: {} }
  const user = decodeURIComponent(parsed.username)
  const password = decodeURIComponent(parsed.password)
  parsed.username = ''
  parsed.password = ''
  return {
    url: parsed.toString(),
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  }
}

/**
 * Names a provider URL in an error message by its host alone: credentials, paths and queries
 * often carry an API key, and a URL list setting is not censored by the framework the way a
 * single URL is.
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '<url>'
  }
}

/** `text` (an error, a provider's answer) with every URL in it cut to its scheme and host. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi, (match) => {
    try {
      const url = new URL(match)
      return `${url.protocol}//${url.host}/…`
    } catch {
      return '<url>'
    }
  })
}

/** What went wrong with a request that got no HTTP answer (timeout, refused, reset); no URL in it. */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  const detail = [cause?.code, cause?.message].filter(Boolean).join(': ')
  return redactUrls(detail || ((error as Error)?.message ?? String(error)))
}
