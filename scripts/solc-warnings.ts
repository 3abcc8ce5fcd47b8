/**
 * solc's warnings about our dependencies' sources are not ours to act on (Chainlink's Automation registry has
 * a payable fallback and no receive function; its vendored WETH9 has no SPDX line): `hardhat.config.ts` drops
 * them from every build, so that a build, the demo's included, shows only the warnings about contracts/.
 * Errors are never dropped.
 */

/** A diagnostic of solc's standard-JSON output (Hardhat's type leaves out where it points). */
export interface SolcDiagnostic {
  severity: 'error' | 'warning' | 'info'
  /** The source it points at, by its input source name: Hardhat gives ours as `project/…`, npm packages' as `npm/<package>@<version>/…`. */
  sourceLocation?: { file: string }
}

/** The diagnostics without the warnings and notes that point at a dependency's source. */
export function withoutDependencyWarnings<D extends SolcDiagnostic>(diagnostics: readonly D[]): D[] {
  return diagnostics.filter(
    (diagnostic) => diagnostic.severity === 'error' || !diagnostic.sourceLocation?.file.startsWith('npm/'),
  )
}
