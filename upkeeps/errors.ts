/**
 * A problem the user can act on. The CLI prints its message as is (no stack) and exits with 2 for a usage or
 * configuration mistake, 3 for something not done yet that will be (a registration still pending), 1 for a
 * refusal or a failure on the chain.
 */
export class UpkeepsError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'refused' | 'failed' | 'pending' = 'refused',
  ) {
    super(message)
    this.name = 'UpkeepsError'
  }
}

/** The CLI's exit code for an error: 2 usage, 3 pending, 1 anything else. */
export function exitCodeOf(error: unknown): number {
  if (!(error instanceof UpkeepsError)) return 1
  return error.kind === 'usage' ? 2 : error.kind === 'pending' ? 3 : 1
}
