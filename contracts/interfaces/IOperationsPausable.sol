// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Operation flag: minting.
uint8 constant OPERATION_MINT = 1 << 0;
/// @dev Operation flag: redeeming (burning tokens against a release of the underlying).
uint8 constant OPERATION_REDEEM = 1 << 1;
/// @dev Operation flag: plain burning.
uint8 constant OPERATION_BURN = 1 << 2;
/// @dev Every operation flag.
uint8 constant ALL_OPERATIONS = OPERATION_MINT | OPERATION_REDEEM | OPERATION_BURN;

/**
 * @title IOperationsPausable
 * @notice A token whose mint, redeem and burn operations can be paused separately, as a bit mask of
 * `OPERATION_*` flags. {ReserveGuard} pauses these on a shortfall.
 */
interface IOperationsPausable {
    /**
     * @notice Emitted when operations are paused.
     * @param account who paused them
     * @param operations the flags that were asked for
     * @param pausedOperations every paused flag afterwards
     */
    event OperationsPaused(address indexed account, uint8 operations, uint8 pausedOperations);

    /**
     * @notice Emitted when operations are unpaused.
     * @param account who unpaused them
     * @param operations the flags that were asked for
     * @param pausedOperations every paused flag afterwards
     */
    event OperationsUnpaused(address indexed account, uint8 operations, uint8 pausedOperations);

    /// @notice An operation was attempted while paused.
    error OperationPaused(uint8 operation);

    /// @notice The mask is empty or holds unknown flags.
    error InvalidOperations(uint8 operations);

    /// @notice The paused operations, as a mask of `OPERATION_*` flags.
    function pausedOperations() external view returns (uint8);

    /**
     * @notice Pauses the given operations (those already paused stay paused).
     * @param operations a non-empty mask of `OPERATION_*` flags
     */
    function pauseOperations(uint8 operations) external;

    /**
     * @notice Unpauses the given operations (those not paused stay unpaused).
     * @param operations a non-empty mask of `OPERATION_*` flags
     */
    function unpauseOperations(uint8 operations) external;
}
