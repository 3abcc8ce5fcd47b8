/**
 * A problem the user can act on (devkit/cli.ts's CliError). The CLI prints its message as is (no stack) and
 * exits with 2 for a usage or configuration mistake, 3 for something not done yet that will be (a
 * registration still pending), 1 for a refusal or a failure on the chain.
 */
import { CliError } from '#devkit/cli'

export { exitCodeOf } from '#devkit/cli'

export class UpkeepsError extends CliError {
  override name = 'UpkeepsError'
}
