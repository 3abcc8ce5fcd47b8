/**
 * The build drops solc's warnings about dependencies (scripts/solc-warnings.ts, wired in hardhat.config.ts),
 * keeping ours and every error, on diagnostics shaped as solc reports them through Hardhat.
 */
import { withoutDependencyWarnings, type SolcDiagnostic } from '../../scripts/solc-warnings'

const at = (severity: SolcDiagnostic['severity'], file?: string): SolcDiagnostic => ({
  severity,
  ...(file === undefined ? {} : { sourceLocation: { file } }),
})

describe("solc's warnings in the build", () => {
  it("drops warnings and notes about npm packages' sources, keeps ours, errors, and unplaced ones", () => {
    const registry = at('warning', 'npm/@chainlink/contracts@1.5.0/src/v0.8/automation/Chainable.sol')
    const weth = at('warning', 'npm/@chainlink/contracts@1.5.0/src/v0.8/vendor/canonical-weth/WETH9.sol')
    const note = at('info', 'npm/@openzeppelin/contracts@5.7.0/access/AccessControl.sol')
    const ours = at('warning', 'project/contracts/ReserveGuard.sol')
    const dependencyError = at(
      'error',
      'npm/@chainlink/contracts@1.5.0/src/v0.8/keystone/KeystoneForwarder.sol',
    )
    const unplaced = at('warning')
    expect(withoutDependencyWarnings([registry, ours, weth, note, dependencyError, unplaced])).toEqual([
      ours,
      dependencyError,
      unplaced,
    ])
  })
})
