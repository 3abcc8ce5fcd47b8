// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IPausable
 * @notice The external face of a contract built on OpenZeppelin's `Pausable` that exposes `pause()` and
 * `unpause()` (OpenZeppelin leaves those two to the inheriting contract).
 */
interface IPausable {
    /// @notice Whether the contract is paused.
    function paused() external view returns (bool);

    /// @notice Pauses the contract.
    function pause() external;

    /// @notice Unpauses the contract.
    function unpause() external;
}
