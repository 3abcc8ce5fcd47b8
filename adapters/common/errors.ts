import { AdapterError, AdapterInputError } from '@chainlink/external-adapter-framework/validation/error'

/** Bad input from the caller: HTTP 400 with a message naming the field. */
export function inputError(message: string): AdapterInputError {
  return new AdapterInputError({ statusCode: 400, message })
}

/**
 * The provider could not be read, or answered something that cannot be trusted: HTTP 502 by
 * default. A reserve that cannot be fully read is always an error, never a smaller number.
 */
export function providerError(message: string, statusCode = 502): AdapterError {
  return new AdapterError({ statusCode, name: 'AdapterDataProviderError', message })
}

/** Status code and message to report for anything thrown while computing a response. */
export function describeFailure(error: unknown): { statusCode: number; message: string } {
  if (error instanceof AdapterError) return { statusCode: error.statusCode, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { statusCode: 502, message }
}
