// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IAcePausePolicy
 * @notice The functions of Chainlink ACE's `PausePolicy` (`@chainlink/ace` 1.0.0) that {ReserveGuard} calls in its
 * `AcePausePolicy` pause mode, declared from ACE's ABI (ACE is BUSL-1.1: nothing of its code is built into ours).
 * A `PausePolicy` attached to a token's function, through the token's `PolicyEngine`, rejects every call of it
 * while paused. It is single-step `Ownable`: only its owner (the guard) changes its state.
 */
interface IAcePausePolicy {
    /// @notice Whether the policy rejects the calls it is attached to.
    // solhint-disable-next-line func-name-mixedcase
    function s_paused() external view returns (bool);

    /// @notice Sets the paused state. Owner only; reverts when `paused` is already the state.
    function setPausedState(bool paused) external;
}

/// @title IAcePolicyEngine
/// @notice The view of Chainlink ACE's `PolicyEngine` the guard reads: the policies run on a target's function.
interface IAcePolicyEngine {
    /// @notice The policies the engine runs on `target`'s `selector`, in the order it runs them.
    function getPolicies(address target, bytes4 selector) external view returns (address[] memory);
}

/// @title IAcePolicyProtected
/// @notice The view of a Chainlink ACE policy-protected contract (a `ComplianceTokenERC20`) the guard reads.
interface IAcePolicyProtected {
    /// @notice The `PolicyEngine` that runs the contract's policies.
    function getPolicyEngine() external view returns (address);
}
