/**
 * One HTTP exchange with a provider, as every provider path makes it (ProviderClient, the EVM
 * JSON-RPC client): redirects followed only within the configured URL's origin, and a body read
 * no further than a cap.
 *
 * - fetch's own redirect handling sends the request's headers wherever a `Location` points (it
 *   drops `Authorization` alone, not an API key header such as `x-api-key`), and the adapter
 *   would serve that host's figure. Here a redirect to another origin
 *   is refused, naming that origin alone (`scheme://host:port`, never a path, query or
 *   userinfo); one within the origin is followed like fetch does, at most {@link MAX_REDIRECTS}
 *   times.
 * - The body is read as a stream, counted as it arrives (after HTTP decoding: a compressed
 *   body is capped at its decoded size), and the connection is closed as soon as the count
 *   passes the cap: a provider cannot make the adapter hold more than the cap in memory. A
 *   `Content-Length` above the cap is refused before any of the body is read.
 */

/** The most redirects within its origin followed for one request (fetch's own limit is 20). */
export const MAX_REDIRECTS = 5

/** The body cap of a client built without one (adapters set theirs, per provider). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 ** 2

/** Of an answer that is not a 2xx, only this much is read: enough for an error message. */
const ERROR_BODY_BYTES = 4_096

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export interface BoundedRequest {
  method?: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
  /** One timeout for the whole exchange, redirects and body included. */
  timeoutMs: number
  /** The most body bytes read; a longer body is an {@link HttpRefusal}. */
  maxBodyBytes: number
}

export interface BoundedResponse {
  /** The URL that answered, after redirects within the origin. */
  url: string
  status: number
  headers: Headers
  /** The body bytes, decoded from the transfer; for a status other than 2xx, at most its first 4 KiB. */
  bytes: Uint8Array
  text: string
}

/**
 * The provider answered, but with something not to be read: a redirect to another origin, too
 * many redirects, a body above the cap. The message names no URL but the foreign origin.
 */
export class HttpRefusal extends Error {}

/**
 * Makes the request to `url`, following redirects within its origin, and reads the answer's
 * body up to `maxBodyBytes`. Throws an {@link HttpRefusal}, or fetch's own error when no answer
 * came (network failure, timeout).
 */
export async function fetchBounded(url: string, request: BoundedRequest): Promise<BoundedResponse> {
  const origin = new URL(url).origin
  const signal = AbortSignal.timeout(request.timeoutMs)
  let method = request.method ?? 'GET'
  let body = request.body
  let current = url
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(current, {
      method,
      headers: request.headers,
      body,
      signal,
      redirect: 'manual',
    })
    const location = response.headers.get('location')
    if (!REDIRECT_STATUSES.has(response.status) || location === null) {
      const ok = response.status >= 200 && response.status < 300
      const bytes = await readBody(response, ok ? request.maxBodyBytes : ERROR_BODY_BYTES, ok)
      return {
        url: current,
        status: response.status,
        headers: response.headers,
        bytes,
        text: new TextDecoder().decode(bytes),
      }
    }
    await response.body?.cancel()
    let target: URL
    try {
      target = new URL(location, current)
    } catch {
      throw new HttpRefusal(`answered ${response.status} with a Location that is not a URL`)
    }
    if (target.origin !== origin) {
      throw new HttpRefusal(
        `answered ${response.status}, a redirect to another origin, ${originOf(target)}: not followed (a credential never leaves for a host not configured, and no figure comes from one)`,
      )
    }
    if (redirects === MAX_REDIRECTS) {
      throw new HttpRefusal(`answered more than ${MAX_REDIRECTS} redirects within its origin`)
    }
    // As fetch does: 303, and 301 / 302 after a POST, go on as a GET without the body.
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET'
      body = undefined
    }
    current = target.toString()
  }
}

/** `scheme://host:port` of a URL, the only part of a foreign URL ever shown. */
function originOf(url: URL): string {
  return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin
}

/**
 * Reads `response`'s body up to `cap` bytes and closes the connection there. Past the cap, a
 * 2xx body (`strict`) is an {@link HttpRefusal}; any other is kept cut at the cap.
 */
async function readBody(response: Response, cap: number, strict: boolean): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (strict && Number.isSafeInteger(declared) && declared > cap) {
    await response.body?.cancel()
    throw tooLarge(cap, `it announces ${declared}`)
  }
  if (!response.body) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (size + value.byteLength > cap) {
      // Cancelling the stream closes the connection: the rest is never read.
      await reader.cancel()
      if (strict) throw tooLarge(cap, 'stopped reading there')
      chunks.push(value.subarray(0, cap - size))
      size = cap
      break
    }
    chunks.push(value)
    size += value.byteLength
  }
  return Buffer.concat(chunks, size)
}

function tooLarge(cap: number, detail: string): HttpRefusal {
  return new HttpRefusal(`answered a body larger than ${cap} bytes, its cap (${detail})`)
}
