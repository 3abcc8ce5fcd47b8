import { providerError } from './errors'

/**
 * HTTP client for data providers: a concurrency cap and a request-rate limit shared by every
 * request made through one instance, retries with exponential backoff on 429 / 5xx / network
 * errors / timeouts, then failover to the next configured URL.
 *
 * A URL may carry credentials (`https://user:password@host/path?apikey=…`): they are sent as
 * HTTP Basic authentication (fetch refuses them in the URL) and the query is kept. A URL is
 * never shown whole: messages name it by its setting, its position in the list and its host.
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
  /** Requests started per second across the client; 0 means unlimited. */
  requestsPerSecond: number
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
}

/** A response status that retrying (and failing over) may cure. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

class Semaphore {
  private active = 0
  private readonly waiting: (() => void)[] = []
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.active++
    try {
      return await task()
    } finally {
      this.active--
      this.waiting.shift()?.()
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
  private readonly semaphore: Semaphore
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
    this.semaphore = new Semaphore(Math.max(1, options.concurrency))
    this.spacer = new StartSpacer(options.requestsPerSecond)
  }

  /**
   * GETs `path` from the first URL that answers. A non-retryable 4xx is final (every mirror of
   * the same API would say the same); anything else moves on after the retries run out, and
   * the URL that then answers is tried first for the next {@link FAILBACK_AFTER_MS}.
   * Throws a 502 naming `subject` when no URL could answer.
   */
  async get(path: string, subject: string): Promise<ProviderResponse> {
    const failures: string[] = []
    for (const index of this.urlOrder()) {
      const endpoint = this.endpoints[index]
      const url = joinUrl(endpoint.url, path)
      const where = `#${index + 1} (${hostOf(endpoint.url)})`
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        if (attempt > 0) await sleep(this.options.backoffMs * 2 ** (attempt - 1))
        const outcome = await this.semaphore.run(() => this.attempt(url, endpoint.headers))
        if ('response' in outcome) {
          const { response } = outcome
          if (response.status >= 200 && response.status < 300) {
            this.prefer(index)
            return response
          }
          const detail = `${where} answered ${response.status} ${redactUrls(response.text.slice(0, 200)).trim()}`
          if (!isRetryableStatus(response.status)) {
            throw providerError(`${subject}: ${this.options.label} ${detail}`)
          }
          failures.push(detail)
        } else {
          failures.push(`${where}: ${outcome.error}`)
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
  ): Promise<{ response: ProviderResponse } | { error: string }> {
    await this.spacer.wait()
    try {
      const res = await fetch(url, {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      })
      const bytes = new Uint8Array(await res.arrayBuffer())
      const text = new TextDecoder().decode(bytes)
      return { response: { url, status: res.status, text, headers: res.headers, bytes } }
    } catch (err) {
      return { error: describeNetworkError(err, this.options.timeoutMs) }
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
