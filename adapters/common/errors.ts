import { AdapterError, AdapterInputError } from '@chainlink/external-adapter-framework/validation/error'

/** Bad input from the caller: HTTP 400 with a message naming the field. */
export function inputError(message: string): AdapterInputError {
  return new AdapterInputError({ statusCode: 400, message })
}

/**
 * A setting of the adapter's own, looked up when a request names it (a network's RPC settings),
 * is malformed: HTTP 500 naming the setting. The request is not at fault, nor the provider.
 */
export function settingError(message: string): AdapterError {
  return new AdapterError({ statusCode: 500, name: 'AdapterConfigError', message })
}

/**
 * The provider could not be read, or answered something that cannot be trusted: HTTP 502 by
 * default. A reserve that cannot be fully read is always an error, never a smaller number.
 * `providerStatusCode` is the provider's own HTTP status when that is what failed.
 */
export function providerError(message: string, statusCode = 502, providerStatusCode?: number): AdapterError {
  return new AdapterError({ statusCode, name: 'AdapterDataProviderError', message, providerStatusCode })
}

/**
 * Whether a failure is an answer that asking again soon would only repeat: the request is bad
 * (a 400 found while computing, e.g. a depth deeper than the chain), or the provider refused it
 * with a 4xx other than 408 and 429 (an unknown account, a bad key). Such a failure is computed
 * again at the next refresh, not retried.
 */
export function isFinalFailure(error: unknown): boolean {
  if (!(error instanceof AdapterError)) return false
  if (error.statusCode === 400) return true
  const status = error.providerStatusCode
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429
}

/**
 * A provider error whose cached error response carries extra top-level fields next to
 * `statusCode` and `errorMessage` (e.g. a ripcord's `ripcord: true, ripcordDetails: [...]`).
 *
 * The framework's cache keeps serving an unexpired success rather than overwrite it with an
 * error (so one failed read does not drop a good answer). With `replacesCachedResult`, the error
 * takes the place of that success at once: for failures that withdraw the last figure too.
 */
export class DetailedAdapterError extends AdapterError {
  readonly details: Record<string, unknown>
  readonly replacesCachedResult: boolean

  constructor(params: {
    statusCode: number
    message: string
    details: Record<string, unknown>
    replacesCachedResult?: boolean
  }) {
    super({ statusCode: params.statusCode, name: 'AdapterDataProviderError', message: params.message })
    this.details = params.details
    this.replacesCachedResult = params.replacesCachedResult ?? false
  }
}

/**
 * Status code and message to report for anything thrown while computing a response, and the
 * extra response fields of a {@link DetailedAdapterError}.
 */
export function describeFailure(error: unknown): {
  statusCode: number
  message: string
  details?: Record<string, unknown>
} {
  if (error instanceof DetailedAdapterError) {
    return { statusCode: error.statusCode, message: error.message, details: error.details }
  }
  if (error instanceof AdapterError) return { statusCode: error.statusCode, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { statusCode: 502, message }
}
