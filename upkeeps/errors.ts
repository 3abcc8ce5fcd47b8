/**
 * A problem the user can act on. The CLI prints its message as is (no stack) and exits with 2 for a usage or
 * configuration mistake, 1 for a refusal or a failure on the chain.
 */
export class UpkeepsError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'refused' | 'failed' = 'refused',
  ) {
    super(message)
    this.name = 'UpkeepsError'
  }
}
